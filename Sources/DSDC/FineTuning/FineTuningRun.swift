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
/// clothes. `scratch` draws the whole network from the same seed. `pointwise-random`
/// draws the same classifier as the other strategies, then redraws the stem and
/// depthwise kernels from the generator where it stands (a whole fresh network is
/// drawn, and its spatial kernels are kept). Shuffling and augmentation then start
/// from the seed itself, so every strategy sees the same batches in the same order.
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
  /// The evaluation before the first step, on the per-epoch test set (set by `train`).
  public private(set) var startEvaluation: Evaluation?
  /// The evaluation on the whole test set after the last epoch (set by `train`).
  public private(set) var finalEvaluation: Evaluation?
  /// The data the run trained on (set by `train`), recorded in the saved checkpoint.
  public private(set) var data: DatasetIdentity?

  /// The network being fine-tuned.
  public var model: DSDCNet { trainer.model }

  /// The fine-tuning recipe: AdamW at the default peak rate on a one-cycle schedule,
  /// batches of 64, shifts of up to 2 pixels but no rotations (clothes are photographed
  /// upright), label smoothing 0.1. (The batch is 64, not the training default's 32:
  /// the strategies were compared, and docs/fine-tuning.md's runs made, with it.)
  public static func recipe(
    epochs: Int, trainLimit: Int?, seed: UInt64, learningRate: Double = 3e-3,
    threads: Int = TrainingRecipe.defaultThreads
  ) -> TrainingRecipe {
    TrainingRecipe(
      epochs: epochs, batchSize: 64, learningRate: learningRate,
      augmentation: Augmentation(maxShift: 2, maxRotationDegrees: 0),
      seed: seed, threads: threads, trainLimit: trainLimit)
  }

  /// Loads the parent, applies `strategy`, and prepares the trainer. The recipe's
  /// normalisation is replaced by the parent's.
  /// - Parameter backboneScale: the backbone's learning rate in `full`, as a fraction
  ///   of the classifier's.
  public init(
    parent url: URL, strategy: FineTuningStrategy, task: FineTuningTask = .fashionMNIST,
    recipe: TrainingRecipe, backboneScale: Double = FineTuningStrategy.backboneLearningRateScale
  ) throws {
    let (parent, metadata) = try TrainingCheckpoint.loadModel(from: url)
    let bytes: Data
    do { bytes = try Data(contentsOf: url) } catch {
      throw CheckpointError.cannotRead(path: url.path, message: error.localizedDescription)
    }
    guard parent.config.classes == task.classNames.count else {
      throw FineTuningError.classCountMismatch(
        path: url.path, parentClasses: parent.config.classes,
        task: task.title, taskClasses: task.classNames.count)
    }
    var recipe = recipe
    recipe.normalization = TrainingCheckpoint.normalization(from: metadata)
    var generator = SeededGenerator(seed: recipe.seed)
    let model: DSDCNet
    if strategy.reusesParent {
      model = parent
      let head = Linear(
        name: "classifier", inFeatures: model.classifier.inFeatures,
        outFeatures: model.classifier.outFeatures, using: &generator)
      model.classifier.weight.assign(head.weight.value)
      model.classifier.bias.assign(head.bias.value)
      if strategy.randomizesSpatialFilters {
        let random = DSDCNet(config: parent.config, using: &generator)
        for (mine, fresh) in zip(model.parameters, random.parameters) where strategy.freezes(mine.name) {
          mine.assign(fresh.value)  // the stem and depthwise kernels
        }
      }
    } else {
      model = DSDCNet(config: parent.config, using: &generator)
    }
    strategy.apply(to: model, backboneScale: backboneScale)
    self.strategy = strategy
    self.task = task
    origin = FineTuningMetadata(
      parent: url.path, parentSHA256: Checksums.sha256Hex([UInt8](bytes)), task: task.name,
      classNames: task.classNames, strategy: strategy)
    trainer = Trainer(model: model, recipe: recipe, generator: SeededGenerator(seed: recipe.seed))
  }

  /// Re-estimates the BatchNorm statistics if the strategy asks (on the recipe's
  /// training images, unaugmented), evaluates the starting point, then trains every
  /// epoch of the recipe, evaluating `epochTest` after each and `test` after the last.
  /// - Parameters:
  ///   - epochTest: the images scored after every epoch (and before the first); nil
  ///     means `test`. A fixed subset keeps the per-epoch curve cheap.
  @discardableResult
  public func train(
    on trainSet: LabeledImages, test testSet: LabeledImages, epochTest: LabeledImages? = nil,
    progress: (TrainingEvent) -> Void = { _ in }
  ) throws -> [EpochSummary] {
    let recipe = trainer.recipe
    let size = model.config.imageSize
    for set in [trainSet, testSet] + (epochTest.map { [$0] } ?? []) where set.rows != size || set.columns != size {
      throw TrainingError.badData(reason: "images are \(set.rows)×\(set.columns), the model expects \(size)×\(size)")
    }
    data = DatasetIdentity(train: trainSet, test: testSet)
    let batchSize = min(recipe.batchSize, RecipeLimits.evaluationBatch)
    if strategy.reestimatesBatchNormStatistics {
      model.reestimateBatchNormStatistics(
        on: trainSet.prefix(recipe.trainLimit), normalization: recipe.normalization, batchSize: recipe.batchSize)
    }
    let monitor = epochTest ?? testSet
    startEvaluation = Evaluation(
      model: model, images: monitor, normalization: recipe.normalization, batchSize: batchSize)
    var last: Evaluation?
    let history = try trainer.train(on: trainSet, test: monitor) { event in
      if case .epochEnded(_, let evaluation) = event { last = evaluation }
      progress(event)
    }
    if epochTest == nil {
      finalEvaluation = last
    } else {
      finalEvaluation = Evaluation(
        model: model, images: testSet, normalization: recipe.normalization, batchSize: batchSize)
    }
    return history
  }

  /// The saved checkpoint's metadata: an ordinary run's (configuration, recipe, final
  /// test accuracy) plus `origin` and the data it trained on.
  public var metadata: [String: String] {
    var metadata = trainer.state().metadata.filter { $0.key != TrainingState.Key.history }
    if let accuracy = finalEvaluation?.accuracy ?? trainer.history.last?.testAccuracy {
      metadata[TrainingCheckpoint.testAccuracyKey] = Format.fixed(accuracy, 4)
    }
    return metadata.merging(origin.entries) { _, new in new }.merging(data?.entries ?? [:]) { _, new in new }
  }

  /// Writes the fine-tuned weights as a `model.safetensors` (atomically).
  public func save(to url: URL) throws(CheckpointError) {
    try TrainingCheckpoint.saveModel(model, steps: trainer.step, metadata: metadata, to: url)
  }
}
