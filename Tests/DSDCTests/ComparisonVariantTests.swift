import DSDC
import Foundation
import Testing

/// Lesson 9's sibling networks against PyTorch (`variants_batch.json`: each variant on a
/// narrow base — stem 4, widths 6/8/8, dilations 2/2/1 — after `torch.manual_seed(i)`,
/// the first 4 MNIST test images): training-mode logits, loss and every gradient, and
/// the eval-mode gradient of the last block's centre output with respect to the input.
@Suite("Comparison variants vs PyTorch")
struct ComparisonVariantFixtureTests {
  static let base = DSDCNetConfig(
    stemChannels: 4,
    blocks: [
      .init(channels: 6, dilation: 2, pools: true), .init(channels: 8, dilation: 2, pools: true),
      .init(channels: 8, dilation: 1, pools: false),
    ])

  let fixture: [String: Any]
  let input: Tensor
  let labels: [Int]

  init() throws { (fixture, input, labels) = try PyTorchFixture.batch("variants_batch.json") }

  func section(_ variant: ComparisonVariant) -> [String: Any] {
    (fixture["variants"] as! [String: Any])[variant.rawValue] as! [String: Any]
  }

  /// The variant built by dsdc, holding the fixture's weights.
  func model(_ variant: ComparisonVariant) throws -> DSDCNet {
    var rng = SeededGenerator(seed: 0)
    let model = DSDCNet(config: variant.config(base: Self.base), using: &rng)
    let stateDict = section(variant)["state_dict"] as! [String: Any]
    try model.load(namedTensors: stateDict.map { ($0.key, PyTorchFixture.tensor($0.value)) })
    return model
  }

  @Test(arguments: ComparisonVariant.allCases)
  func shapeAndParameterCount(variant: ComparisonVariant) throws {
    let f = section(variant)
    let config = variant.config(base: Self.base)
    #expect(config.blocks.map(\.channels) == (f["widths"] as! [NSNumber]).map(\.intValue))
    #expect(ComparisonVariant.parameterCount(config) == (f["trainable_parameters"] as! NSNumber).intValue)
  }

  @Test(arguments: ComparisonVariant.allCases)
  func trainingStepMatches(variant: ComparisonVariant) throws {
    let train = section(variant)["train"] as! [String: Any]
    let model = try model(variant)
    let result = model.computeGradients(input: input, labels: labels)
    expectClose(model.logits(input: input, training: true), PyTorchFixture.tensor(train["logits"]), atol: 1e-4, rtol: 0)
    expectClose(result.loss, PyTorchFixture.float(train["loss"]), atol: 1e-4, rtol: 0)
    let grads = train["grads"] as! [String: Any]
    #expect(grads.count == model.parameters.count)
    for parameter in model.parameters {
      expectClose(parameter.gradient, PyTorchFixture.tensor(grads[parameter.name]), atol: 1e-4, rtol: 1e-3)
    }
  }

  @Test(arguments: ComparisonVariant.allCases)
  func inputGradientMatchesAutograd(variant: ComparisonVariant) throws {
    let f = section(variant)["input_gradient"] as! [String: Any]
    let position = (f["position"] as! [NSNumber]).map(\.intValue)
    let model = try model(variant)
    #expect(model.centreOutput.position == position[0])
    let gradient = model.inputGradient(input: input, row: position[0], column: position[1])
    expectClose(gradient, PyTorchFixture.tensor(f["gradient"]), atol: 1e-5, rtol: 1e-3)
    #expect(gradient.storage.contains { $0 != 0 })
    // Parameter gradients are left at zero.
    #expect(model.parameters.allSatisfy { $0.gradient.storage.allSatisfy { $0 == 0 } })
  }
}

@Suite("Comparison variants")
struct ComparisonVariantTests {
  @Test func dsdcIsDSDCNetAndSeparableDropsTheDilations() {
    #expect(ComparisonVariant.dsdc.config() == DSDCNetConfig())
    #expect(ComparisonVariant.separable.config().blocks.map(\.dilation) == [1, 1, 1])
    #expect(ComparisonVariant.dilated.config().blocks.map(\.dilation) == [2, 2, 1])
    #expect(ComparisonVariant.dilated.config().blocks.allSatisfy { $0.convolution == .standard })
  }

