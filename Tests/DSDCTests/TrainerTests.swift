import DSDC
import Foundation
import Testing

@Suite("Trainer")
struct TrainerTests {
  /// A tiny run: 40 images in batches of 16 (the last batch has 8), with shifts and rotations.
  static func recipe(epochs: Int = 2, threads: Int = 1) -> TrainingRecipe {
    TrainingRecipe(
      epochs: epochs, batchSize: 16, optimizer: .adamW(), learningRate: 1e-2, weightDecay: 1e-4,
      schedule: .oneCycle(), augmentation: Augmentation(maxShift: 2, maxRotationDegrees: 8),
      seed: 42, threads: threads, trainLimit: 40)
  }

  static let train = TinyNet.images(count: 48, seed: 1)
  static let test = TinyNet.images(count: 20, seed: 2)

  /// The numbers of a history without the wall-clock times.
  static func metrics(_ history: [EpochSummary]) -> [[Double?]] {
    history.map { [Double($0.epoch), $0.trainLoss, $0.trainAccuracy, $0.testLoss, $0.testAccuracy] }
  }

  @Test(arguments: [1, 2])
  func sameSeedSameBits(threads: Int) throws {
    var runs: [(tensors: [Tensor], history: [[Double?]])] = []
    for _ in 0..<2 {
      let trainer = Trainer(recipe: Self.recipe(threads: threads), config: TinyNet.config)
      try trainer.train(on: Self.train, test: Self.test)
      runs.append((trainer.model.namedTensors().map(\.tensor), Self.metrics(trainer.history)))
    }
    #expect(runs[0].tensors == runs[1].tensors)
    #expect(runs[0].history == runs[1].history)
    // Another seed gives other weights.
    var other = Self.recipe(threads: threads)
    other.seed = 43
    let trainer = Trainer(recipe: other, config: TinyNet.config)
    try trainer.train(on: Self.train)
    #expect(trainer.model.namedTensors().map(\.tensor) != runs[0].tensors)
  }

