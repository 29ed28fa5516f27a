import DSDC
import Foundation
import Testing

/// How often each image of a batch was asked for, from any thread.
private final class ImageTally: @unchecked Sendable {
  private let lock = NSLock()
  private var tally: [Int]
  init(count: Int) { tally = [Int](repeating: 0, count: count) }
  func add(_ images: Range<Int>) { lock.withLock { for n in images { tally[n] += 1 } } }
  var counts: [Int] { lock.withLock { tally } }
}

/// One geometry on one input size, for checking the fast convolution against the reference.
struct ConvolutionCase: Sendable, CustomStringConvertible {
  var name: String
  var geometry: Conv2DGeometry
  var batch: Int
  var height: Int, width: Int
  var bias = true

  var description: String { "\(name): \(geometry) on \(batch)×\(height)×\(width)\(bias ? " +bias" : "")" }
}

@Suite("Fast convolution")
struct ConvolutionTests {
  static let cases: [ConvolutionCase] = [
    // Standard convolutions (im2col + matrix product).
    .init(
      name: "standard", geometry: .init(inChannels: 3, outChannels: 4, kernel: 3, padding: 1), batch: 2, height: 6,
      width: 6),
    .init(
      name: "stride 2", geometry: .init(inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1), batch: 3,
      height: 7, width: 7),
    .init(
      name: "padding 0", geometry: .init(inChannels: 3, outChannels: 2, kernel: 3), batch: 1, height: 6, width: 5,
      bias: false),
    .init(
      name: "padding 2", geometry: .init(inChannels: 2, outChannels: 3, kernel: 3, padding: 2), batch: 2, height: 5,
      width: 5),
    .init(name: "dilation 2", geometry: .standard(2, 3, kernel: 3, dilation: 2), batch: 2, height: 8, width: 8),
    .init(
      name: "dilation 3", geometry: .init(inChannels: 2, outChannels: 2, kernel: 3, padding: 1, dilation: 3), batch: 1,
      height: 9, width: 9, bias: false),
    .init(
      name: "stride 3 dilation 2",
      geometry: .init(inChannels: 2, outChannels: 3, kernel: 3, stride: 3, padding: 2, dilation: 2), batch: 2,
      height: 10, width: 8),
    .init(
      name: "non-square 5×9", geometry: .init(inChannels: 2, outChannels: 5, kernel: 3, padding: 1), batch: 3,
      height: 5, width: 9),
    .init(
      name: "even kernel", geometry: .init(inChannels: 2, outChannels: 3, kernel: 2, padding: 1), batch: 2, height: 5,
      width: 6),
    .init(
      name: "groups 2", geometry: .init(inChannels: 4, outChannels: 6, kernel: 3, padding: 1, groups: 2), batch: 2,
      height: 6, width: 6),
    .init(
      name: "groups 2 pointwise", geometry: .init(inChannels: 4, outChannels: 4, kernel: 1, groups: 2), batch: 2,
      height: 5, width: 5),
    .init(
      name: "1×1 with padding", geometry: .init(inChannels: 3, outChannels: 2, kernel: 1, padding: 1), batch: 2,
      height: 4, width: 5),
    .init(
      name: "1×1 input", geometry: .init(inChannels: 3, outChannels: 2, kernel: 3, padding: 1), batch: 3, height: 1,
      width: 1),
    // Direct kernels: every output channel reads one input channel, stride 1.
    .init(name: "depthwise D1", geometry: .depthwise(5, kernel: 3), batch: 3, height: 8, width: 8),
    .init(
      name: "depthwise D2 non-square", geometry: .depthwise(4, kernel: 3, dilation: 2), batch: 2, height: 9, width: 7),
    .init(
      name: "depthwise D3 P0", geometry: .init(inChannels: 3, outChannels: 3, kernel: 3, dilation: 3, groups: 3),
      batch: 2, height: 10, width: 10),
    .init(
      name: "depthwise P3 grows", geometry: .init(inChannels: 3, outChannels: 3, kernel: 3, padding: 3, groups: 3),
      batch: 2, height: 4, width: 4),
    .init(
      name: "depthwise K2", geometry: .init(inChannels: 3, outChannels: 3, kernel: 2, padding: 1, groups: 3), batch: 2,
      height: 5, width: 6),
    .init(name: "depthwise K5", geometry: .depthwise(3, kernel: 5), batch: 2, height: 7, width: 9),
    .init(name: "depthwise 1×1 input", geometry: .depthwise(4, kernel: 3, dilation: 2), batch: 2, height: 1, width: 1),
    .init(
      name: "depthwise ×2 channels", geometry: .init(inChannels: 3, outChannels: 6, kernel: 3, padding: 1, groups: 3),
      batch: 2, height: 6, width: 7),
    .init(
      name: "depthwise stride 2",
      geometry: .init(inChannels: 4, outChannels: 4, kernel: 3, stride: 2, padding: 1, groups: 4), batch: 2, height: 9,
      width: 9),
    .init(name: "one-channel stem", geometry: .standard(1, 8, kernel: 3), batch: 3, height: 10, width: 10),
    // Wide enough planes for the 3×3 kernels that slide down the rows (D·(W + P) ≥ 16).
    .init(name: "stem sliding rows", geometry: .standard(1, 4, kernel: 3), batch: 2, height: 20, width: 20),
    .init(name: "depthwise D1 sliding rows", geometry: .depthwise(3, kernel: 3), batch: 2, height: 17, width: 15),
    .init(
      name: "depthwise D2 sliding rows", geometry: .depthwise(2, kernel: 3, dilation: 2), batch: 2, height: 13,
      width: 21, bias: false),
    // Pointwise: matrix products over the batch.
    .init(name: "pointwise", geometry: .pointwise(5, 7), batch: 3, height: 6, width: 5),
    .init(name: "pointwise 7×7", geometry: .pointwise(16, 24), batch: 2, height: 7, width: 7, bias: false),
    .init(name: "pointwise 14×14", geometry: .pointwise(8, 16), batch: 2, height: 14, width: 14),
    .init(name: "pointwise 28×28 (chunks of one image)", geometry: .pointwise(4, 6), batch: 3, height: 28, width: 28),
    .init(name: "pointwise 1×1 input", geometry: .pointwise(9, 5), batch: 3, height: 1, width: 1),
    // DSDC-Net's layers on small planes.
    .init(name: "DSDC stem", geometry: .standard(1, 32, kernel: 3), batch: 1, height: 14, width: 14),
    .init(name: "DSDC depthwise D2", geometry: .depthwise(32, kernel: 3, dilation: 2), batch: 1, height: 14, width: 14),
    .init(
      name: "DSDC depthwise D2 14×14", geometry: .depthwise(64, kernel: 3, dilation: 2), batch: 2, height: 7, width: 7),
    .init(
      name: "DSDC depthwise D1 7×7", geometry: .depthwise(128, kernel: 3), batch: 1, height: 7, width: 7, bias: false),
    .init(name: "DSDC pointwise 32→64", geometry: .pointwise(32, 64), batch: 1, height: 5, width: 5),
    .init(name: "DSDC pointwise 64→128", geometry: .pointwise(64, 128), batch: 1, height: 3, width: 3),
    .init(name: "DSDC pointwise 128→128", geometry: .pointwise(128, 128), batch: 1, height: 3, width: 3, bias: false),
  ]