  /// Parameters by hand: a standard block holds C·N·9 weights, a separable one C·9 + C·N.
  @Test func parameterCountsByHand() {
    let stemAndHead = 288 + 64 + 2 * (64 + 128 + 128) + 128 * 10 + 10  // stem, its BN, block BNs, classifier
    let standard = 32 * 64 * 9 + 64 * 128 * 9 + 128 * 128 * 9
    #expect(ComparisonVariant.parameterCount(ComparisonVariant.standard.config()) == stemAndHead + standard)
    #expect(ComparisonVariant.parameterCount(ComparisonVariant.dilated.config()) == stemAndHead + standard)
    #expect(ComparisonVariant.parameterCount(ComparisonVariant.separable.config()) == 30_922)
  }

  /// standard-small: widths scaled from 64/128/128 by k/64; k = 21 gives 21/42/42 and
  /// 288 + 64 + 9·(32·21 + 21·42 + 42·42) + 2·105 + 42·10 + 10 = 30,854 parameters,
  /// 68 from DSDC-Net's 30,922 (k = 22 would give 33,646).
  @Test func standardSmallMatchesTheBudget() {
    #expect(ComparisonVariant.budgetWidths() == [21, 42, 42])
    #expect(ComparisonVariant.parameterCount(ComparisonVariant.standardSmall.config()) == 30_854)
  }

  /// Theoretical fields of the centre output: 26 with the dilations, 20 without.
  @Test func theoreticalFields() {
    func window(_ variant: ComparisonVariant) -> ClosedRange<Int> {
      var rng = SeededGenerator(seed: 0)
      return DSDCNet(config: variant.config(), using: &rng).centreOutput.window
    }
    #expect(window(.dsdc) == 1...26)
    #expect(window(.dilated) == 1...26)
    #expect(window(.separable) == 4...23)
    #expect(window(.standard).count == 20)
  }

  /// Every variant's trainer starts its batches from the same generator state: the one
  /// `dsdc train --seed S` has after drawing DSDC-Net's weights.
  @Test func everyVariantSeesTheSameBatches() {
    var recipe = TrainingRecipe()
    recipe.seed = 7
    let reference = Trainer(recipe: recipe)
    for variant in ComparisonVariant.allCases {
      #expect(ComparisonRun.makeTrainer(variant, recipe: recipe).generator == reference.generator)
    }
  }

  /// Old checkpoints' configurations have no `convolution` key: they read as separable.
  @Test func blocksWithoutAKindReadAsSeparable() throws {
    let json = #"{"channels":64,"dilation":2,"pools":true}"#
    let block = try JSONDecoder().decode(DSDCNetConfig.Block.self, from: Data(json.utf8))
    #expect(block.convolution == .separable)
    let standard = DSDCNetConfig.Block(channels: 8, dilation: 1, pools: false, convolution: .standard)
    #expect(try JSONDecoder().decode(DSDCNetConfig.Block.self, from: JSONEncoder().encode(standard)) == standard)
  }

  /// A standard-variant model round-trips through its checkpoint file.
  @Test func standardCheckpointRoundTrips() throws {
    var rng = SeededGenerator(seed: 3)
    let config = ComparisonVariant.standardSmall.config()
    let model = DSDCNet(config: config, using: &rng)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dsdc-variant-\(UUID()).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
    try TrainingCheckpoint.saveModel(model, steps: 0, metadata: [TrainingState.Key.config: json], to: url)
    let (loaded, _) = try TrainingCheckpoint.loadModel(from: url)
    #expect(loaded.config == config)
    #expect(loaded.namedTensors().map(\.tensor) == model.namedTensors().map(\.tensor))
    #expect(loaded.namedTensors().contains { $0.name == "block1.conv.weight" })
  }
}