  /// A recipe survives JSON exactly; one written before label smoothing existed (no
  /// `labelSmoothing` key) reads back as plain cross-entropy, ε = 0.
  @Test func recipeJSON() throws {
    let recipe = Self.recipe()
    let data = try JSONEncoder().encode(recipe)
    #expect(try JSONDecoder().decode(TrainingRecipe.self, from: data) == recipe)
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["labelSmoothing"] as? Double == 0.1)
    object["labelSmoothing"] = nil
    let old = try JSONDecoder().decode(TrainingRecipe.self, from: try JSONSerialization.data(withJSONObject: object))
    #expect(old.labelSmoothing == 0)
    #expect(old.seed == 42 && old.batchSize == 16 && old.trainLimit == 40)
  }

  /// One epoch, save, resume in a new trainer, one more epoch = two epochs straight.
  @Test func resumeIsExact() throws {
    let straight = Trainer(recipe: Self.recipe(), config: TinyNet.config)
    try straight.train(on: Self.train, test: Self.test)

    let first = Trainer(recipe: Self.recipe(), config: TinyNet.config)
    try first.trainEpoch(on: Self.train, test: Self.test)
    let state = first.state()
    #expect(state.metadata["dsdc.epoch"] == "1")
    #expect(state.metadata["dsdc.step"] == "3")
    #expect(state.tensors.contains { $0.name == "optimizer.block1.pointwise.weight.exp_avg_sq" })
    let resumed = try Trainer(resuming: state)
    #expect(resumed.epoch == 1 && resumed.step == 3 && resumed.recipe == Self.recipe())
    try resumed.train(on: Self.train, test: Self.test)

    #expect(resumed.model.namedTensors().map(\.tensor) == straight.model.namedTensors().map(\.tensor))
    #expect(Self.metrics(resumed.history) == Self.metrics(straight.history))
    #expect(resumed.generator == straight.generator)
    // The model alone, e.g. for evaluation.
    let model = try resumed.state().makeModel()
    #expect(model.namedTensors().map(\.tensor) == straight.model.namedTensors().map(\.tensor))
    #expect(model.config == TinyNet.config)
  }

  @Test func badStatesAreRejected() {
    let trainer = Trainer(recipe: Self.recipe(), config: TinyNet.config)
    var state = trainer.state()
    state.metadata["dsdc.rng"] = "nonsense"
    #expect(throws: TrainingError.self) { try Trainer(resuming: state) }
    state = trainer.state()
    state.tensors.removeAll { $0.name == "optimizer.stem.weight.exp_avg" }
    #expect(throws: TrainingError.badState(reason: "optimizer tensor optimizer.stem.weight.exp_avg is missing")) {
      try Trainer(resuming: state)
    }
    state = trainer.state()
    state.tensors.removeAll { $0.name == "block2.bn.running_var" }
    #expect(throws: TrainingError.self) { try Trainer(resuming: state) }
  }

  /// Labels the model has no class for, or a test set of another image size, stop
  /// training before the first step (not after an epoch's work).
  @Test func labelsOutsideTheClassesAndTestImagesOfAnotherSizeAreRefused() {
    let threeClasses = DSDCNetConfig(
      stemChannels: 4, blocks: [.init(channels: 8, dilation: 1, pools: true)], classes: 3)
    let trainer = Trainer(recipe: Self.recipe(), config: threeClasses)
    #expect(throws: TrainingError.badData(reason: "training label 9 is not one of the model's 3 classes")) {
      try trainer.train(on: Self.train)
    }
    let tiny = Trainer(recipe: Self.recipe(), config: TinyNet.config)
    let odd = LabeledImages(
      count: 2, rows: 28, columns: 29, pixels: [UInt8](repeating: 0, count: 2 * 28 * 29), labels: [0, 1])
    #expect(throws: TrainingError.badData(reason: "test images are 28×29, the model expects 28×28")) {
      try tiny.train(on: Self.train, test: odd)
    }
    #expect(tiny.step == 0 && trainer.step == 0)
  }

  /// Classifier weights so large that the logits overflow make the loss non-finite (a
  /// learning rate that could do it, 1e30, is outside `RecipeLimits`); training stops
  /// and names the step.
  @Test func nonFiniteLossStops() {
    var recipe = Self.recipe()
    recipe.schedule = .constant
    let trainer = Trainer(recipe: recipe, config: TinyNet.config)
    let weight = trainer.model.classifier.weight.value
    let huge = weight.storage.map { $0 < 0 ? Float(-3e38) : 3e38 }
    trainer.model.classifier.weight.assign(Tensor(shape: weight.shape, storage: huge))
    var failure: TrainingError? = nil
    do { try trainer.train(on: Self.train) } catch { failure = error }
    guard case .nonFiniteLoss(let epoch, let step, let loss) = failure else {
      Issue.record("expected a non-finite loss, got \(String(describing: failure))")
      return
    }
    #expect(epoch == 1 && step >= 1 && !loss.isFinite)
    #expect(failure!.description.contains("step \(step)"))
  }

  /// Progress events: one per batch with running numbers, one per epoch with the evaluation.
  @Test func progressAndEvaluation() throws {
    let trainer = Trainer(recipe: Self.recipe(epochs: 1), config: TinyNet.config)
    var batches: [BatchProgress] = []
    var epochs: [(EpochSummary, Evaluation?)] = []
    try trainer.train(on: Self.train, test: Self.test) { event in
      switch event {
      case .batch(let progress): batches.append(progress)
      case .epochEnded(let summary, let evaluation): epochs.append((summary, evaluation))
      }
    }
    #expect(batches.map(\.batch) == [1, 2, 3] && batches.allSatisfy { $0.batchesPerEpoch == 3 })
    #expect(batches.map(\.step) == [1, 2, 3])
    #expect(batches.allSatisfy { $0.imagesPerSecond > 0 && $0.runningLoss > 0 })
    #expect(epochs.count == 1)
    let (summary, evaluation) = epochs[0]
    let e = try #require(evaluation)
    #expect(e.count == 20)
    #expect(e.confusion.flatMap { $0 }.reduce(0, +) == 20)
    #expect(e.mistakes.count == e.count - e.correct)
    #expect(summary.testAccuracy == e.accuracy)
    #expect(e.perClassAccuracy.count == 10)
    for mistake in e.mistakes {
      #expect(mistake.label != mistake.predicted && mistake.confidence > 0.1 && mistake.confidence <= 1)
      #expect(Int(Self.test.labels[mistake.index]) == mistake.label)
    }
  }

  /// Fine-tuning the head only through a trainer: the frozen tensors stay bit-identical.
  @Test func fineTuningTheHead() throws {
    var rng = SeededGenerator(seed: 3)
    let model = DSDCNet(config: TinyNet.config, using: &rng)
    model.setFrozen(true) { !$0.hasPrefix("classifier.") }
    let before = model.parameters.map(\.value)
    let trainer = Trainer(model: model, recipe: Self.recipe(epochs: 1), generator: rng)
    try trainer.train(on: Self.train)
    for (parameter, old) in zip(model.parameters, before) {
      #expect((parameter.value == old) == parameter.isFrozen, "\(parameter.name)")
    }
  }
}
