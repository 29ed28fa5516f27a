import DSDC
import Testing

@Suite("Linear")
struct LinearTests {
  static func layer() -> Linear {
    var rng = SeededGenerator(seed: 9)
    return Linear(name: "fc", inFeatures: 4, outFeatures: 3, using: &rng)
  }

  @Test func byHand() {
    let fc = Self.layer()
    fc.weight.value = Tensor(shape: [3, 4], storage: [1, 0, 0, 0, 0, 1, 1, 0, 1, -1, 2, 0.5])
    fc.bias.value = Tensor(shape: [3], storage: [0, 1, -1])
    var y = Tensor(shape: [1, 3])
    fc.forward(input: Tensor(shape: [1, 4], storage: [1, 2, 3, 4]), output: &y)
    // [1, 2 + 3 + 1, 1 − 2 + 6 + 2 − 1]
    #expect(y == Tensor(shape: [1, 3], storage: [1, 6, 6]))
  }

  @Test func initialisationBound() {
    let fc = Self.layer()
    #expect(fc.weight.value.storage.allSatisfy { abs($0) <= 0.5 })  // 1/√4
    #expect(fc.bias.value.storage.allSatisfy { abs($0) <= 0.5 })
  }

  @Test func backwardMatchesFiniteDifferences() {
    let fc = Self.layer()
    var rng = SeededGenerator(seed: 10)
    let x = Tensor.randomNormal(shape: [5, 4], using: &rng)
    GradientCheck.expectLayerMatches(
      at: x, outputShape: [5, 3], parameters: [fc.weight, fc.bias],
      forward: { fc.forward(input: $0, output: &$1) }, backward: { fc.backward(input: $0, dOutput: $1, dInput: &$2) })
  }

  @Test func frozenGetsNoGradient() {
    let fc = Self.layer()
    fc.weight.isFrozen = true
    var none: Tensor? = nil
    fc.backward(
      input: Tensor(shape: [2, 4], repeating: 1), dOutput: Tensor(shape: [2, 3], repeating: 1), dInput: &none)
    #expect(fc.weight.gradient.storage.allSatisfy { $0 == 0 })
    #expect(fc.bias.gradient.storage == [2, 2, 2])
  }
}