  /// Random input, weight, bias and output gradient for one case, plus random
  /// starting gradients (backward must add to them, not overwrite them).
  struct Operands {
    var input, weight, dOutput, dInput, dWeight: Tensor
    var bias, dBias: Tensor?

    init(_ c: ConvolutionCase, seed: UInt64) {
      var rng = SeededGenerator(seed: seed)
      let g = c.geometry
      let (outH, outW) = g.outputSize(height: c.height, width: c.width)
      input = .randomNormal(shape: [c.batch, g.inChannels, c.height, c.width], using: &rng)
      weight = .randomNormal(shape: g.weightShape, std: 0.5, using: &rng)
      bias = c.bias ? .randomNormal(shape: [g.outChannels], using: &rng) : nil
      dOutput = .randomNormal(shape: [c.batch, g.outChannels, outH, outW], using: &rng)
      dInput = .randomNormal(shape: input.shape, using: &rng)
      dWeight = .randomNormal(shape: weight.shape, using: &rng)
      dBias = c.bias ? .randomNormal(shape: [g.outChannels], using: &rng) : nil
    }

    /// The fast backward pass added onto the starting gradients; the input gradient
    /// only when `inputGradient` (else nil).
    func fastBackward(_ g: Conv2DGeometry, threads: Int, inputGradient: Bool = true) -> (
      dInput: Tensor?, dWeight: Tensor, dBias: Tensor?
    ) {
      var (dInput, dWeight, dBias) = (inputGradient ? self.dInput : nil, self.dWeight, self.dBias)
      Convolution.backward(
        input: input, weight: weight, dOutput: dOutput, geometry: g,
        dInput: &dInput, dWeight: &dWeight, dBias: &dBias, threads: threads)
      return (dInput, dWeight, dBias)
    }

