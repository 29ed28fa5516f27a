import DSDC
import Testing

@Suite("Global average pool")
struct GlobalAveragePoolTests {
  @Test func byHand() {
    let x = Tensor(shape: [1, 2, 2, 2], storage: [1, 2, 3, 4, -4, 0, 0, 0])
    var y = Tensor(shape: [1, 2])
    GlobalAveragePool().forward(input: x, output: &y)
    #expect(y == Tensor(shape: [1, 2], storage: [2.5, -1]))
    var dx = Tensor(shape: x.shape, repeating: 1)
    GlobalAveragePool().backward(dOutput: Tensor(shape: [1, 2], storage: [4, 8]), dInput: &dx)
    #expect(dx.storage == [2, 2, 2, 2, 3, 3, 3, 3])
  }

  @Test func backwardMatchesFiniteDifferences() {
    var rng = SeededGenerator(seed: 7)
    let x = Tensor.randomNormal(shape: [2, 3, 7, 7], using: &rng)
    let r = GradientCheck.projection(shape: [2, 3])
    var dx = Tensor(shape: x.shape)
    GlobalAveragePool().backward(dOutput: r, dInput: &dx)
    GradientCheck.expectMatches(dx, at: x) { t in
      var y = Tensor(shape: [2, 3])
      GlobalAveragePool().forward(input: t, output: &y)
      return GradientCheck.project(y, r)
    }
  }
}
