/// A fully connected layer, PyTorch's `nn.Linear`:
/// ```
/// y[n, o] = b[o] + Σ_i x[n, i] · W[o, i]
/// dInput[n, i] += Σ_o dOutput[n, o] · W[o, i]
/// dWeight[o, i] += Σ_n dOutput[n, o] · x[n, i]        dBias[o] += Σ_n dOutput[n, o]
/// ```
public final class Linear {
  /// The `state_dict` prefix, e.g. `classifier`.
  public let name: String
  /// Input features per example.
  public let inFeatures: Int
  /// Output features per example.
  public let outFeatures: Int
  /// `W`, `(out, in)`.
  public let weight: Parameter
  /// `b`, `(out)`.
  public let bias: Parameter

  /// A layer with PyTorch's default initialisation, `W, b ~ U(−1/√in, 1/√in)`, drawn
  /// from `generator` (weight first, then bias).
  /// - Parameter name: the `state_dict` prefix, e.g. `classifier`.
  public init<G: RandomNumberGenerator>(name: String, inFeatures: Int, outFeatures: Int, using generator: inout G) {
    precondition(inFeatures > 0 && outFeatures > 0, "Linear(\(inFeatures) → \(outFeatures)) needs positive sizes")
    self.name = name
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    let bound = Parameter.kaimingUniformBound(fanIn: inFeatures)
    weight = Parameter(
      name: name + ".weight",
      value: .randomUniform(shape: [outFeatures, inFeatures], bound: bound, using: &generator))
    bias = Parameter(
      name: name + ".bias",
      value: .randomUniform(shape: [outFeatures], bound: bound, using: &generator))
  }

  /// True when neither `W` nor `b` is trainable.
  public var isFrozen: Bool { weight.isFrozen && bias.isFrozen }

  /// - Parameters:
  ///   - input: `(N, in)`
  ///   - output: `(N, out)` (overwritten)
  public func forward(input: Tensor, output: inout Tensor) {
    precondition(
      input.rank == 2 && input.shape[1] == inFeatures && output.shape == [input.shape[0], outFeatures],
      "Linear(\(inFeatures) → \(outFeatures)): input \(input.shape), output \(output.shape)")
    let (batch, inF, outF) = (input.shape[0], inFeatures, outFeatures)
    input.storage.withUnsafeBufferPointer { x in
      weight.value.storage.withUnsafeBufferPointer { w in
        bias.value.storage.withUnsafeBufferPointer { b in
          output.storage.withUnsafeMutableBufferPointer { y in
            Self.forward(
              x.baseAddress!, batch: batch, weight: w.baseAddress!, bias: b.baseAddress!, y.baseAddress!,
              inFeatures: inF, outFeatures: outF)
          }
        }
      }
    }
  }

  /// The forward pass on raw memory: `x` `(batch, inFeatures)`, `y` `(batch, outFeatures)`.
  static func forward(
    _ x: UnsafePointer<Float>, batch: Int, weight w: UnsafePointer<Float>, bias b: UnsafePointer<Float>,
    _ y: UnsafeMutablePointer<Float>, inFeatures inF: Int, outFeatures outF: Int
  ) {
    for n in 0..<batch {
      let row = x + n * inF
      // Four outputs side by side: four independent chains of fused multiply-adds, each
      // summed in the order of i as one output alone would be.
      var o = 0
      while o + 4 <= outF {
        let (w0, w1, w2, w3) = (w + o * inF, w + (o + 1) * inF, w + (o + 2) * inF, w + (o + 3) * inF)
        var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
        for i in 0..<inF {
          let v = row[i]
          s0 = s0.addingProduct(v, w0[i])
          s1 = s1.addingProduct(v, w1[i])
          s2 = s2.addingProduct(v, w2[i])
          s3 = s3.addingProduct(v, w3[i])
        }
        (y[n * outF + o], y[n * outF + o + 1]) = (s0 + b[o], s1 + b[o + 1])
        (y[n * outF + o + 2], y[n * outF + o + 3]) = (s2 + b[o + 2], s3 + b[o + 3])
        o += 4
      }
      for last in o..<outF {
        var sum: Float = 0
        for i in 0..<inF { sum = sum.addingProduct(row[i], w[last * inF + i]) }
        y[n * outF + last] = sum + b[last]
      }
    }
  }

  /// - Parameters:
  ///   - input: `(N, in)`, the forward pass's input
  ///   - dOutput: `(N, out)`
  ///   - dInput: `(N, in)`, accumulated; nil when not needed
  public func backward(input: Tensor, dOutput: Tensor, dInput: inout Tensor?) {
    precondition(
      input.rank == 2 && input.shape[1] == inFeatures && dOutput.shape == [input.shape[0], outFeatures],
      "Linear(\(inFeatures) → \(outFeatures)) backward: input \(input.shape), dOutput \(dOutput.shape)")
    if let dInput { precondition(dInput.shape == input.shape, "Linear dInput \(dInput.shape) != input \(input.shape)") }
    let (batch, inF, outF) = (input.shape[0], inFeatures, outFeatures)
    input.storage.withUnsafeBufferPointer { x in
      dOutput.storage.withUnsafeBufferPointer { dy in
        weight.value.storage.withUnsafeBufferPointer { w in
          if !weight.isFrozen {
            weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
              for o in 0..<outF {
                for n in 0..<batch {
                  let g = dy[n * outF + o]
                  for i in 0..<inF { dw[o * inF + i] = dw[o * inF + i].addingProduct(g, x[n * inF + i]) }
                }
              }
            }
          }
          if !bias.isFrozen {
            bias.gradient.storage.withUnsafeMutableBufferPointer { db in
              for n in 0..<batch {
                for o in 0..<outF { db[o] += dy[n * outF + o] }
              }
            }
          }
          if dInput != nil {
            dInput!.storage.withUnsafeMutableBufferPointer { dx in
              for n in 0..<batch {
                for o in 0..<outF {
                  let g = dy[n * outF + o]
                  for i in 0..<inF { dx[n * inF + i] = dx[n * inF + i].addingProduct(g, w[o * inF + i]) }
                }
              }
            }
          }
        }
      }
    }
  }
}