    /// The fast forward pass's output, then the fast backward pass's three gradients.
    func fastPasses(_ g: Conv2DGeometry, threads: Int) -> (Tensor, Tensor, Tensor, Tensor?) {
      let y = Convolution.forward(input: input, weight: weight, bias: bias, geometry: g, threads: threads)
      let (dInput, dWeight, dBias) = fastBackward(g, threads: threads)
      return (y, dInput!, dWeight, dBias)
    }
  }

  @Test(arguments: cases, [1, 2])
  func forwardMatchesReference(_ c: ConvolutionCase, threads: Int) {
    let t = Operands(c, seed: 11)
    let expected = ReferenceConvolution.forward(input: t.input, weight: t.weight, bias: t.bias, geometry: c.geometry)
    let fast = Convolution.forward(
      input: t.input, weight: t.weight, bias: t.bias, geometry: c.geometry, threads: threads)
    expectClose(fast, expected, atol: 1e-4, rtol: 1e-4)
    // The preallocated form overwrites whatever the output held.
    var output = Tensor(shape: expected.shape, repeating: .nan)
    Convolution.forward(
      input: t.input, weight: t.weight, bias: t.bias, geometry: c.geometry, output: &output, threads: threads)
    #expect(output == fast)
  }

  @Test(arguments: cases, [1, 2])
  func backwardMatchesReference(_ c: ConvolutionCase, threads: Int) {
    let t = Operands(c, seed: 12)
    let (dWeight, dBias) = Self.expectBackwardMatchesReference(t, geometry: c.geometry, threads: threads)

    // Without the input gradient the weight and bias gradients are the same (up to
    // rounding: a first layer may take a kernel that skips the input gradient).
    let (none, dWeightOnly, dBiasOnly) = t.fastBackward(c.geometry, threads: threads, inputGradient: false)
    #expect(none == nil)
    expectClose(dWeightOnly, dWeight, atol: 1e-4, rtol: 1e-5)
    if let dBiasOnly, let dBias { expectClose(dBiasOnly, dBias, atol: 1e-4, rtol: 1e-5) }
  }

  /// Two threads agree with one within rounding, and give the same bits on every run.
  @Test(arguments: cases.filter { $0.batch > 1 })
  func threadsAreDeterministic(_ c: ConvolutionCase) {
    let t = Operands(c, seed: 13)
    let one = t.fastPasses(c.geometry, threads: 1)
    let two = t.fastPasses(c.geometry, threads: 2)
    let again = t.fastPasses(c.geometry, threads: 2)
    #expect(two.0 == again.0 && two.1 == again.1 && two.2 == again.2 && two.3 == again.3)
    expectClose(two.0, one.0, atol: 1e-5, rtol: 1e-5)
    expectClose(two.1, one.1, atol: 1e-5, rtol: 1e-5)
    expectClose(two.2, one.2, atol: 1e-4, rtol: 1e-5)
    if let b2 = two.3, let b1 = one.3 { expectClose(b2, b1, atol: 1e-4, rtol: 1e-5) }
  }

