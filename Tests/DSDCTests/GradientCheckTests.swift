import DSDC
import Testing

/// Central finite differences for a layer's backward pass.
///
/// The objective is a fixed random projection of the layer's output, summed in
/// Double: `L = Σ_i r_i · y_i`, so `∂L/∂y = r` is what the backward pass receives as
/// `dOutput`. Each input element is nudged by ±ε (in Float, the layer's precision);
/// the actual step taken after rounding is measured in Double, and
/// ```
/// ∂L/∂x_i ≈ (L(x + h₊ e_i) − L(x − h₋ e_i)) / (h₊ + h₋)
/// ```
/// is compared with the analytic gradient within `atol + rtol·|analytic|`.
enum GradientCheck {
  /// A projection vector `r` of the given shape, drawn from a fixed seed.
  static func projection(shape: [Int], seed: UInt64 = 99) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor.randomUniform(shape: shape, bound: 1, using: &rng)
  }

  /// `Σ r_i · y_i` in Double.
  static func project(_ y: Tensor, _ r: Tensor) -> Double {
    precondition(y.shape == r.shape, "project: \(y.shape) vs \(r.shape)")
    var sum: Double = 0
    for i in 0..<y.count { sum += Double(y.storage[i]) * Double(r.storage[i]) }
    return sum
  }

  /// The numeric gradient of `loss` at `x`.
  static func numericGradient(of x: Tensor, epsilon: Float = 1e-2, loss: (Tensor) -> Double) -> Tensor {
    var gradient = Tensor(shape: x.shape)
    for i in 0..<x.count {
      var plus = x
      plus.storage[i] = x.storage[i] + epsilon
      var minus = x
      minus.storage[i] = x.storage[i] - epsilon
      let step = Double(plus.storage[i]) - Double(minus.storage[i])
      gradient.storage[i] = Float((loss(plus) - loss(minus)) / step)
    }
    return gradient
  }

  /// Expects `analytic` to match the numeric gradient of `loss` at `x`.
  static func expectMatches(
    _ analytic: Tensor, at x: Tensor, epsilon: Float = 1e-2, atol: Float = 2e-3, rtol: Float = 1e-2,
    sourceLocation: SourceLocation = #_sourceLocation, loss: (Tensor) -> Double
  ) {
    let numeric = numericGradient(of: x, epsilon: epsilon, loss: loss)
    expectClose(analytic, numeric, atol: atol, rtol: rtol, sourceLocation: sourceLocation)
  }

  /// A layer's backward pass against finite differences of `L = Σ r·y`, `r` a fixed
  /// `projection` of the output's shape: the input gradient at `x`, then each of
  /// `parameters`' accumulated gradients.
  static func expectLayerMatches(
    at x: Tensor, outputShape: [Int], parameters: [Parameter], sourceLocation: SourceLocation = #_sourceLocation,
    forward: (_ input: Tensor, _ output: inout Tensor) -> Void,
    backward: (_ input: Tensor, _ dOutput: Tensor, _ dInput: inout Tensor?) -> Void
  ) {
    let r = projection(shape: outputShape)
    func loss(_ input: Tensor) -> Double {
      var y = Tensor(shape: outputShape)
      forward(input, &y)
      return project(y, r)
    }
    var dInput: Tensor? = Tensor(shape: x.shape)
    backward(x, r, &dInput)
    expectMatches(dInput!, at: x, sourceLocation: sourceLocation, loss: loss)
    for parameter in parameters { expectMatches(parameter, sourceLocation: sourceLocation) { loss(x) } }
  }

  /// `expectMatches` for a layer's parameter: its accumulated gradient against finite
  /// differences of `loss`, which reads the parameter's value as it is probed; the value
  /// is put back after each probe.
  static func expectMatches(
    _ parameter: Parameter, sourceLocation: SourceLocation = #_sourceLocation, loss: () -> Double
  ) {
    let value = parameter.value
    expectMatches(parameter.gradient, at: value, sourceLocation: sourceLocation) { probe in
      parameter.value = probe
      defer { parameter.value = value }
      return loss()
    }
  }
}

@Suite("Gradient check harness")
struct GradientCheckTests {
  /// The harness itself on a function with a known gradient: L = Σ x³ → ∂L/∂x = 3x².
  @Test func cubeHasGradientThreeXSquared() {
    let x = Tensor(shape: [2, 3], storage: [-1.5, -0.5, 0, 0.25, 1, 2])
    let analytic = Tensor(shape: [2, 3], storage: x.storage.map { 3 * $0 * $0 })
    GradientCheck.expectMatches(analytic, at: x, epsilon: 1e-2, atol: 1e-3, rtol: 1e-3) { t in
      t.storage.reduce(0) { $0 + Double($1) * Double($1) * Double($1) }
    }
  }

  /// A wrong gradient is caught.
  @Test func catchesAWrongGradient() {
    let x = Tensor(shape: [3], storage: [1, 2, 3])
    let numeric = GradientCheck.numericGradient(of: x) { t in t.storage.reduce(0) { $0 + Double($1) * Double($1) } }
    let wrong = Tensor(shape: [3], storage: [2, 4, 7])
    #expect(numeric.maxAbsDifference(wrong) > 0.5)
  }
}
