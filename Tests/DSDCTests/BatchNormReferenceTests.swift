import DSDC
import Testing

@Suite("BatchNorm2d against the plain reference")
struct BatchNormReferenceTests {
  /// One channel of four values 1, 2, 3, 6 by hand: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5,
  /// s = √(3.5 + ε), x̂ = (−2, −1, 0, 3)/s; running statistics from 0 and 1 move 10% of
  /// the way (the variance to the unbiased 14/3). With g = (1, 0, 0, 0): dβ = 1,
  /// dγ = x̂₀ = −2/s, (1/M) Σ g = 1/4, (1/M) Σ g·x̂ = −0.5/s, so
  /// dx_i = (g_i − 1/4 + x̂_i · 0.5/s)/s = (g_i − 1/4 + 0.5·(x_i − 3)/s²)/s.
  @Test func referenceByHand() {
    let x = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 6])
    let (one, zero) = (Tensor(shape: [1], storage: [1]), Tensor(shape: [1], storage: [0]))
    let forward = BatchNormReference.forward(input: x, gamma: one, beta: zero, runningMean: zero, runningVar: one)
    let s2 = 3.5 + 1e-5
    let s = s2.squareRoot()
    expectClose(forward.output, Tensor(shape: x.shape, storage: [-2, -1, 0, 3].map { Float($0 / s) }), atol: 1e-6)
    expectClose(forward.runningMean.storage[0], 0.3, atol: 1e-7)
    expectClose(forward.runningVar.storage[0], 0.9 + 0.1 * 14 / 3, atol: 1e-6)

    let g = Tensor(shape: x.shape, storage: [1, 0, 0, 0])
    let gradients = BatchNormReference.backward(input: x, dOutput: g, gamma: one)
    expectClose(gradients.dBeta.storage[0], 1, atol: 1e-6)
    expectClose(gradients.dGamma.storage[0], Float(-2 / s), atol: 1e-6)
    let expected = zip([1.0, 0, 0, 0], [1.0, 2, 3, 6]).map { g, x in Float((g - 0.25 + 0.5 * (x - 3) / s2) / s) }
    expectClose(gradients.dInput, Tensor(shape: x.shape, storage: expected), atol: 1e-6)
  }

  /// The reference's gradients against central differences of its own forward pass.
  @Test func referenceBackwardMatchesFiniteDifferences() {
    var rng = SeededGenerator(seed: 21)
    let x = Tensor.randomNormal(shape: [2, 3, 3, 4], mean: 0.5, std: 2, using: &rng)
    let gamma = Tensor.randomUniform(shape: [3], bound: 2, using: &rng)
    let beta = Tensor.randomUniform(shape: [3], bound: 1, using: &rng)
    let (zeros, ones) = (Tensor(shape: [3]), Tensor(shape: [3], repeating: 1))
    let r = GradientCheck.projection(shape: x.shape)
    func loss(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor) -> Double {
      let forward = BatchNormReference.forward(
        input: x, gamma: gamma, beta: beta, runningMean: zeros, runningVar: ones)
      return GradientCheck.project(forward.output, r)
    }
    let gradients = BatchNormReference.backward(input: x, dOutput: r, gamma: gamma)
    let (epsilon, atol, rtol): (Float, Float, Float) = (1e-3, 3e-3, 1e-2)
    GradientCheck.expectMatches(gradients.dInput, at: x, epsilon: epsilon, atol: atol, rtol: rtol) {
      loss($0, gamma, beta)
    }
    GradientCheck.expectMatches(gradients.dGamma, at: gamma, epsilon: epsilon, atol: atol, rtol: rtol) {
      loss(x, $0, beta)
    }
    GradientCheck.expectMatches(gradients.dBeta, at: beta, epsilon: epsilon, atol: atol, rtol: rtol) {
      loss(x, gamma, $0)
    }
  }

  /// The fast layer's training-mode pass against the reference on small random tensors:
  /// output, running statistics, and the input, γ and β gradients. With the fused ReLU
  /// the reference's output is clamped at 0 and its gradient passes only where it is > 0.
  /// The shapes cover one image, one channel, odd planes and an input whose mean is
  /// large against its spread.
  @Test(arguments: [
    ([2, 3, 4, 5], Float(0.5), false), ([2, 3, 4, 5], Float(0.5), true), ([1, 4, 3, 3], Float(-1), false),
    ([5, 1, 1, 2], Float(0), true), ([3, 2, 7, 7], Float(20), false),
  ])
  func fastLayerMatchesReference(shape: [Int], mean: Float, relu: Bool) {
    var rng = SeededGenerator(seed: UInt64(shape.reduce(0, +)) + (relu ? 100 : 0))
    let channels = shape[1]
    let x = Tensor.randomNormal(shape: shape, mean: mean, std: 1.5, using: &rng)
    let gamma = Tensor.randomUniform(shape: [channels], bound: 2, using: &rng)
    let beta = Tensor.randomUniform(shape: [channels], bound: 1, using: &rng)
    let runningMean = Tensor.randomUniform(shape: [channels], bound: 1, using: &rng)
    var runningVar = Tensor.randomUniform(shape: [channels], bound: 1, using: &rng)
    runningVar.storage = runningVar.storage.map { 1.5 + $0 }  // in [0.5, 2.5)
    let g = Tensor.randomNormal(shape: shape, using: &rng)

    let bn = BatchNorm2d(name: "bn", channels: channels, fusedReLU: relu)
    bn.weight.value = gamma
    bn.bias.value = beta
    bn.runningMean = runningMean
    bn.runningVar = runningVar
    var (y, dx) = (Tensor(shape: shape), Tensor(shape: shape))
    bn.forward(input: x, output: &y, training: true)
    bn.backward(input: x, dOutput: g, dInput: &dx)

    let reference = BatchNormReference.forward(
      input: x, gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar)
    var (expectedY, gPassed) = (reference.output, g)
    if relu {
      for i in 0..<expectedY.count where expectedY.storage[i] <= 0 {
        expectedY.storage[i] = 0
        gPassed.storage[i] = 0
      }
    }
    let gradients = BatchNormReference.backward(input: x, dOutput: gPassed, gamma: gamma)
    expectClose(y, expectedY, atol: 1e-5, rtol: 1e-4)
    expectClose(bn.runningMean, reference.runningMean, atol: 1e-6, rtol: 1e-5)
    expectClose(bn.runningVar, reference.runningVar, atol: 1e-6, rtol: 1e-5)
    expectClose(dx, gradients.dInput, atol: 1e-5, rtol: 1e-4)
    expectClose(bn.weight.gradient, gradients.dGamma, atol: 1e-4, rtol: 1e-4)
    expectClose(bn.bias.gradient, gradients.dBeta, atol: 1e-4, rtol: 1e-4)
  }
}
