import DSDC
import Foundation
import Testing

@Suite("BatchNorm re-estimation")
struct BatchNormReestimationTests {
  /// Per-channel mean and unbiased variance of an `(N, C, H, W)` tensor, in Double:
  /// the statistics a BatchNorm over this batch stores.
  static func statistics(_ x: Tensor) -> (mean: [Double], unbiased: [Double], biased: [Double]) {
    let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    var (mean, unbiased, biased) = ([Double](), [Double](), [Double]())
    for channel in 0..<c {
      var values: [Double] = []
      for i in 0..<n {
        let start = (i * c + channel) * plane
        for p in start..<start + plane { values.append(Double(x.storage[p])) }
      }
      let m = values.reduce(0, +) / Double(values.count)
      var squares = 0.0
      for v in values { squares += (v - m) * (v - m) }
      mean.append(m)
      unbiased.append(squares / Double(values.count - 1))
      biased.append(squares / Double(values.count))
    }
    return (mean, unbiased, biased)
  }

  static func tensor(_ values: [Double]) -> Tensor { Tensor(shape: [values.count], storage: values.map(Float.init)) }

  static func stemOutput(_ model: DSDCNet, _ images: LabeledImages, _ range: Range<Int>) -> Tensor {
    let x = Normalization.mnist.tensor(images, indices: range)
    var y = Tensor(shape: model.stem.outputShape(input: x.shape))
    model.stem.forward(input: x, output: &y)
    return y
  }

  @Test func oneBatchGivesTheImagesOwnMeanAndUnbiasedVariance() throws {
    let model = TinyNet.model()
    let reference = TinyNet.model()  // the same weights, untouched
    let images = TinyNet.images(count: 6, seed: 31)
    let weights = model.parameters.map(\.value)
    model.reestimateBatchNormStatistics(on: images, normalization: .mnist, batchSize: 6)

    // stem_bn: the stem's output, computed directly.
    let stem = Self.stemOutput(reference, images, 0..<6)  // (6, 4, 28, 28)
    let s = Self.statistics(stem)
    expectClose(model.stemBN.runningMean, Self.tensor(s.mean), atol: 1e-5, rtol: 1e-4)
    expectClose(model.stemBN.runningVar, Self.tensor(s.unbiased), atol: 1e-5, rtol: 1e-4)

    // block1.bn: normalise the stem's output with its batch statistics (γ = 1, β = 0),
    // ReLU, then the block's depthwise and pointwise convolutions.
    let (c, plane) = (stem.shape[1], stem.shape[2] * stem.shape[3])
    var activated = stem
    for i in 0..<activated.count {
      let channel = (i / plane) % c
      let normalised = (Double(stem.storage[i]) - s.mean[channel]) / (s.biased[channel] + 1e-5).squareRoot()
      activated.storage[i] = Float(max(0, normalised))
    }
    let depthwiseLayer = try #require(reference.blocks[0].depthwise as Conv2D?)
    let pointwiseLayer = try #require(reference.blocks[0].pointwise as Conv2D?)
    var depthwise = Tensor(shape: depthwiseLayer.outputShape(input: activated.shape))
    depthwiseLayer.forward(input: activated, output: &depthwise)
    var pointwise = Tensor(shape: pointwiseLayer.outputShape(input: depthwise.shape))
    pointwiseLayer.forward(input: depthwise, output: &pointwise)
    let b = Self.statistics(pointwise)
    expectClose(model.blocks[0].bn.runningMean, Self.tensor(b.mean), atol: 1e-4, rtol: 1e-3)
    expectClose(model.blocks[0].bn.runningVar, Self.tensor(b.unbiased), atol: 1e-4, rtol: 1e-3)

    // Weights untouched; every statistic moved away from the initial (0, 1).
    #expect(model.parameters.map(\.value) == weights)
    for bn in model.batchNorms {
      #expect(
        bn.runningMean.storage.allSatisfy { $0 != 0 } && bn.runningVar.storage.allSatisfy { $0 != 1 }, "\(bn.name)")
    }
  }

  @Test func batchesAreAveragedWithEqualWeight() {
    let model = TinyNet.model()
    let images = TinyNet.images(count: 6, seed: 32)
    model.reestimateBatchNormStatistics(on: images, normalization: .mnist, batchSize: 3)
    let (first, second) = (
      Self.statistics(Self.stemOutput(model, images, 0..<3)),
      Self.statistics(Self.stemOutput(model, images, 3..<6))
    )
    expectClose(
      model.stemBN.runningMean, Self.tensor(zip(first.mean, second.mean).map { ($0 + $1) / 2 }),
      atol: 1e-5, rtol: 1e-4)
    expectClose(
      model.stemBN.runningVar, Self.tensor(zip(first.unbiased, second.unbiased).map { ($0 + $1) / 2 }),
      atol: 1e-5, rtol: 1e-4)
    // Not the statistics of all six at once (the batches differ).
    let all = Self.statistics(Self.stemOutput(model, images, 0..<6))
    #expect(zip(model.stemBN.runningVar.storage, all.unbiased).contains { abs(Double($0) - $1) > 1e-4 * $1 })
  }

  @Test func restoresMomentumAndTheUseOfRunningStatistics() {
    let model = TinyNet.model()
    FineTuningStrategy.headBN.apply(to: model)
    model.stemBN.momentum = 0.25
    model.reestimateBatchNormStatistics(on: TinyNet.images(count: 5, seed: 33), normalization: .mnist, batchSize: 2)
    #expect(model.stemBN.momentum == 0.25)
    #expect(model.blocks.allSatisfy { $0.bn.momentum == 0.1 })
    #expect(model.batchNorms.allSatisfy { $0.usesRunningStatistics })
  }
}
