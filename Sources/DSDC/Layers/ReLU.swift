/// The rectified linear unit, element by element:
/// ```
/// y = max(0, x)              dInput += dOutput · [y > 0]
/// ```
/// DSDC-Net fuses it into `BatchNorm2d` (`fusedReLU`); this stand-alone layer is the
/// reference that fusion is tested against, and is there for other models.
public struct ReLU: Sendable {
  public init() {}

  /// - Parameters:
  ///   - input: any shape
  ///   - output: same shape as `input` (overwritten)
  public func forward(input: Tensor, output: inout Tensor) {
    precondition(output.shape == input.shape, "ReLU output shape \(output.shape) != input \(input.shape)")
    input.storage.withUnsafeBufferPointer { x in
      output.storage.withUnsafeMutableBufferPointer { y in
        PlaneLoops.scaleShift(x.baseAddress!, y.baseAddress!, count: x.count, scale: 1, shift: 0, relu: true)
      }
    }
  }

  /// Accumulates `dInput += dOutput · [output > 0]` (PyTorch's mask: the gradient at 0 is 0).
  /// - Parameters:
  ///   - output: the forward pass's output
  ///   - dOutput, dInput: same shape as `output`
  public func backward(output: Tensor, dOutput: Tensor, dInput: inout Tensor) {
    precondition(
      dOutput.shape == output.shape && dInput.shape == output.shape,
      "ReLU backward shapes: output \(output.shape), dOutput \(dOutput.shape), dInput \(dInput.shape)")
    output.storage.withUnsafeBufferPointer { y in
      dOutput.storage.withUnsafeBufferPointer { dy in
        dInput.storage.withUnsafeMutableBufferPointer { dx in
          for i in 0..<y.count where y[i] > 0 {
            dx[i] += dy[i]
          }
        }
      }
    }
  }
}
