import Testing

@testable import DSDC

/// Small networks and data for tests that train (debug builds, so keep them tiny).
enum TinyNet {
  /// 28×28 input as MNIST, but narrow: 4 → 8 → 8 → 8 channels.
  static let config = DSDCNetConfig(
    stemChannels: 4,
    blocks: [
      .init(channels: 8, dilation: 2, pools: true),
      .init(channels: 8, dilation: 2, pools: true),
      .init(channels: 8, dilation: 1, pools: false),
    ])

  /// 8×8 input for finite differences through the whole network.
  static let miniature = DSDCNetConfig(
    imageSize: 8, stemChannels: 3,
    blocks: [
      .init(channels: 4, dilation: 2, pools: true),
      .init(channels: 5, dilation: 1, pools: false),
    ], classes: 3)

  static func model(_ config: DSDCNetConfig = config, seed: UInt64 = 1) -> DSDCNet {
    var rng = SeededGenerator(seed: seed)
    return DSDCNet(config: config, using: &rng)
  }

  /// `count` learnable 28×28 images: a bright 6×6 square whose position depends on
  /// the label (classes 0–9 on a 5×2 grid), plus noise.
  static func images(count: Int, seed: UInt64 = 5) -> LabeledImages {
    var rng = SeededGenerator(seed: seed)
    var pixels = [UInt8](repeating: 0, count: count * 784)
    var labels = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
      let label = i % 10
      labels[i] = UInt8(label)
      let (top, left) = (3 + (label / 5) * 12, 1 + (label % 5) * 5)
      for r in 0..<28 {
        for c in 0..<28 {
          let inSquare = r >= top && r < top + 6 && c >= left && c < left + 6
          let noise = Int(rng.next() % 60)
          pixels[i * 784 + r * 28 + c] = UInt8(min(255, (inSquare ? 190 : 0) + noise))
        }
      }
    }
    return LabeledImages(count: count, rows: 28, columns: 28, pixels: pixels, labels: labels)
  }
}

@Suite("DSDC-Net")
struct DSDCNetTests {
  static let stateDictShapes: [(String, [Int])] = [
    ("stem.weight", [32, 1, 3, 3]),
    ("stem_bn.weight", [32]), ("stem_bn.bias", [32]), ("stem_bn.running_mean", [32]), ("stem_bn.running_var", [32]),
    ("block1.depthwise.weight", [32, 1, 3, 3]), ("block1.pointwise.weight", [64, 32, 1, 1]),
    ("block1.bn.weight", [64]), ("block1.bn.bias", [64]), ("block1.bn.running_mean", [64]),
    ("block1.bn.running_var", [64]),
    ("block2.depthwise.weight", [64, 1, 3, 3]), ("block2.pointwise.weight", [128, 64, 1, 1]),
    ("block2.bn.weight", [128]), ("block2.bn.bias", [128]), ("block2.bn.running_mean", [128]),
    ("block2.bn.running_var", [128]),
    ("block3.depthwise.weight", [128, 1, 3, 3]), ("block3.pointwise.weight", [128, 128, 1, 1]),
    ("block3.bn.weight", [128]), ("block3.bn.bias", [128]), ("block3.bn.running_mean", [128]),
    ("block3.bn.running_var", [128]),
    ("classifier.weight", [10, 128]), ("classifier.bias", [10]),
  ]

  @Test func parameterCount() {
    let model = TinyNet.model(DSDCNetConfig())
    #expect(model.parameterCount == 30_922)
    #expect(model.parameters.map(\.name) == Self.stateDictShapes.map(\.0).filter { !$0.contains("running") })
  }

  @Test func namedTensorsMatchPyTorchStateDict() {
    let tensors = TinyNet.model(DSDCNetConfig()).namedTensors()
    #expect(tensors.map(\.name) == Self.stateDictShapes.map(\.0))
    #expect(tensors.map(\.tensor.shape) == Self.stateDictShapes.map(\.1))
    let bn = tensors.first { $0.name == "block2.bn.running_var" }!.tensor
    #expect(bn.storage.allSatisfy { $0 == 1 })
  }

