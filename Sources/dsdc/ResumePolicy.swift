import DSDC
import Foundation

/// What `dsdc train --resume` does with the other flags. A resumed run keeps its
/// recipe, so that it continues bit for bit:
///
/// | flag | with --resume |
/// |---|---|
/// | `--epochs N` | honoured: trains on up to N epochs in all (N ≥ the epochs done; the schedule is recomputed over N from the current step) |
/// | `--threads`, `--sample`, `--output` | honoured (the same thread count keeps the continuation bit-identical) |
/// | `--data` | honoured if it holds the run's data (checked by checksum), refused otherwise |
/// | `--batch-size`, `--lr`, `--weight-decay`, `--optimizer`, `--train-limit`, `--no-augment`, `--label-smoothing`, `--seed` | refused when they differ from the run's recipe |
enum ResumePolicy {
  /// Throws for the first flag that differs from the resumed run's recipe.
  static func check(_ options: RecipeOptions, seed: UInt64?, saved: TrainingRecipe, finished: Int) throws(ResumeError) {
    func differs(_ flag: String, _ given: String?, _ recorded: String) throws(ResumeError) {
      if let given, given != recorded { throw .flagDiffers(flag: flag, given: given, recorded: recorded) }
    }
    try differs("--batch-size", options.batchSize.map(String.init), String(saved.batchSize))
    try differs("--lr", options.lr.map { "\($0)" }, "\(saved.learningRate)")
    try differs("--weight-decay", options.weightDecay.map { "\($0)" }, "\(saved.weightDecay)")
    try differs("--optimizer", options.optimizer?.rawValue, OptimizerOption(saved.optimizer).rawValue)
    try differs("--train-limit", options.trainLimit.map(String.init), saved.trainLimit.map(String.init) ?? "all images")
    try differs("--no-augment", options.noAugment ? "given" : nil, saved.augmentation == nil ? "given" : "not given")
    try differs("--label-smoothing", options.labelSmoothing.map { "\($0)" }, "\(saved.labelSmoothing)")
    try differs("--seed", seed.map(String.init), String(saved.seed))
    if let epochs = options.epochs, epochs < finished {
      throw .fewerEpochs(given: epochs, finished: finished)
    }
  }
}

/// A flag that `dsdc train --resume` refuses (see `ResumePolicy`).
enum ResumeError: OneLineError {
  /// The flag's value differs from the resumed run's recipe.
  case flagDiffers(flag: String, given: String, recorded: String)
  /// `--epochs` asks for fewer epochs than the run has finished.
  case fewerEpochs(given: Int, finished: Int)

  var description: String {
    switch self {
    case .flagDiffers(let flag, let given, let recorded):
      return "\(flag) \(given) differs from the resumed run's \(recorded); a resumed run keeps its recipe — "
        + "HINT: leave out \(flag), or start a new run in another folder with --output DIR"
    case .fewerEpochs(let given, let finished):
      return "--epochs \(given) is fewer than the \(finished) epoch(s) the run has finished — "
        + "HINT: pass a larger --epochs to train further, or leave it out"
    }
  }
}
