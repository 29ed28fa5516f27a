@testable import DSDC
import Testing

/// The im2col kernel's chunks: images unfolded side by side so that one matrix
/// product covers several images. The cases are sized so that chunks split the
/// batch (⌈512 / H_out·W_out⌉ images each) and the last chunk of a part is short.
@Suite("Im2col convolution in chunks of images")
struct Im2colConvolutionTests {
  static let cases: [ConvolutionCase] = [
    // 14×14 outputs: chunks of 3 images; 7 images = 3 + 3 + 1 (one thread) or 3 + 1 | 3.
    .init(name: "14×14, chunks of 3", geometry: .standard(4, 6, kernel: 3), batch: 7, height: 14, width: 14),
    .init(name: "14×14, one image", geometry: .standard(3, 5, kernel: 3), batch: 1, height: 14, width: 14),
    .init(
      name: "14×14, dilation 2", geometry: .standard(3, 4, kernel: 3, dilation: 2), batch: 5, height: 14, width: 14),
    // 7×7 outputs: chunks of 11 images; 13 = 11 + 2.
    .init(name: "7×7, chunks of 11", geometry: .standard(5, 9, kernel: 3), batch: 13, height: 7, width: 7, bias: false),
    // 28×28 outputs: one image per chunk.
    .init(name: "28×28, chunks of 1", geometry: .standard(2, 3, kernel: 3), batch: 3, height: 28, width: 28),
    // Stride 2 on 28×28: 14×14 outputs, chunks of 3.
    .init(
      name: "stride 2", geometry: .init(inChannels: 3, outChannels: 5, kernel: 3, stride: 2, padding: 1),
      batch: 5, height: 28, width: 28),
    // Groups 2 with 2 filters per group: the weight gradient as dOut · columnsᵀ.
    .init(
      name: "groups 2, dw = dOut · columnsᵀ",
      geometry: .init(inChannels: 8, outChannels: 4, kernel: 3, padding: 1, groups: 2),
      batch: 5, height: 14, width: 14),
    // Groups 2 with 32 filters per group: the weight gradient as columns · dOutᵀ.
    .init(
      name: "groups 2, dwᵀ = columns · dOutᵀ",
      geometry: .init(inChannels: 16, outChannels: 64, kernel: 3, padding: 1, groups: 2),
      batch: 9, height: 12, width: 12),
    // Lesson 9's third block, narrower: 7×7, K = C·K² = 288 (two blocks of the sum).
    .init(name: "lesson 9 block 3, narrower", geometry: .standard(32, 40, kernel: 3), batch: 13, height: 7, width: 7),
  ]

  @Test func chunkSizes() {
    func images(_ size: Int, batch: Int) -> Int {
      let x = Tensor(shape: [batch, 2, size, size])
      return Im2colConvolution.chunkImages(
        ConvolutionShape(input: x, geometry: .standard(2, 2, kernel: 3)), count: batch)
    }
    #expect(images(28, batch: 32) == 1)
    #expect(images(14, batch: 32) == 3)
    #expect(images(7, batch: 32) == 11)
    #expect(images(7, batch: 5) == 5)
    #expect(images(1, batch: 1) == 1)
  }

  @Test(arguments: cases, [1, 2])
  func matchesReference(_ c: ConvolutionCase, threads: Int) {
    let t = ConvolutionTests.Operands(c, seed: 21)
    let g = c.geometry
    let expected = ReferenceConvolution.forward(input: t.input, weight: t.weight, bias: t.bias, geometry: g)
    var output = Tensor(shape: expected.shape, repeating: .nan)
    Convolution.forward(input: t.input, weight: t.weight, bias: t.bias, geometry: g, output: &output, threads: threads)
    expectClose(output, expected, atol: 1e-4, rtol: 1e-4)

    let (dWeight, dBias) = ConvolutionTests.expectBackwardMatchesReference(
      t, geometry: g, threads: threads, atol: 1e-3, weightAtol: 1e-2)

    // Without the input gradient: the same weight and bias gradients, bit for bit.
    let (_, dWeightOnly, dBiasOnly) = t.fastBackward(g, threads: threads, inputGradient: false)
    #expect(dWeightOnly == dWeight && dBiasOnly == dBias)
  }

  /// The same thread count gives the same bits on every run.
  @Test(arguments: cases.filter { $0.batch > 1 }, [1, 2])
  func runsAreBitIdentical(_ c: ConvolutionCase, threads: Int) {
    let t = ConvolutionTests.Operands(c, seed: 22)
    let first = t.fastPasses(c.geometry, threads: threads)
    let second = t.fastPasses(c.geometry, threads: threads)
    #expect(first.0 == second.0 && first.1 == second.1 && first.2 == second.2 && first.3 == second.3)
  }
}
