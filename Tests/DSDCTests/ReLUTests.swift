import DSDC
import Testing

@Suite("ReLU")
struct ReLUTests {
  @Test func byHand() {
    let x = Tensor(shape: [5], storage: [-2, -0.5, 0, 0.5, 3])
    var y = Tensor(shape: [5])
    ReLU().forward(input: x, output: &y)
    #expect(y == Tensor(shape: [5], storage: [0, 0, 0, 0.5, 3]))
    // The gradient at exactly 0 is 0 (PyTorch's mask is y > 0); backward accumulates.
    var dx = Tensor(shape: [5], repeating: 1)
    ReLU().backward(output: y, dOutput: Tensor(shape: [5], storage: [10, 20, 30, 40, 50]), dInput: &dx)
    #expect(dx == Tensor(shape: [5], storage: [1, 1, 1, 41, 51]))
  }

  /// Long enough to use the vector loop and its scalar tail.
  @Test func backwardMatchesFiniteDifferences() {
    var rng = SeededGenerator(seed: 4)
    var x = Tensor.randomNormal(shape: [37], using: &rng)
    // Keep values away from the kink at 0, where the function has no derivative.
    x.storage = x.storage.map { abs($0) < 0.05 ? $0 + 0.2 : $0 }
    let r = GradientCheck.projection(shape: x.shape)
    var y = Tensor(shape: x.shape)
    ReLU().forward(input: x, output: &y)
    var dx = Tensor(shape: x.shape)
    ReLU().backward(output: y, dOutput: r, dInput: &dx)
    GradientCheck.expectMatches(dx, at: x) { t in
      var out = Tensor(shape: t.shape)
      ReLU().forward(input: t, output: &out)
      return GradientCheck.project(out, r)
    }
  }
}
