/// Global average pooling: each channel's `H × W` plane becomes its mean.
/// ```
/// y[n, c] = (1 / (H·W)) Σ_{h,w} x[n, c, h, w]          dInput[n, c, h, w] += dOutput[n, c] / (H·W)
/// ```
public struct GlobalAveragePool: Sendable {
  public init() {}

  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - output: `(N, C)` (overwritten)
  public func forward(input: Tensor, output: inout Tensor) {
    precondition(
      input.rank == 4 && output.shape == [input.shape[0], input.shape[1]],
      "GlobalAveragePool: input \(input.shape) needs output [N, C], got \(output.shape)")
    let planeSize = input.shape[2] * input.shape[3]
    input.storage.withUnsafeBufferPointer { x in
      output.storage.withUnsafeMutableBufferPointer { y in
        Self.forward(x.baseAddress!, planes: y.count, planeSize: planeSize, y.baseAddress!)
      }
    }
  }

  /// The forward pass on raw memory: `y[p]` is the mean of plane `p` of `x`.
  static func forward(_ x: UnsafePointer<Float>, planes: Int, planeSize: Int, _ y: UnsafeMutablePointer<Float>) {
    let scale = 1 / Float(planeSize)
    for plane in 0..<planes {
      y[plane] = PlaneLoops.sum(x + plane * planeSize, count: planeSize) * scale
    }
  }

  /// - Parameters:
  ///   - dOutput: `(N, C)`
  ///   - dInput: `(N, C, H, W)`, accumulated
  public func backward(dOutput: Tensor, dInput: inout Tensor) {
    precondition(
      dInput.rank == 4 && dOutput.shape == [dInput.shape[0], dInput.shape[1]],
      "GlobalAveragePool backward: dOutput \(dOutput.shape) does not fit dInput \(dInput.shape)")
    let planeSize = dInput.shape[2] * dInput.shape[3]
    let scale = 1 / Float(planeSize)
    dOutput.storage.withUnsafeBufferPointer { dy in
      dInput.storage.withUnsafeMutableBufferPointer { dx in
        for plane in 0..<dy.count {
          let g = dy[plane] * scale
          let start = plane * planeSize
          for i in start..<start + planeSize { dx[i] += g }
        }
      }
    }
  }
}
