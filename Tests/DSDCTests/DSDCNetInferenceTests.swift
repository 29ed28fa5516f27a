import Testing

@testable import DSDC

/// The fused, depth-first eval pass (`DSDCNetInference.swift`) against the layer-by-layer
/// one it replaces: every logit with the same bits, for separable, standard and mixed
/// networks, 1 and 2 threads, odd batches and batches larger than `inferenceSlice`.
@Suite("Fused eval-mode inference")
struct DSDCNetInferenceTests {
  /// Standard-convolution blocks, as lesson 9's sibling networks have them.
  static let standard: DSDCNetConfig = {
    var config = TinyNet.config
    for b in config.blocks.indices { config.blocks[b].convolution = .standard }
    return config
  }()

  /// Odd image size (13 → 6 → 3 under the pools), mixed block kinds, 4 classes.
  static let oddMixed = DSDCNetConfig(
    imageSize: 13, stemChannels: 3,
    blocks: [
      .init(channels: 5, dilation: 2, pools: true),
      .init(channels: 7, dilation: 1, pools: true, convolution: .standard),
      .init(channels: 6, dilation: 2, pools: false),
    ], classes: 4)

  static let configs: [DSDCNetConfig] = [TinyNet.config, standard, oddMixed, DSDCNetConfig()]

  /// A model whose BatchNorms are far from the identity (γ, β, running mean and
  /// variance drawn at random), so that the normalisation and the ReLU matter.
  static func model(_ config: DSDCNetConfig) -> DSDCNet {
    let model = TinyNet.model(config, seed: 11)
    var rng = SeededGenerator(seed: 12)
    for bn in model.batchNorms {
      let c = bn.channels
      bn.weight.value = Tensor(
        shape: [c], storage: Tensor.randomUniform(shape: [c], bound: 0.5, using: &rng).storage.map { $0 + 1 })
      bn.bias.value = Tensor.randomNormal(shape: [c], std: 0.5, using: &rng)
      bn.runningMean = Tensor.randomNormal(shape: [c], std: 0.3, using: &rng)
      bn.runningVar = Tensor(
        shape: [c], storage: Tensor.randomUniform(shape: [c], bound: 0.4, using: &rng).storage.map { $0 + 0.6 })
    }
    return model
  }

  static func images(_ config: DSDCNetConfig, batch: Int, seed: UInt64) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape: [batch, config.inputChannels, config.imageSize, config.imageSize], using: &rng)
  }

  /// The floats whose bits differ.
  static func differing(_ x: Tensor, _ y: Tensor) -> Int {
    x.shape != y.shape
      ? max(x.count, y.count) : zip(x.storage, y.storage).filter { $0.bitPattern != $1.bitPattern }.count
  }

  /// Batches of 1, 5 and 67 (one more slice than 64, the last one overlapping) on 1 and
  /// 2 threads, 1 to 3 images per chunk: the reference's bits every time.
  @Test(arguments: configs)
  func fusedLogitsHaveTheReferenceBits(config: DSDCNetConfig) {
    let model = Self.model(config)
    for batch in [1, 5, 67] {
      let input = Self.images(config, batch: batch, seed: UInt64(batch))
      for threads in [1, 2] {
        model.threads = threads
        model.usesFusedInference = false
        let reference = model.logits(input: input)
        model.usesFusedInference = true
        for chunk in [1, 2, 3] {
          model.inferenceChunk = chunk
          let fused = model.logits(input: input)
          #expect(
            Self.differing(fused, reference) == 0,
            "batch \(batch), \(threads) threads, chunk \(chunk): logits that differ")
        }
      }
    }
  }

  /// `evaluate` gives the reference's loss, correct count, logits and probabilities,
  /// and leaves the BatchNorms with the statistics the reference pass records.
  @Test(arguments: [TinyNet.config, oddMixed])
  func fusedEvaluationHasTheReferenceBits(config: DSDCNetConfig) {
    let (fusedModel, referenceModel) = (Self.model(config), Self.model(config))
    referenceModel.usesFusedInference = false
    let input = Self.images(config, batch: 7, seed: 9)
    let labels = (0..<7).map { $0 % config.classes }
    let fused = fusedModel.evaluate(input: input, labels: labels)
    let reference = referenceModel.evaluate(input: input, labels: labels)
    #expect(fused.result == reference.result)
    #expect(Self.differing(fused.logits, reference.logits) == 0)
    #expect(Self.differing(fused.probabilities, reference.probabilities) == 0)
    for (a, b) in zip(fusedModel.batchNorms, referenceModel.batchNorms) {
      #expect(a.savedTraining == false && b.savedTraining == false)
      #expect(a.savedMean == b.savedMean && a.savedInvStd == b.savedInvStd, "\(a.name)")
    }
  }

  /// Channel counts that do not halve at a multiple of 8 (12 → 8 + 4, 20 → 16 + 4,
  /// 17 → 16 + 1), mixed block kinds: the pair's uneven halves.
  static let unevenHalves = DSDCNetConfig(
    imageSize: 12, stemChannels: 12,
    blocks: [
      .init(channels: 20, dilation: 2, pools: true),
      .init(channels: 24, dilation: 1, pools: true, convolution: .standard),
      .init(channels: 17, dilation: 2, pools: false),
    ], classes: 5)

  /// One image on two threads goes through the pair (one job per image), split by
  /// channels, and has the bits of one thread and of the layer-by-layer pass.
  @Test(arguments: [DSDCNetConfig(), standard, unevenHalves, TinyNet.config])
  func oneImageOnTwoThreadsHasTheReferenceBits(config: DSDCNetConfig) {
    let model = Self.model(config)
    let pair = ThreadPair(backoff: 0)
    model.threadPair = pair
    for seed in 1...3 {
      let input = Self.images(config, batch: 1, seed: UInt64(seed))
      model.threads = 1
      model.usesFusedInference = false
      let reference = model.logits(input: input)
      model.usesFusedInference = true
      let single = model.logits(input: input)
      model.threads = 2
      let paired = model.logits(input: input)
      #expect(Self.differing(single, reference) == 0 && Self.differing(paired, reference) == 0, "seed \(seed)")
    }
    #expect(pair.jobsRun == (ThreadPair.hasTwoCores ? 3 : 0))
    // Two images, or a clock attached, take the usual path.
    model.threads = 2
    _ = model.logits(input: Self.images(config, batch: 2, seed: 4))
    model.layerClock = LayerClock()
    _ = model.logits(input: Self.images(config, batch: 1, seed: 5))
    #expect(pair.jobsRun == (ThreadPair.hasTwoCores ? 3 : 0))
  }

  /// A clock on the fused pass lists the layers in `forward`'s order and times the
  /// convolutions; the BatchNorms without a pool run inside their convolution's epilogue.
  @Test func clockTimesTheFusedPass() {
    let model = Self.model(TinyNet.config)
    let clock = LayerClock()
    model.layerClock = clock
    _ = model.logits(input: Self.images(TinyNet.config, batch: 3, seed: 2))
    #expect(clock.layers == LayerClockTests.layers)
    for name in ["stem", "block1.depthwise", "block1.pointwise", "block1.bn", "block3.pointwise", "classifier"] {
      #expect((clock.forward[name] ?? 0) > 0, "\(name)")
    }
    #expect(clock.forward["stem_bn"] == 0 && clock.forward["block3.bn"] == 0)
  }
}
