/// What can stop a fine-tuning run before it starts. Each description is one line
/// naming the file or folder and the fix.
public enum FineTuningError: Error, CustomStringConvertible, Equatable {
  /// The new task's dataset is not installed where dsdc looked.
  case datasetMissing(task: String, path: String, aptPackage: String)
  /// There is no trained model to start from; `train` is the command that trains one,
  /// typed as the tool was started.
  case parentMissing(path: String, train: String)
  /// A model is asked to be scored on the test set of another task.
  case wrongTestSet(checkpoint: String, trainedOn: String, data: String, holds: String)
  /// The parent's classifier has another number of classes than the new task.
  case classCountMismatch(path: String, parentClasses: Int, task: String, taskClasses: Int)

  public var description: String {
    switch self {
    case .datasetMissing(let task, let path, let aptPackage):
      return
        "\(task) not found in \(path) — install it with: sudo apt-get install \(aptPackage) (or pass --finetune-data DIR)"
    case .parentMissing(let path, let train):
      return "no trained model at \(path) — HINT: train one first (\(train)), or pass --checkpoint FILE"
    case .wrongTestSet(let checkpoint, let trainedOn, let data, let holds):
      return
        "\(checkpoint) was trained on \(trainedOn), but \(data) holds the \(holds) test set — HINT: leave out --data to use \(trainedOn)'s, or pass a checkpoint trained on \(holds)"
    case .classCountMismatch(let path, let parentClasses, let task, let taskClasses):
      return
        "\(path) classifies \(parentClasses) classes, \(task) has \(taskClasses) — HINT: start from a DSDC-Net trained with \(taskClasses) classes"
    }
  }
}
