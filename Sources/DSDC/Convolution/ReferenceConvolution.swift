/// The plain, readable convolution: loops that read like the formula.
///
/// This is the algorithmic reference every fast kernel is tested against, and the
/// source of the individual terms the lessons print. It is slow on purpose.
///
/// ```
/// out[n, o, i, j] = b[o] + Σ_{c ∈ group(o)} Σ_{u,v} x[n, c, i·S + u·D − P, j·S + v·D − P] · w[o, c − c0, u, v]
/// ```
/// where `c0 = g·(C/groups)` is the first input channel of output channel `o`'s
/// group `g = o / (N/groups)`, and taps outside the input read zero (padding).
public enum ReferenceConvolution {
  /// One term of the sum that makes an output element.
  public struct Term: Sendable, Equatable {
    /// Input channel, row and column read (row/column may lie in the padding).
    public var channel: Int, row: Int, column: Int
    /// Kernel row `u` and column `v`, counted from 0.
    public var u: Int, v: Int
    /// The input value (0 in the padding) and the kernel weight.
    public var input: Float, weight: Float
    /// True when the tap lands outside the input, in the zero padding.
    public var inPadding: Bool
  }

  /// Forward pass.
  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - weight: `(N_out, C/groups, K, K)`
  ///   - bias: `(N_out)` or nil
  /// - Returns: `(N, N_out, H_out, W_out)`
  public static func forward(
    input: Tensor, weight: Tensor, bias: Tensor? = nil, geometry g: Conv2DGeometry
  ) -> Tensor {
    checkShapes(input: input, weight: weight, bias: bias, geometry: g)
    let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
    let (outH, outW) = g.outputSize(height: height, width: width)
    var output = Tensor(shape: [batch, g.outChannels, outH, outW])
    for n in 0..<batch {
      for o in 0..<g.outChannels {
        for i in 0..<outH {
          for j in 0..<outW {
            var sum = bias?.storage[o] ?? 0
            for t in terms(input: input, weight: weight, geometry: g, n: n, o: o, i: i, j: j) {
              sum += t.input * t.weight
            }
            output[n: n, c: o, h: i, w: j] = sum
          }
        }
      }
    }
    return output
  }

  /// Every term `x · w` of the sum for output element `[n, o, i, j]`, in the order
  /// channel, kernel row, kernel column — including taps that fall in the padding.
  public static func terms(
    input: Tensor, weight: Tensor, geometry g: Conv2DGeometry, n: Int, o: Int, i: Int, j: Int
  ) -> [Term] {
    let (height, width) = (input.shape[2], input.shape[3])
    let group = o / g.outChannelsPerGroup
    var result: [Term] = []
    result.reserveCapacity(g.inChannelsPerGroup * g.kernel * g.kernel)
    for cg in 0..<g.inChannelsPerGroup {
      let c = group * g.inChannelsPerGroup + cg
      for u in 0..<g.kernel {
        for v in 0..<g.kernel {
          let row = i * g.stride + u * g.dilation - g.padding
          let column = j * g.stride + v * g.dilation - g.padding
          let inside = row >= 0 && row < height && column >= 0 && column < width
          let x: Float = inside ? input[n: n, c: c, h: row, w: column] : 0
          result.append(
            Term(
              channel: c, row: row, column: column, u: u, v: v,
              input: x, weight: weight[n: o, c: cg, h: u, w: v], inPadding: !inside))
        }
      }
    }
    return result
  }

  /// Backward pass: given `dOutput = ∂L/∂out`, accumulates
  /// ```
  /// dInput[n, c, r, s]      += Σ dOutput[n, o, i, j] · w[o, c − c0, u, v]   over taps that read (r, s)
  /// dWeight[o, c − c0, u, v] += Σ_{n,i,j} dOutput[n, o, i, j] · x[n, c, i·S + u·D − P, j·S + v·D − P]
  /// dBias[o]                 += Σ_{n,i,j} dOutput[n, o, i, j]
  /// ```
  /// Shapes match `input`, `weight` and `bias` of the forward pass.
  public static func backward(
    input: Tensor, weight: Tensor, dOutput: Tensor, geometry g: Conv2DGeometry,
    dInput: inout Tensor, dWeight: inout Tensor, dBias: inout Tensor?
  ) {
    checkShapes(input: input, weight: weight, bias: dBias, geometry: g)
    let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
    let (outH, outW) = g.outputSize(height: height, width: width)
    precondition(
      dOutput.shape == [batch, g.outChannels, outH, outW],
      "dOutput shape \(dOutput.shape) does not match output [\(batch), \(g.outChannels), \(outH), \(outW)]")
    precondition(dInput.shape == input.shape, "dInput shape \(dInput.shape) != input \(input.shape)")
    precondition(dWeight.shape == weight.shape, "dWeight shape \(dWeight.shape) != weight \(weight.shape)")
    for n in 0..<batch {
      for o in 0..<g.outChannels {
        let c0 = o / g.outChannelsPerGroup * g.inChannelsPerGroup
        for i in 0..<outH {
          for j in 0..<outW {
            let grad = dOutput[n: n, c: o, h: i, w: j]
            if dBias != nil { dBias!.storage[o] += grad }
            for t in terms(input: input, weight: weight, geometry: g, n: n, o: o, i: i, j: j) where !t.inPadding {
              dWeight[n: o, c: t.channel - c0, h: t.u, w: t.v] += grad * t.input
              dInput[n: n, c: t.channel, h: t.row, w: t.column] += grad * t.weight
            }
          }
        }
      }
    }
  }

  static func checkShapes(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2DGeometry) {
    precondition(
      input.rank == 4 && input.shape[1] == g.inChannels,
      "input shape \(input.shape) does not fit \(g) (want [N, \(g.inChannels), H, W])")
    precondition(
      weight.shape == g.weightShape,
      "weight shape \(weight.shape) does not fit \(g) (want \(g.weightShape))")
    if let bias { precondition(bias.shape == [g.outChannels], "bias shape \(bias.shape) != [\(g.outChannels)]") }
  }
}
