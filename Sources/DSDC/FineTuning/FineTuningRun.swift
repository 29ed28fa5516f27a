import Foundation

/// One fine-tuning run: a trained checkpoint (the parent) reused on a new task with a
/// strategy, trained by the ordinary `Trainer`, saved as an ordinary checkpoint whose
/// metadata names its parent and the task's classes.
///
/// ```swift
/// var recipe = FineTuningRun.recipe(epochs: 5, trainLimit: 1_000, seed: 0)
/// let run = try FineTuningRun(parent: url, strategy: .head, recipe: recipe)
/// try run.train(on: fashion.train, test: fashion.test)
/// try run.save(to: folder.appendingPathComponent("model.safetensors"))
/// ```
///
/// The classifier always starts anew (PyTorch's default initialisation from the
/// recipe's seed): the parent's head maps features to digits, which mean nothing for
/// clothes. `scratch` draws the whole network from the same seed. Shuffling and
/// augmentation then start from that seed too, so every strategy sees the same
/// batches in the same order.
///
/// The input normalisation is the parent's (MNIST's `μ`, `σ`), not the new task's:
/// the pretrained stem was trained on inputs on that scale, and the checkpoint's
/// recipe records it for `dsdc evaluate` and `dsdc predict`.
public final class FineTuningRun {
  /// How the parent is reused.
  public let strategy: FineTuningStrategy
  /// The new task.
  public let task: FineTuningTask
  /// What the saved checkpoint records about its origin.
  public let origin: FineTuningMetadata
  /// The trainer; its model is the network being fine-tuned.
  public let trainer: Trainer
  /// The test evaluation before the first step (set by `train`).
  public private(set) var startEvaluation: Evaluation?
  /// The data the run trained on (set by `train`), recorded in the saved checkpoint.
  public private(set) var data: DatasetIdentity?

  /// The network being fine-tuned.
  public var model: DSDCNet { trainer.model }

  /// The fine-tuning recipe: AdamW at the default peak rate on a one-cycle schedule,
  /// shifts of up to 2 pixels but no rotations (clothes are photographed upright),
  /// label smoothing 0.1.
  public static func recipe(epochs: Int, trainLimit: Int?, seed: UInt64, learningRate: Double = 3e-3,
                            threads: Int = 2) -> TrainingRecipe {
    TrainingRecipe(epochs: epochs, learningRate: learningRate, augmentation: Augmentation(maxShift: 2, maxRotationDegrees: 0),
                   seed: seed, threads: threads, trainLimit: trainLimit)
  }

  /// Loads the parent, applies `strategy`, and prepares the trainer. The recipe's
  /// normalisation is replaced by the parent's.
  /// - Parameter backboneScale: the backbone's learning rate in `full`, as a fraction
  ///   of the classifier's.
  public init(parent url: URL, strategy: FineTuningStrategy, task: FineTuningTask = .fashionMNIST,
              recipe: TrainingRecipe, backboneScale: Double = FineTuningStrategy.backboneLearningRateScale) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { throw FineTuningError.parentMissing(path: url.path) }
    let (parent, metadata) = try TrainingCheckpoint.loadModel(from: url)
    let bytes: Data
    do { bytes = try Data(contentsOf: url) } catch {
      throw CheckpointError.cannotRead(path: url.path, message: error.localizedDescription)
    }
    guard parent.config.classes == task.classNames.count else {
      throw FineTuningError.classCountMismatch(path: url.path, parentClasses: parent.config.classes,
                                               task: task.title, taskClasses: task.classNames.count)
    }
    var recipe = recipe
    recipe.normalization = TrainingCheckpoint.normalization(from: metadata)
    var generator = SeededGenerator(seed: recipe.seed)
    let model: DSDCNet
    if strategy.reusesParent {
      model = parent
      let head = Linear(name: "classifier", inFeatures: model.classifier.inFeatures,
                        outFeatures: model.classifier.outFeatures, using: &generator)
      model.classifier.weight.assign(head.weight.value)
      model.classifier.bias.assign(head.bias.value)
    } else {
      model = DSDCNet(config: parent.config, using: &generator)
    }
    strategy.apply(to: model, backboneScale: backboneScale)
    self.strategy = strategy
    self.task = task
    origin = FineTuningMetadata(parent: url.path, parentSHA256: Checksums.sha256Hex([UInt8](bytes)), task: task.name,
                                classNames: task.classNames, strategy: strategy)
    trainer = Trainer(model: model, recipe: recipe, generator: SeededGenerator(seed: recipe.seed))
  }

  /// Evaluates the starting point, then trains every epoch of the recipe, evaluating
  /// `test` after each.
  @discardableResult
  public func train(on trainSet: LabeledImages, test testSet: LabeledImages,
                    progress: (TrainingEvent) -> Void = { _ in }) throws -> [EpochSummary] {
    let size = model.config.imageSize
    for set in [trainSet, testSet] where set.rows != size || set.columns != size {
      throw TrainingError.badData(reason: "images are \(set.rows)×\(set.columns), the model expects \(size)×\(size)")
    }
    data = DatasetIdentity(train: trainSet, test: testSet)
    startEvaluation = Evaluation(model: model, images: testSet, normalization: trainer.recipe.normalization,
                                 batchSize: min(trainer.recipe.batchSize, RecipeLimits.evaluationBatch))
    return try trainer.train(on: trainSet, test: testSet, progress: progress)
  }

  /// The saved checkpoint's metadata: an ordinary run's (configuration, recipe, latest
  /// test accuracy) plus `origin` and the data it trained on.
  public var metadata: [String: String] {
    var metadata = trainer.state().metadata.filter { $0.key != TrainingState.Key.history }
    if let accuracy = trainer.history.last?.testAccuracy {
      metadata[TrainingCheckpoint.testAccuracyKey] = Format.fixed(accuracy, 4)
    }
    return metadata.merging(origin.entries) { _, new in new }.merging(data?.entries ?? [:]) { _, new in new }
  }

  /// Writes the fine-tuned weights as a `model.safetensors` (atomically).
  public func save(to url: URL) throws(CheckpointError) {
    try TrainingCheckpoint.saveModel(model, steps: trainer.step, metadata: metadata, to: url)
  }
}
