import ArgumentParser
import DSDC
import Foundation

/// `dsdc model`: the network's table, computed from the model itself.
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Print DSDC-Net layer by layer: output shape, parameters, multiply-adds, receptive field.")

  func run() throws {
    var generator = SeededGenerator(seed: 0)
    let model = DSDCNet(using: &generator)
    print(model.summary.table)
  }
}

/// `--checkpoint`: the trained model `evaluate` and `predict` use.
struct CheckpointOption: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "A model.safetensors or checkpoint.safetensors. (default: OUTPUT/train/model.safetensors)", valueName: "file"))
  var checkpoint: String?

  /// The file named, or `dsdc train`'s model in `outputDirectory`.
  func url(outputDirectory: URL) -> URL {
    checkpoint.map { URL(fileURLWithPath: $0) }
      ?? outputDirectory.appendingPathComponent("train").appendingPathComponent(TrainingCheckpoint.modelFileName)
  }

  /// Loads the model; `train` is the command that would write the default one (for the hint).
  func load(outputDirectory: URL, train: [String]) throws -> (model: DSDCNet, metadata: [String: String], url: URL) {
    let url = url(outputDirectory: outputDirectory)
    if checkpoint == nil && InputFile.isMissing(url.path) {
      throw ToolError.noTrainedModel(path: url.path, train: hintCommand(train))
    }
    let (model, metadata) = try TrainingCheckpoint.loadModel(from: url)
    model.threads = TrainingRecipe.defaultThreads
    return (model, metadata, url)
  }
}

/// The tool's own refusals, each one line naming the problem and the fix.
enum ToolError: OneLineError {
  /// No `--checkpoint` and no trained model in the output folder.
  case noTrainedModel(path: String, train: String)
  /// A lesson of the run cannot start (its dataset is missing): said before the first lesson.
  case lessonCannotRun(lesson: Int, reason: String, others: String)

  var description: String {
    switch self {
    case .noTrainedModel(let path, let train):
      return "no trained model at \(path) — HINT: train one with `\(train)`, or pass --checkpoint FILE"
    case .lessonCannotRun(let lesson, let reason, let others):
      return "lesson \(lesson) could not start: \(reason); or run the lessons before it: \(others)"
    }
  }
}
