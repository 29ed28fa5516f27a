/// The ranges a training recipe's numbers must lie in. The command line checks its
/// options against the same ranges (`dsdc train --epochs 0` and a checkpoint whose
/// `dsdc.recipe` says `"epochs": 0` are refused by one rule), and every number is
/// bounded above as well as below, so no product of them can overflow or allocate
/// without limit:
/// ```
/// epochs ≤ 1000, batch ≤ 512, train limit ≤ 10⁷  →  steps = epochs · ⌈limit / batch⌉ ≤ 10¹⁰
/// ```
public enum RecipeLimits {
  /// Passes over the training set.
  public static let epochs = 1...1_000
  /// Images per optimisation step (BatchNorm needs two). The largest activation is
  /// (B, 64, 28, 28) floats, 200 KB per image: 512 keeps each such tensor near 100 MB.
  public static let batchSize = 2...512
  /// `--train-limit`: the first N training images.
  public static let trainLimit = 2...10_000_000
  /// Worker threads.
  public static let threads = 1...64
  /// Largest shift of the augmentation, in pixels.
  public static let maxShift = 0...14
  /// Largest rotation of the augmentation, in degrees either way.
  public static let maxRotationDegrees = 0.0...180.0
  /// The peak learning rate.
  public static let learningRate = NumberInterval.open(0, 10)
  /// Weight decay.
  public static let weightDecay = NumberInterval.closedOpen(0, 1)
  /// Label smoothing ε.
  public static let labelSmoothing = NumberInterval.closedOpen(0, 1)
  /// Images per evaluation batch, whatever the training batch: evaluation needs no
  /// batch statistics, so its memory stays bounded by this.
  public static let evaluationBatch = 256
  /// The normalisation's σ (pixels scaled to [0, 1] have σ ≤ 0.5); μ lies in [0, 1].
  public static let normalizationStd = 1e-3...1.0
}

extension TrainingRecipe {
  /// Checks every number against `RecipeLimits`, naming the first bad one. A recipe
  /// decoded from a checkpoint is checked with this before anything is allocated.
  public func validate() throws(TrainingError) {
    func bad(_ reason: String) -> TrainingError { .badData(reason: "recipe: \(reason)") }
    func within<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ name: String) throws(TrainingError) {
      guard range.contains(value) else {
        throw bad("\(name) must be \(range.lowerBound)…\(range.upperBound), got \(value)")
      }
    }
    func inside(_ value: Double, _ interval: NumberInterval, _ name: String) throws(TrainingError) {
      guard interval.contains(value) else { throw bad("\(name) must be in \(interval), got \(value)") }
    }
    try within(epochs, RecipeLimits.epochs, "epochs")
    try within(batchSize, RecipeLimits.batchSize, "batch size")
    try within(threads, RecipeLimits.threads, "threads")
    if let trainLimit { try within(trainLimit, RecipeLimits.trainLimit, "train limit") }
    try inside(learningRate, RecipeLimits.learningRate, "learning rate")
    try inside(weightDecay, RecipeLimits.weightDecay, "weight decay")
    try inside(labelSmoothing, RecipeLimits.labelSmoothing, "label smoothing")
    if let augmentation {
      try within(augmentation.maxShift, RecipeLimits.maxShift, "augmentation shift")
      try within(augmentation.maxRotationDegrees, RecipeLimits.maxRotationDegrees, "augmentation rotation")
    }
    guard normalization.mean >= 0, normalization.mean <= 1 else {
      throw bad("normalisation mean must be 0…1, got \(normalization.mean)")
    }
    try within(Double(normalization.std), RecipeLimits.normalizationStd, "normalisation σ")
    switch optimizer {
    case .adamW(let beta1, let beta2, let epsilon):
      guard beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1, epsilon > 0, epsilon <= 1 else {
        throw bad("AdamW needs β₁, β₂ in [0, 1) and ε in (0, 1], got \(beta1), \(beta2), \(epsilon)")
      }
    case .sgd(let momentum, _):
      guard momentum >= 0, momentum < 1 else { throw bad("SGD momentum must be in [0, 1), got \(momentum)") }
    }
    switch schedule {
    case .constant:
      break
    case .oneCycle(let warmupFraction, let divFactor, let finalDivFactor):
      guard warmupFraction >= 0, warmupFraction <= 1, divFactor >= 1, divFactor <= 1e6,
        finalDivFactor >= 1, finalDivFactor <= 1e8
      else {
        throw bad(
          "one-cycle schedule needs warm-up 0…1 and factors 1…10⁶ / 1…10⁸, "
            + "got \(warmupFraction), \(divFactor), \(finalDivFactor)")
      }
    case .cosine(let warmupFraction, let minimumFactor):
      guard warmupFraction >= 0, warmupFraction <= 1, minimumFactor >= 0, minimumFactor <= 1 else {
        throw bad("cosine schedule needs warm-up and minimum factor 0…1, got \(warmupFraction), \(minimumFactor)")
      }
    }
  }
}
