import DSDC
import Testing

@Suite("BatchNorm2d")
struct BatchNorm2dTests {
  static func input(seed: UInt64 = 3) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return .randomNormal(shape: [3, 2, 4, 5], mean: 0.5, std: 2, using: &rng)
  }

  static func layer(relu: Bool) -> BatchNorm2d {
    let bn = BatchNorm2d(name: "bn", channels: 2, fusedReLU: relu)
    bn.weight.value = Tensor(shape: [2], storage: [1.5, -0.7])
    bn.bias.value = Tensor(shape: [2], storage: [0.2, 0.1])
    bn.runningMean = Tensor(shape: [2], storage: [0.3, -0.2])
    bn.runningVar = Tensor(shape: [2], storage: [2.0, 0.5])
    return bn
  }

  /// One channel of four values 1, 2, 3, 6 by hand: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5
  /// (biased), unbiased 14/3; running stats start at 0 and 1 and move 10% of the way.
  @Test func trainingModeByHand() {
    let bn = BatchNorm2d(name: "bn", channels: 1)
    let x = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 6])
    var y = Tensor(shape: x.shape)
    bn.forward(input: x, output: &y, training: true)
    let s = (3.5 + 1e-5).squareRoot()
    let expected = [1, 2, 3, 6].map { Float((Double($0) - 3) / s) }
    expectClose(y, Tensor(shape: x.shape, storage: expected), atol: 1e-6)
    expectClose(bn.runningMean.storage[0], 0.3, atol: 1e-7)
    expectClose(bn.runningVar.storage[0], 0.9 + 0.1 * 14 / 3, atol: 1e-6)
  }

  /// Eval mode uses the running statistics and changes nothing.
  @Test func evalModeUsesRunningStatistics() {
    let bn = Self.layer(relu: false)
    let x = Self.input()
    var y = Tensor(shape: x.shape)
    bn.forward(input: x, output: &y, training: false)
    var expected = x
    for n in 0..<3 {
      for c in 0..<2 {
        for h in 0..<4 {
          for w in 0..<5 {
            let scale = bn.weight.value.storage[c] / (bn.runningVar.storage[c] + 1e-5).squareRoot()
            expected[n: n, c: c, h: h, w: w] =
              (x[n: n, c: c, h: h, w: w] - bn.runningMean.storage[c]) * scale + bn.bias.value.storage[c]
          }
        }
      }
    }
    expectClose(y, expected, atol: 1e-5)
    #expect(bn.runningMean == Tensor(shape: [2], storage: [0.3, -0.2]))
    #expect(bn.runningVar == Tensor(shape: [2], storage: [2.0, 0.5]))
  }

  /// The fused ReLU equals BatchNorm followed by a separate ReLU, both ways.
  @Test(arguments: [true, false])
  func fusedReLUMatchesSeparateReLU(training: Bool) {
    let (fused, plain) = (Self.layer(relu: true), Self.layer(relu: false))
    let x = Self.input()
    var (yFused, yPlain, yReLU) = (Tensor(shape: x.shape), Tensor(shape: x.shape), Tensor(shape: x.shape))
    fused.forward(input: x, output: &yFused, training: training)
    plain.forward(input: x, output: &yPlain, training: training)
    ReLU().forward(input: yPlain, output: &yReLU)
    #expect(yFused == yReLU)
    let r = GradientCheck.projection(shape: x.shape)
    var dReLU = Tensor(shape: x.shape)
    ReLU().backward(output: yReLU, dOutput: r, dInput: &dReLU)
    var (dFused, dPlain) = (Tensor(shape: x.shape), Tensor(shape: x.shape))
    fused.backward(input: x, dOutput: r, dInput: &dFused)
    plain.backward(input: x, dOutput: dReLU, dInput: &dPlain)
    expectClose(dFused, dPlain, atol: 1e-6)
    expectClose(fused.weight.gradient, plain.weight.gradient, atol: 1e-5)
    expectClose(fused.bias.gradient, plain.bias.gradient, atol: 1e-5)
  }

  @Test(arguments: [(true, false), (true, true), (false, false), (false, true)])
  func backwardMatchesFiniteDifferences(training: Bool, relu: Bool) {
    let bn = Self.layer(relu: relu)
    let x = Self.input()
    let r = GradientCheck.projection(shape: x.shape)
    func loss(_ input: Tensor) -> Double {
      var y = Tensor(shape: input.shape)
      bn.forward(input: input, output: &y, training: training)
      return GradientCheck.project(y, r)
    }
    _ = loss(x)
    var dInput = Tensor(shape: x.shape)
    bn.backward(input: x, dOutput: r, dInput: &dInput)
    let (dGamma, dBeta) = (bn.weight.gradient, bn.bias.gradient)
    GradientCheck.expectMatches(dInput, at: x, epsilon: 1e-3, atol: 3e-3, rtol: 1e-2, loss: loss)
    let gamma = bn.weight.value
    GradientCheck.expectMatches(dGamma, at: gamma, epsilon: 1e-3, atol: 3e-3, rtol: 1e-2) { w in
      bn.weight.value = w
      defer { bn.weight.value = gamma }
      return loss(x)
    }
    let beta = bn.bias.value
    GradientCheck.expectMatches(dBeta, at: beta, epsilon: 1e-3, atol: 3e-3, rtol: 1e-2) { b in
      bn.bias.value = b
      defer { bn.bias.value = beta }
      return loss(x)
    }
  }

  /// Channels are split across threads but each is reduced by one thread in a fixed
  /// order: the thread count does not change a single bit.
  @Test func threadCountDoesNotChangeResults() {
    var rng = SeededGenerator(seed: 8)
    let x = Tensor.randomNormal(shape: [8, 6, 28, 28], using: &rng)  // large enough to be split
    let r = GradientCheck.projection(shape: x.shape)
    var outputs: [Tensor] = []
    var gradients: [Tensor] = []
    for threads in [1, 2, 3] {
      let bn = BatchNorm2d(name: "bn", channels: 6, fusedReLU: true)
      var y = Tensor(shape: x.shape)
      var dx = Tensor(shape: x.shape)
      bn.forward(input: x, output: &y, training: true, threads: threads)
      bn.backward(input: x, dOutput: r, dInput: &dx, threads: threads)
      outputs.append(y)
      gradients.append(dx)
    }
    #expect(outputs[0] == outputs[1] && outputs[0] == outputs[2])
    #expect(gradients[0] == gradients[1] && gradients[0] == gradients[2])
  }

  /// Frozen γ and β get no gradient; the input gradient is unchanged.
  @Test func frozenParametersGetNoGradient() {
    let (bn, frozen) = (Self.layer(relu: true), Self.layer(relu: true))
    frozen.weight.isFrozen = true
    frozen.bias.isFrozen = true
    let x = Self.input()
    let r = GradientCheck.projection(shape: x.shape)
    var (dA, dB) = (Tensor(shape: x.shape), Tensor(shape: x.shape))
    var y = Tensor(shape: x.shape)
    bn.forward(input: x, output: &y, training: true)
    bn.backward(input: x, dOutput: r, dInput: &dA)
    frozen.forward(input: x, output: &y, training: true)
    frozen.backward(input: x, dOutput: r, dInput: &dB)
    #expect(dA == dB)
    #expect(
      frozen.weight.gradient.storage.allSatisfy { $0 == 0 } && frozen.bias.gradient.storage.allSatisfy { $0 == 0 })
  }
}
