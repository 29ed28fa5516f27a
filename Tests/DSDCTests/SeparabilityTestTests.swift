import DSDC
import Testing

@Suite("Separability test")
struct SeparabilityTestTests {
  /// What depthwise then pointwise composes is separable, by construction.
  @Test func composedKernelsAreSeparable() {
    var generator = SeededGenerator(seed: 3)
    let depthwise = Tensor.randomNormal(shape: [4, 1, 3, 3], std: 1, using: &generator)
    let pointwise = Tensor.randomNormal(shape: [8, 4, 1, 1], std: 1, using: &generator)
    let composed = KernelIdentities.separableAsStandard(depthwise: depthwise, pointwise: pointwise)
    #expect(SeparabilityTest.isSeparable(composed))
  }

  /// Lesson 2's 1→4 bank is not: with one input channel every output kernel would
  /// be a multiple of one k[0], and Sobel x is no multiple of Sobel y (by hand: Sobel x
  /// has 0 where Sobel y has −2). Sobel x beside 3·Sobel x is.
  @Test func handKernelsAreNot() {
    #expect(!SeparabilityTest.isSeparable(HandKernel.bank))
    let sobelX = HandKernel.sobelX.weights
    let multiples = Tensor(shape: [2, 1, 3, 3], storage: sobelX + sobelX.map { 3 * $0 })
    #expect(SeparabilityTest.isSeparable(multiples))
  }
}
