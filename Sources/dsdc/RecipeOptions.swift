import ArgumentParser
import DSDC

/// Training knobs of `dsdc train`. Each option's default and range are the recipe's
/// (`TrainingRecipe()`, `RecipeLimits`): `RecipeHelp` states them from there,
/// `validate()` checks against them, and `recipe(seed:)` starts from the defaults.
struct RecipeOptions: ParsableArguments {
  @Option(name: .long, help: RecipeHelp.epochs)
  var epochs: Int?

  @Option(name: .customLong("batch-size"), help: RecipeHelp.batchSize)
  var batchSize: Int?

  @Option(name: .long, help: RecipeHelp.learningRate)
  var lr: Double?

  @Option(name: .customLong("weight-decay"), help: RecipeHelp.weightDecay)
  var weightDecay: Double?

  @Option(name: .long, help: RecipeHelp.optimizer)
  var optimizer: OptimizerOption?

  @Option(name: .customLong("train-limit"), help: RecipeHelp.trainLimit)
  var trainLimit: Int?

  @Flag(name: .customLong("no-augment"), help: RecipeHelp.noAugment)
  var noAugment = false

  @Option(name: .customLong("label-smoothing"), help: RecipeHelp.labelSmoothing)
  var labelSmoothing: Double?

  @Option(name: .long, help: RecipeHelp.threads)
  var threads: Int?

  func validate() throws {
    try checkBounds(epochs, "--epochs", RecipeLimits.epochs)
    try checkBounds(batchSize, "--batch-size", RecipeLimits.batchSize)
    try checkBounds(lr, "--lr", RecipeLimits.learningRate)
    try checkBounds(weightDecay, "--weight-decay", RecipeLimits.weightDecay)
    try checkBounds(trainLimit, "--train-limit", RecipeLimits.trainLimit)
    try checkBounds(labelSmoothing, "--label-smoothing", RecipeLimits.labelSmoothing)
    try checkBounds(threads, "--threads", RecipeLimits.threads)
  }

  /// The default recipe with the options given: a named optimiser brings its own
  /// learning rate and weight decay, which `--lr` and `--weight-decay` then override.
  func recipe(seed: UInt64) -> TrainingRecipe {
    var recipe = TrainingRecipe()
    recipe.seed = seed
    if let threads { recipe.threads = threads }
    if let epochs { recipe.epochs = epochs }
    if let batchSize { recipe.batchSize = batchSize }
    if let optimizer {
      recipe.optimizer = optimizer.kind
      recipe.learningRate = optimizer.kind.defaultLearningRate
      recipe.weightDecay = optimizer.kind.defaultWeightDecay
    }
    if let lr { recipe.learningRate = lr }
    if let weightDecay { recipe.weightDecay = weightDecay }
    recipe.trainLimit = trainLimit
    if noAugment { recipe.augmentation = nil }
    if let labelSmoothing { recipe.labelSmoothing = labelSmoothing }
    return recipe
  }
}

/// The help of `RecipeOptions`, each default and range read from the recipe
/// (`TrainingRecipe()`, `OptimizerKind.defaultLearningRate`, `RecipeLimits`).
enum RecipeHelp {
  /// The recipe an option left out keeps.
  private static let defaults = TrainingRecipe()
  private static let augmentation = defaults.augmentation ?? Augmentation()

  static let epochs = ArgumentHelp(
    "Passes over the training set, \(RecipeLimits.epochs.help). (default: \(defaults.epochs))")
  static let batchSize = ArgumentHelp(
    "Images per optimisation step, \(RecipeLimits.batchSize.help). (default: \(defaults.batchSize))")
  static let learningRate = ArgumentHelp(
    "Peak learning rate, in \(RecipeLimits.learningRate). (default: \(perOptimizer(\.defaultLearningRate)))")
  static let weightDecay = ArgumentHelp(
    "Weight decay, in \(RecipeLimits.weightDecay). (default: \(perOptimizer(\.defaultWeightDecay)))")
  static let optimizer = ArgumentHelp(
    "Optimiser: \(OptimizerOption.allCases.map(\.help).joined(separator: ", or ")). "
      + "(default: \(OptimizerOption(defaults.optimizer).rawValue))")
  static let trainLimit = ArgumentHelp(
    "Train on the first N images only, \(RecipeLimits.trainLimit.help), for quick runs. (default: all)",
    valueName: "n")
  static let noAugment = ArgumentHelp(
    "Train on the images unchanged, without the random shifts of up to \(augmentation.maxShift) pixels "
      + "and rotations of up to \(Format.short(augmentation.maxRotationDegrees))°.")
  static let labelSmoothing = ArgumentHelp(
    "Label smoothing ε of the training loss, in \(RecipeLimits.labelSmoothing); 0 is plain cross-entropy. "
      + "(default: \(Format.short(defaults.labelSmoothing)))")
  static let threads = ArgumentHelp(
    "Worker threads, \(RecipeLimits.threads.help); the same count gives bit-identical results. "
      + "(default: \(defaults.threads))")

  /// A default of each optimiser: `0.003 for AdamW, 0.1 for SGD+Nesterov`.
  private static func perOptimizer(_ value: (OptimizerKind) -> Double) -> String {
    OptimizerOption.allCases.map { "\(Format.short(value($0.kind))) for \($0.kind.name)" }.joined(separator: ", ")
  }
}
