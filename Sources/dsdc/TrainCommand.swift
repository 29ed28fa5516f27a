import ArgumentParser
import DSDC
import Foundation

/// Training knobs shared by `dsdc train` and the training lesson.
struct RecipeOptions: ParsableArguments {
  @Option(name: .long, help: "Passes over the training set (default 9).")
  var epochs: Int?

  @Option(name: .customLong("batch-size"), help: "Images per optimisation step (default 64).")
  var batchSize: Int?

  @Option(name: .long, help: "Peak learning rate (default 3e-3 for AdamW, 0.1 for SGD).")
  var lr: Double?

  @Option(name: .customLong("weight-decay"), help: "Weight decay (default 0.05 for AdamW, 5e-4 for SGD).")
  var weightDecay: Double?

  @Option(name: .long, help: "Optimiser: adamw or sgd (SGD with Nesterov momentum 0.9).")
  var optimizer: String = "adamw"

  @Option(name: .customLong("train-limit"), help: ArgumentHelp("Train on the first N images only (quick runs).", valueName: "n"))
  var trainLimit: Int?

  @Flag(name: .customLong("no-augment"), help: "Train on the images unchanged (default: random shifts of up to 2 pixels and rotations of up to 10°).")
  var noAugment = false

  @Option(name: .customLong("label-smoothing"), help: "Label smoothing ε of the training loss (default 0.1; 0 = plain cross-entropy).")
  var labelSmoothing: Double?

  @Option(name: .long, help: "Worker threads (results are bit-identical for the same count).")
  var threads: Int = 2

  func validate() throws {
    if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    if let batchSize, batchSize < 2 { throw ValidationError("--batch-size must be at least 2, got \(batchSize)") }
    if let lr, !(lr > 0 && lr < 10) { throw ValidationError("--lr must be in (0, 10), got \(lr)") }
    if let weightDecay, !(weightDecay >= 0 && weightDecay < 1) { throw ValidationError("--weight-decay must be in [0, 1), got \(weightDecay)") }
    if let trainLimit, trainLimit < 2 { throw ValidationError("--train-limit must be at least 2, got \(trainLimit)") }
    if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) {
      throw ValidationError("--label-smoothing must be in [0, 1), got \(labelSmoothing)")
    }
    guard ["adamw", "sgd"].contains(optimizer) else { throw ValidationError("--optimizer must be adamw or sgd, got \(optimizer)") }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1…64, got \(threads)") }
  }

  func recipe(seed: UInt64) -> TrainingRecipe {
    var recipe = TrainingRecipe()
    recipe.seed = seed
    recipe.threads = threads
    if let epochs { recipe.epochs = epochs }
    if let batchSize { recipe.batchSize = batchSize }
    if optimizer == "sgd" {
      recipe.optimizer = .sgd()
      recipe.learningRate = 0.1
      recipe.weightDecay = 5e-4
    }
    if let lr { recipe.learningRate = lr }
    if let weightDecay { recipe.weightDecay = weightDecay }
    recipe.trainLimit = trainLimit
    if noAugment { recipe.augmentation = nil }
    if let labelSmoothing { recipe.labelSmoothing = labelSmoothing }
    return recipe
  }
}

/// `dsdc train`.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train DSDC-Net on the full training set; checkpoints and figures go to OUTPUT/train/.",
    discussion: """
      After every epoch, OUTPUT/train/model.safetensors (loadable in PyTorch) and
      OUTPUT/train/checkpoint.safetensors (for --resume) are replaced atomically.
      """)

  @OptionGroup var common: CommonOptions
  @OptionGroup var recipe: RecipeOptions

  @Option(name: .long, help: ArgumentHelp("Continue the run saved in this checkpoint.safetensors.", valueName: "file"))
  var resume: String?

  func run() throws {
    try OutputFolder.create(common.outputDirectory)
    let folder = common.outputDirectory.appendingPathComponent("train")
    let train = try MNISTDataset.loadSplit(.train, directory: common.dataDirectory)
    let test = try MNISTDataset.loadSplit(.test, directory: common.dataDirectory)
    guard common.sample < test.count else { throw LessonError.sampleOutOfRange(sample: common.sample, count: test.count) }
    let session = try TrainingSession(recipe: recipe.recipe(seed: common.seed), folder: folder,
                                      resume: resume.map { URL(fileURLWithPath: $0) })
    session.progressLine = ProgressLine.update
    session.say = emit
    Interruption.onInterrupt(say: (ProgressLine.isTerminal ? "\r\u{1B}[2K" : "")
      + "interrupted — the last complete epoch is saved; continue with: dsdc train --resume \(session.checkpointURL.path)\n")
    try session.run(train: train, test: test, lessonDigit: common.sample)
    listWrittenFiles(session.writtenFiles)
  }
}

/// The single progress line on a terminal (redrawn in place); nothing when not a terminal.
enum ProgressLine {
  static let isTerminal = isatty(STDERR_FILENO) == 1

  static func update(_ text: String) {
    guard isTerminal else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
  }
}

/// Ctrl-C during training: say where to resume, then stop with status 130
/// (checkpoints are written atomically, so the last complete one is intact).
///
/// A plain signal handler, installed before training starts and in effect at
/// once, that does only what is safe inside a signal handler: one `write` of a
/// message prepared beforehand, then `_exit`.
enum Interruption {
  /// The message's bytes, prepared before the handler is installed.
  nonisolated(unsafe) private static var message: UnsafeMutableBufferPointer<UInt8>?

  static func onInterrupt(say text: String) {
    let bytes = Array(text.utf8)
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
    _ = buffer.initialize(from: bytes)
    message = buffer
    signal(SIGINT) { _ in
      if let message = Interruption.message { _ = write(STDERR_FILENO, message.baseAddress, message.count) }
      _exit(130)
    }
  }
}