  /// Sixty random geometries (any K, S, P, D, groups, sizes) through all three kernels.
  @Test func randomGeometriesMatchReference() {
    var rng = SeededGenerator(seed: 2024)
    for trial in 0..<60 {
      let groups = Int.random(in: 1...3, using: &rng)
      let inChannels = groups * Int.random(in: 1...3, using: &rng)
      let outChannels = groups * Int.random(in: 1...3, using: &rng)
      let g = Conv2DGeometry(
        inChannels: inChannels, outChannels: outChannels, kernel: Int.random(in: 1...4, using: &rng),
        stride: Int.random(in: 1...3, using: &rng), padding: Int.random(in: 0...3, using: &rng),
        dilation: Int.random(in: 1...3, using: &rng), groups: groups)
      let c = ConvolutionCase(
        name: "random \(trial)", geometry: g, batch: Int.random(in: 1...3, using: &rng),
        height: Int.random(in: 1...11, using: &rng), width: Int.random(in: 1...11, using: &rng),
        bias: Bool.random(using: &rng))
      let (outH, outW) = g.outputSize(height: c.height, width: c.width)
      guard outH > 0 && outW > 0 else { continue }
      let t = Operands(c, seed: UInt64(trial))
      let threads = 1 + trial % 2
      let expected = ReferenceConvolution.forward(input: t.input, weight: t.weight, bias: t.bias, geometry: g)
      expectClose(
        Convolution.forward(input: t.input, weight: t.weight, bias: t.bias, geometry: g, threads: threads),
        expected, atol: 1e-4, rtol: 1e-4)
      Self.expectBackwardMatchesReference(t, geometry: g, threads: threads)
    }
  }

