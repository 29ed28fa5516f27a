/// Everything that decides a training run. Two runs with the same recipe (and the
/// same data) produce bit-identical weights and metrics.
///
/// The defaults are the recipe chosen by measurement on full MNIST (see the
/// course's training notes): they reach ≥ 99.4% test accuracy in under five minutes
/// on two cores.
public struct TrainingRecipe: Sendable, Codable, Hashable {
  /// Passes over the training images.
  public var epochs: Int
  /// Images per optimisation step (the last batch of an epoch may be smaller).
  public var batchSize: Int
  /// AdamW or SGD with momentum, with their constants.
  public var optimizer: OptimizerKind
  /// The peak learning rate of the schedule (the rate itself for `.constant`).
  public var learningRate: Double
  /// AdamW's decoupled decay, or SGD's L2 decay; applied to every parameter.
  public var weightDecay: Double
  /// How the learning rate moves over the run's steps.
  public var schedule: LearningRateSchedule
  /// Random shifts/rotations of the training images; nil trains on them unchanged.
  public var augmentation: Augmentation?
  /// Seeds every random choice: initial weights, shuffling, augmentation.
  public var seed: UInt64
  /// Threads for the convolution kernels and element-wise layers. Results are
  /// bit-identical for the same thread count.
  public var threads: Int
  /// Train on the first `trainLimit` training images only (nil: all) — for quick trials.
  public var trainLimit: Int?
  /// Pixel normalisation `(p/255 − μ)/σ`, also needed at inference.
  public var normalization: Normalization

  public init(
    epochs: Int = 8,
    batchSize: Int = 64,
    optimizer: OptimizerKind = .adamW(),
    learningRate: Double = 3e-3,
    weightDecay: Double = 0.05,
    schedule: LearningRateSchedule = .oneCycle(),
    augmentation: Augmentation? = Augmentation(maxShift: 2),
    seed: UInt64 = 1,
    threads: Int = 2,
    trainLimit: Int? = nil,
    normalization: Normalization = .mnist
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.optimizer = optimizer
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.schedule = schedule
    self.augmentation = augmentation
    self.seed = seed
    self.threads = threads
    self.trainLimit = trainLimit
    self.normalization = normalization
  }

  /// Checks the numbers, naming the first bad one.
  public func validate() throws(TrainingError) {
    func bad(_ reason: String) -> TrainingError { .badData(reason: "recipe: \(reason)") }
    guard epochs > 0 else { throw bad("epochs must be positive, got \(epochs)") }
    guard batchSize > 1 else { throw bad("batch size must be at least 2 (BatchNorm needs a batch), got \(batchSize)") }
    guard learningRate > 0, learningRate.isFinite else { throw bad("learning rate must be positive, got \(learningRate)") }
    guard weightDecay >= 0 else { throw bad("weight decay must be ≥ 0, got \(weightDecay)") }
    guard threads > 0 else { throw bad("threads must be positive, got \(threads)") }
    if let trainLimit, trainLimit < 2 { throw bad("train limit must be at least 2, got \(trainLimit)") }
  }

  /// Optimisation steps in one epoch over `count` images: `⌈count / batchSize⌉`.
  public func stepsPerEpoch(trainingImages count: Int) -> Int {
    (count + batchSize - 1) / batchSize
  }
}
