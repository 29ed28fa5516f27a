/// What can stop training or a resume. Each description is one line with a hint.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
  /// The loss became NaN or infinite at this optimisation step.
  case nonFiniteLoss(epoch: Int, step: Int, loss: Float)
  /// A saved training state cannot be resumed.
  case badState(reason: String)
  /// The training images are unusable (none, or not the size the model expects).
  case badData(reason: String)

  public var description: String {
    switch self {
    case .nonFiniteLoss(let epoch, let step, let loss):
      return
        "loss became \(loss) at step \(step) (epoch \(epoch)) — HINT: lower the learning rate or the weight decay; the last checkpoint before it is intact"
    case .badState(let reason):
      return
        "cannot resume training: \(reason) — HINT: resume from a checkpoint written by `dsdc train` with the same model configuration"
    case .badData(let reason):
      return "cannot train: \(reason) — HINT: train on MNIST's 28×28 images (see --data)"
    }
  }
}
