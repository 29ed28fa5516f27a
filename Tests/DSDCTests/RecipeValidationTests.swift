import DSDC
import Foundation
import Testing

@Suite("Recipes and configurations from outside are checked", .removesTemporaryFolders)
struct RecipeValidationTests {
  /// A copy of the default recipe with one field changed.
  static func recipe(_ change: (inout TrainingRecipe) -> Void) -> TrainingRecipe {
    var recipe = TrainingRecipe()
    change(&recipe)
    return recipe
  }

  /// A value as a checkpoint's JSON gives it, without the checks of its initialiser.
  static func decode<T: Decodable>(_ json: String) -> T? {
    try? JSONDecoder().decode(T.self, from: Data(json.utf8))
  }

  @Test func theDefaultsAndTheLimitsThemselvesPass() throws {
    try TrainingRecipe().validate()
    for (epochs, batchSize, threads, trainLimit) in [(1_000, 512, 64, 10_000_000), (1, 2, 1, 2)] {
      try TrainingRecipe(epochs: epochs, batchSize: batchSize, threads: threads, trainLimit: trainLimit).validate()
    }
    try DSDCNetConfig().validate()
  }

  @Test(arguments: [
    ("epochs", Self.recipe { $0.epochs = 0 }),
    ("epochs", Self.recipe { $0.epochs = Int.max }),
    ("batch size", Self.recipe { $0.batchSize = 1 }),
    ("batch size", Self.recipe { $0.batchSize = 513 }),
    ("threads", Self.recipe { $0.threads = 65 }),
    ("train limit", Self.recipe { $0.trainLimit = 1 }),
    ("train limit", Self.recipe { $0.trainLimit = 10_000_001 }),
    ("learning rate", Self.recipe { $0.learningRate = 10 }),
    ("weight decay", Self.recipe { $0.weightDecay = -0.1 }),
    ("label smoothing", Self.recipe { $0.labelSmoothing = 1 }),
    ("augmentation shift", Self.recipe { $0.augmentation = Self.decode(#"{"maxShift":-1,"maxRotationDegrees":0}"#) }),
    ("augmentation rotation", Self.recipe { $0.augmentation = Augmentation(maxShift: 2, maxRotationDegrees: 1e6) }),
    ("normalisation σ", Self.recipe { $0.normalization = Self.decode(#"{"mean":0.1,"std":0}"#) ?? .mnist }),
    ("SGD momentum", Self.recipe { $0.optimizer = .sgd(momentum: 1, nesterov: true) }),
    ("one-cycle", Self.recipe { $0.schedule = .oneCycle(warmupFraction: 1e300) }),
  ])
  func eachOutOfRangeNumberIsNamed(field: String, recipe: TrainingRecipe) {
    let error = #expect(throws: TrainingError.self) { try recipe.validate() }
    #expect(error?.description.contains(field) == true, "\(String(describing: error))")
  }

  /// A configuration as `dsdc.config` JSON, with blocks of (channels, dilation, pools).
  static func configJSON(
    size: Int = 28, stem: Int = 32, kernel: Int = 3, blocks: [(Int, Int, Bool)] = [(8, 1, false)], classes: Int = 10
  ) -> String {
    let list = blocks.map { #"{"channels":\#($0.0),"dilation":\#($0.1),"pools":\#($0.2)}"# }
    return #"{"inputChannels":1,"imageSize":\#(size),"stemChannels":\#(stem),"kernel":\#(kernel),"#
      + #""blocks":[\#(list.joined(separator: ","))],"classes":\#(classes)}"#
  }

  @Test(arguments: [
    ("image size", Self.configJSON(size: 0)),
    ("number of blocks", Self.configJSON(blocks: [])),
    ("block1 dilation", Self.configJSON(blocks: [(8, 0, false)])),
    ("kernel size must be odd", Self.configJSON(kernel: 4)),
    ("stem channels", Self.configJSON(stem: -3)),
    ("block1 channels", Self.configJSON(blocks: [(Int.max, 1, false)])),
    ("pooling needs at least 2×2", Self.configJSON(size: 2, stem: 4, blocks: [(8, 1, true), (8, 1, true)])),
    ("classes", Self.configJSON(classes: 1)),
    ("parameter count", Self.configJSON(stem: 2048, blocks: Array(repeating: (2048, 1, false), count: 13))),
  ])
  func decodedConfigurationsAreCheckedBeforeAModelIsBuilt(field: String, json: String) throws {
    let config = try JSONDecoder().decode(DSDCNetConfig.self, from: Data(json.utf8))
    let error = #expect(throws: ModelError.self) { try config.validate() }
    #expect(error?.description.contains(field) == true, "\(String(describing: error))")
    // The same configuration in a checkpoint's metadata: refused by name, no model built.
    let state = TrainingState(tensors: [], metadata: [TrainingState.Key.config: json])
    #expect(throws: TrainingError.self) { _ = try state.makeModel() }
  }

  /// A weights file with a hostile recipe or configuration, loaded as `dsdc evaluate` does.
  @Test func aCheckpointWithBadMetadataIsRefusedNamingTheKey() throws {
    let folder = try makeTemporaryDirectory()
    let model = TinyNet.model()
    let trainer = Trainer(model: model, recipe: TrainingRecipe(), generator: SeededGenerator(seed: 1))
    var metadata = trainer.state().metadata
    let url = folder.appendingPathComponent("model.safetensors")
    try TrainingCheckpoint.saveModel(model, steps: 0, metadata: metadata, to: url)
    _ = try TrainingCheckpoint.loadModel(from: url)  // the honest file loads

    metadata[TrainingState.Key.recipe] = metadata[TrainingState.Key.recipe]!
      .replacingOccurrences(of: "\"batchSize\":\(TrainingRecipe().batchSize)", with: "\"batchSize\":100000000")
    try TrainingCheckpoint.saveModel(model, steps: 0, metadata: metadata, to: url)
    let error = #expect(throws: CheckpointError.self) { _ = try TrainingCheckpoint.loadModel(from: url) }
    #expect(
      error?.description.contains("dsdc.recipe") == true && error?.description.contains("batch size") == true,
      "\(String(describing: error))")
  }

  @Test(arguments: [
    ("stem.weight", Float.nan, "nan"), ("classifier.bias", -Float.infinity, "-inf"),
    ("block2.bn.running_var", -1, "a variance cannot be negative"),
  ])
  func impossibleWeightsAreRefusedByName(name: String, value: Float, words: String) throws {
    let folder = try makeTemporaryDirectory()
    let model = TinyNet.model()
    let trainer = Trainer(model: model, recipe: TrainingRecipe(), generator: SeededGenerator(seed: 1))
    var state = trainer.state()
    let index = try #require(state.tensors.firstIndex { $0.name == name })
    state.tensors[index].tensor.storage[0] = value
    let url = folder.appendingPathComponent("checkpoint.safetensors")
    try TrainingCheckpoint.saveState(state, to: url)
    let error = #expect(throws: CheckpointError.self) { _ = try TrainingCheckpoint.loadModel(from: url) }
    guard case .impossibleValue(url.path, name, _) = error else {
      Issue.record("expected impossibleValue for \(name), got \(String(describing: error))")
      return
    }
    #expect(
      error?.description.contains("\"\(name)\"") == true && error?.description.contains(words) == true,
      "\(String(describing: error))")
    #expect(throws: CheckpointError.self) { _ = try TrainingCheckpoint.loadState(from: url) }
  }
}