  /// The fast backward pass (all three gradients, added to `t`'s starting ones)
  /// against the reference; returns the fast weight and bias gradients.
  @discardableResult
  static func expectBackwardMatchesReference(
    _ t: Operands, geometry g: Conv2DGeometry, threads: Int, atol: Float = 1e-4, weightAtol: Float = 1e-3,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> (dWeight: Tensor, dBias: Tensor?) {
    var (expectedInput, expectedWeight, expectedBias) = (t.dInput, t.dWeight, t.dBias)
    ReferenceConvolution.backward(
      input: t.input, weight: t.weight, dOutput: t.dOutput, geometry: g,
      dInput: &expectedInput, dWeight: &expectedWeight, dBias: &expectedBias)
    let (dInput, dWeight, dBias) = t.fastBackward(g, threads: threads)
    expectClose(dInput!, expectedInput, atol: atol, rtol: 1e-4, sourceLocation: sourceLocation)
    expectClose(dWeight, expectedWeight, atol: weightAtol, rtol: 1e-4, sourceLocation: sourceLocation)
    if let dBias, let expectedBias {
      expectClose(dBias, expectedBias, atol: 1e-3, rtol: 1e-4, sourceLocation: sourceLocation)
    }
    return (dWeight, dBias)
  }

  /// `accumulate: false` writes the input gradient without reading it: from a buffer
  /// of NaNs it gives the bits of the accumulating pass from zeros, and the weight and
  /// bias gradients are unchanged (an empty output gives zeros).
  static let casesWithEmptyOutput =
    cases + [
      ConvolutionCase(
        name: "empty", geometry: .init(inChannels: 2, outChannels: 2, kernel: 3, dilation: 3, groups: 2),
        batch: 2, height: 5, width: 6)
    ]

  @Test(arguments: casesWithEmptyOutput, [1, 2])
  func overwritingInputGradient(_ c: ConvolutionCase, threads: Int) {
    var t = Operands(c, seed: 14)
    t.dInput = Tensor(shape: t.input.shape)
    let added = t.fastBackward(c.geometry, threads: threads)
    var (dInput, dWeight, dBias): (Tensor?, Tensor, Tensor?) = (
      Tensor(shape: t.input.shape, repeating: .nan), t.dWeight, t.dBias
    )
    Convolution.backward(
      input: t.input, weight: t.weight, dOutput: t.dOutput, geometry: c.geometry,
      dInput: &dInput, dWeight: &dWeight, dBias: &dBias, accumulate: false, threads: threads)
    #expect(dInput! == added.dInput!)
    #expect(dWeight == added.dWeight && dBias == added.dBias)
  }

  /// A pointwise layer given its output gradient a few images at a time (by a source
  /// that copies them from `dOutput`) computes the same bits as from the stored
  /// tensor, adding or overwriting; every image is asked for exactly once.
  @Test(arguments: [1, 2], [true, false])
  func pointwiseOutputGradientByChunksHasTheSameBits(threads: Int, accumulate: Bool) {
    // 5 images of 15×15: 2 images per chunk of 512 columns, so chunks of 2, 2 and 1 on
    // one thread, or of 2 and 1 (images 0–2) and of 2 (images 3–4) on two.
    let c = ConvolutionCase(name: "pointwise 6→10", geometry: .pointwise(6, 10), batch: 5, height: 15, width: 15)
    let t = Operands(c, seed: 15)
    var stored: (Tensor?, Tensor, Tensor?) = (t.dInput, t.dWeight, t.dBias)
    Convolution.backward(
      input: t.input, weight: t.weight, dOutput: t.dOutput, geometry: c.geometry, dInput: &stored.0,
      dWeight: &stored.1, dBias: &stored.2, accumulate: accumulate, threads: threads)
    let image = t.dOutput.count / c.batch
    let asked = ImageTally(count: c.batch)
    let dOutput = t.dOutput.storage
    var chunked: (Tensor?, Tensor, Tensor?) = (t.dInput, t.dWeight, t.dBias)
    Convolution.backward(
      input: t.input, weight: t.weight,
      outputGradient: { images, target in
        asked.add(images)
        for (i, n) in images.enumerated() {
          for k in 0..<image { target[i * image + k] = dOutput[n * image + k] }
        }
      }, geometry: c.geometry, dInput: &chunked.0, dWeight: &chunked.1, dBias: &chunked.2, accumulate: accumulate,
      threads: threads)
    #expect(asked.counts == [Int](repeating: 1, count: c.batch))
    #expect(stored.2 != nil)  // the bias gradient comes from the chunks too
    #expect(chunked.0! == stored.0! && chunked.1 == stored.1 && chunked.2 == stored.2)
  }

  /// A kernel wider than the padded input has no output: forward gives an empty
  /// tensor and backward leaves the gradients as they were.
  @Test func emptyOutput() {
    let g = Conv2DGeometry(inChannels: 2, outChannels: 2, kernel: 3, dilation: 3, groups: 2)
    let c = ConvolutionCase(name: "empty", geometry: g, batch: 2, height: 5, width: 6)
    let t = Operands(c, seed: 3)
    #expect(Convolution.forward(input: t.input, weight: t.weight, bias: t.bias, geometry: g).shape == [2, 2, 0, 0])
    let (dInput, dWeight, dBias) = t.fastBackward(g, threads: 2)
    #expect(dInput == t.dInput && dWeight == t.dWeight && dBias == t.dBias)
  }

  /// A depthwise 3×3 kernel of ones with D = 2, P = 2 on a 5×5 ramp: the centre output
  /// sums rows 0, 2, 4 × columns 0, 2, 4 = (0+2+4) + (10+12+14) + (20+22+24) = 108.
  @Test func dilatedDepthwiseByHand() {
    let x = Tensor(shape: [1, 1, 5, 5], storage: (0..<25).map(Float.init))
    let w = Tensor(shape: [1, 1, 3, 3], repeating: 1)
    let y = Convolution.forward(input: x, weight: w, geometry: .depthwise(1, kernel: 3, dilation: 2))
    #expect(y.shape == [1, 1, 5, 5])
    #expect(y[n: 0, c: 0, h: 2, w: 2] == 108)
    // Corner (0, 0) reads rows/columns −2, 0, 2: only x[0,0] + x[0,2] + x[2,0] + x[2,2] = 0+2+10+12.
    #expect(y[n: 0, c: 0, h: 0, w: 0] == 24)
  }
}