  @Test func loadRoundTripsAndIgnoresBatchCounter() throws {
    let (source, target) = (TinyNet.model(seed: 1), TinyNet.model(seed: 2))
    var tensors = source.namedTensors()
    tensors.append(("stem_bn.num_batches_tracked", Tensor(shape: [], storage: [3])))
    try target.load(namedTensors: tensors.reversed())
    #expect(target.namedTensors().map(\.tensor) == source.namedTensors().map(\.tensor))
  }

  @Test func loadNamesTheBadTensorAndChangesNothing() {
    let model = TinyNet.model()
    let good = model.namedTensors()
    let before = good.map(\.tensor)
    #expect(throws: ModelError.missingTensor(name: "block2.bn.bias")) {
      try model.load(namedTensors: good.filter { $0.name != "block2.bn.bias" })
    }
    #expect(throws: ModelError.unexpectedTensor(name: "extra.weight")) {
      try model.load(namedTensors: good + [("extra.weight", Tensor(shape: [1]))])
    }
    #expect(throws: ModelError.duplicateTensor(name: "stem.weight")) {
      try model.load(namedTensors: good + [good[0]])
    }
    var wrong = good.map { ($0.name, Tensor(shape: $0.tensor.shape, repeating: 7)) }
    wrong[5].1 = Tensor(shape: [3])
    #expect(throws: ModelError.shapeMismatch(name: wrong[5].0, expected: good[5].tensor.shape, found: [3])) {
      try model.load(namedTensors: wrong)
    }
    #expect(model.namedTensors().map(\.tensor) == before)
    let message = ModelError.shapeMismatch(name: "stem.weight", expected: [32, 1, 3, 3], found: [3]).description
    #expect(message.contains("stem.weight") && message.contains("HINT"))
  }

  /// PyTorch's default init: conv and linear weights inside ±1/√fan_in, BatchNorm 1 and 0.
  @Test func initialisation() {
    let model = TinyNet.model(DSDCNetConfig())
    let bounds: [String: Float] = [
      "stem.weight": 1 / 3, "block1.depthwise.weight": 1 / 3, "block1.pointwise.weight": 1 / Float(32).squareRoot(),
      "block3.pointwise.weight": 1 / Float(128).squareRoot(), "classifier.weight": 1 / Float(128).squareRoot(),
      "classifier.bias": 1 / Float(128).squareRoot(),
    ]
    for parameter in model.parameters {
      if let bound = bounds[parameter.name] {
        #expect(parameter.value.storage.allSatisfy { abs($0) <= bound }, "\(parameter.name)")
        #expect(parameter.value.range.max > 0.5 * bound, "\(parameter.name)")
      }
      if parameter.name.hasSuffix("bn.weight") { #expect(parameter.value.storage.allSatisfy { $0 == 1 }) }
      if parameter.name.hasSuffix("bn.bias") { #expect(parameter.value.storage.allSatisfy { $0 == 0 }) }
    }
    // Same seed, same weights; another seed, others.
    #expect(TinyNet.model(DSDCNetConfig()).namedTensors().map(\.tensor) == model.namedTensors().map(\.tensor))
    #expect(TinyNet.model(DSDCNetConfig(), seed: 2).parameters[0].value != model.parameters[0].value)
  }

  @Test func summary() {
    let summary = TinyNet.model(DSDCNetConfig()).summary
    #expect(summary.totalParameters == 30_922)
    // 225,792 + 225,792 + 1,605,632 + 112,896 + 1,605,632 + 56,448 + 802,816 + 1,280
    #expect(summary.totalMultiplyAdds == 4_636_288)
    let field = Dictionary(uniqueKeysWithValues: summary.rows.map { ($0.name, $0.receptiveField) })
    // 3, then +4 (D 2), pool +1; +4·2 (D 2 at stride 2), pool +1·2; +2·4.
    #expect(field["stem"] == 3 && field["block1.depthwise"] == 7 && field["block1.pool"] == 8)
    #expect(field["block2.depthwise"] == 16 && field["block2.pool"] == 18 && field["block3.depthwise"] == 26)
    #expect(summary.rows.first { $0.name == "block2.pool" }?.outputShape == [128, 7, 7])
    #expect(summary.rows.last?.outputShape == [10])
    #expect(summary.table.contains("30,922") && summary.table.contains("4,636,288"))
  }

  @Test func activationsOfOneImage() {
    let model = TinyNet.model(DSDCNetConfig())
    var rng = SeededGenerator(seed: 3)
    let image = Tensor.randomNormal(shape: [1, 1, 28, 28], using: &rng)
    let maps = model.activations(image: image)
    #expect(maps.map(\.name) == ["stem", "block1", "block2", "block3", "pooled", "logits"])
    #expect(maps.map(\.tensor.shape) == [[32, 28, 28], [64, 14, 14], [128, 7, 7], [128, 7, 7], [128], [10]])
    #expect(maps.last!.tensor.storage == model.logits(input: image).storage)
  }

  /// In eval mode each image's logits do not depend on the rest of its batch.
  @Test func evalModeIsPerImage() {
    let model = TinyNet.model()
    var rng = SeededGenerator(seed: 4)
    let batch = Tensor.randomNormal(shape: [3, 1, 28, 28], using: &rng)
    let all = model.logits(input: batch)
    for n in 0..<3 {
      expectClose(model.logits(input: batch.slice(n)), all.slice(n), atol: 1e-5, rtol: 1e-5)
    }
  }

  /// In the layer-by-layer eval pass (the fused one's reference), a batch larger than
  /// `inferenceSlice` runs in slices (0–63, 64–127, 86–149 here) and gives the bits of one
  /// whole-batch pass, and of each image alone; for a tiny network and for DSDC-Net itself.
  @Test(arguments: [TinyNet.config, DSDCNetConfig()])
  func slicedInferenceGivesTheWholeBatchBits(config: DSDCNetConfig) {
    let model = TinyNet.model(config)
    model.usesFusedInference = false
    var rng = SeededGenerator(seed: 7)
    let batch = Tensor.randomNormal(shape: [150, 1, 28, 28], using: &rng)
    let sliced = model.logits(input: batch)
    model.inferenceSlice = 1_000
    let whole = model.logits(input: batch)
    #expect(sliced.shape == [150, 10])
    #expect(sliced.storage == whole.storage)
    for n in [0, 63, 64, 149] {
      #expect(model.logits(input: batch.slice(n)).storage == Array(whole.storage[n * 10..<(n + 1) * 10]))
    }
    let labels = (0..<150).map { $0 % 10 }
    let wholeEvaluation = model.evaluate(input: batch, labels: labels)
    model.inferenceSlice = 64
    let slicedEvaluation = model.evaluate(input: batch, labels: labels)
    #expect(slicedEvaluation.result == wholeEvaluation.result)
    #expect(slicedEvaluation.logits.storage == wholeEvaluation.logits.storage)
    #expect(slicedEvaluation.probabilities.storage == wholeEvaluation.probabilities.storage)
  }

  /// An epoch's shorter last batch runs in the full batch's buffers (made smaller, not
  /// made again), and its loss and gradients are the bits of a network that never saw a
  /// larger batch; so is the next full batch's, back in the same memory.
  @Test func aShorterBatchUsesTheSameBuffersWithTheSameBits() {
    var rng = SeededGenerator(seed: 11)
    let full = Tensor.randomNormal(shape: [6, 1, 28, 28], using: &rng)
    let short = Tensor.randomNormal(shape: [4, 1, 28, 28], using: &rng)
    let (fullLabels, shortLabels) = ([0, 1, 2, 0, 1, 2], [2, 1, 0, 2])
    func gradients(_ model: DSDCNet) -> [[Float]] { model.parameters.map(\.gradient.storage) }

    let reused = TinyNet.model()
    let first = reused.computeGradients(input: full, labels: fullLabels)
    let firstGradients = gradients(reused)
    let shorter = reused.computeGradients(input: short, labels: shortLabels)
    let shorterGradients = gradients(reused)
    let again = reused.computeGradients(input: full, labels: fullLabels)

    let onlyShort = TinyNet.model()
    #expect(onlyShort.computeGradients(input: short, labels: shortLabels) == shorter)
    #expect(gradients(onlyShort) == shorterGradients)
    let onlyFull = TinyNet.model()
    #expect(onlyFull.computeGradients(input: full, labels: fullLabels) == first && again == first)
    #expect(gradients(reused) == firstGradients && gradients(onlyFull) == firstGradients)
  }

  /// The batch dimension shrinks and grows back in the same storage.
  @Test func settingTheOutermostExtentKeepsTheStorage() {
    var t = Tensor(shape: [4, 2, 3], storage: (0..<24).map(Float.init))
    let address = t.storage.withUnsafeBufferPointer { $0.baseAddress }
    t.setOutermost(2)
    #expect(t.shape == [2, 2, 3] && t.storage == (0..<12).map(Float.init))
    t.setOutermost(4)
    #expect(t.shape == [4, 2, 3] && t.storage == (0..<12).map(Float.init) + [Float](repeating: 0, count: 12))
    #expect(t.storage.withUnsafeBufferPointer { $0.baseAddress } == address)
  }

  /// Finite differences through the whole (miniature) network in training mode.
  @Test func gradientsMatchFiniteDifferences() {
    let model = TinyNet.model(TinyNet.miniature, seed: 3)
    var rng = SeededGenerator(seed: 6)
    let input = Tensor.randomNormal(shape: [4, 1, 8, 8], using: &rng)
    let labels = [0, 2, 1, 2]
    _ = model.computeGradients(input: input, labels: labels)
    let analytic = model.parameters.map(\.gradient)
    func loss() -> Double {
      let logits = model.logits(input: input, training: true)
      var p = Tensor(shape: logits.shape)
      return Double(SoftmaxCrossEntropy.forward(logits: logits, labels: labels, probabilities: &p).loss)
    }
    // A small step: a larger one lets some ReLU or max-pool cross its kink.
    for (parameter, gradient) in zip(model.parameters, analytic) {
      let original = parameter.value
      GradientCheck.expectMatches(gradient, at: original, epsilon: 3e-4, atol: 2e-3, rtol: 2e-2) { w in
        parameter.value = w
        defer { parameter.value = original }
        return loss()
      }
    }
  }

  /// Head-only fine-tuning: frozen tensors get no gradient and stay bit-identical
  /// through optimiser steps; the classifier changes.
  @Test func freezingKeepsTensorsBitIdentical() {
    let model = TinyNet.model()
    model.setFrozen(true) { !$0.hasPrefix("classifier.") }
    let before = model.parameters.map(\.value)
    let optimizer = AdamW(parameters: model.parameters, learningRate: 1e-2, weightDecay: 0.1)
    let data = TinyNet.images(count: 8)
    let input = Normalization.mnist.tensor(data, indices: 0..<8)
    for _ in 0..<3 {
      _ = model.computeGradients(input: input, labels: data.labels.map(Int.init))
      optimizer.step()
    }
    for (parameter, old) in zip(model.parameters, before) {
      if parameter.isFrozen {
        #expect(parameter.value == old, "\(parameter.name) changed")
        #expect(parameter.gradient.storage.allSatisfy { $0 == 0 }, "\(parameter.name) has a gradient")
      } else {
        #expect(parameter.value != old, "\(parameter.name) did not change")
      }
    }
    // Pointwise-only: depthwise kernels frozen, the rest trains.
    model.unfreezeAll()
    model.setFrozen(true) { $0.contains("depthwise") || $0.hasPrefix("stem.") }
    let depthwise = model.blocks.map(\.depthwise!.weight.value)
    let pointwise = model.blocks.map(\.pointwise!.weight.value)
    _ = model.computeGradients(input: input, labels: data.labels.map(Int.init))
    optimizer.step()
    #expect(model.blocks.map(\.depthwise!.weight.value) == depthwise)
    #expect(model.blocks.map(\.pointwise!.weight.value) != pointwise)
  }
}
