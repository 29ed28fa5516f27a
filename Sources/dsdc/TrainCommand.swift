import ArgumentParser
import DSDC
import Foundation

/// `dsdc train`.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train DSDC-Net on the full training set; checkpoints and figures go to OUTPUT/train/.",
    discussion: """
      After every epoch, OUTPUT/train/model.safetensors (loadable in PyTorch) and \
      OUTPUT/train/checkpoint.safetensors (for --resume) are replaced atomically.
      """)

  @OptionGroup var common: CommonOptions
  @OptionGroup var recipe: RecipeOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Continue the run saved in this checkpoint.safetensors. Honoured with it: --epochs (a larger total trains "
        + "further; the schedule is recomputed over it), --threads, --sample, --output, --data (must hold the run's "
        + "data). Refused if they differ from the run's recipe: --batch-size, --lr, --weight-decay, --optimizer, "
        + "--train-limit, --no-augment, --label-smoothing, --seed.",
      valueName: "file"))
  var resume: String?

  func run() throws {
    let folder = common.outputDirectory.appendingPathComponent("train")
    let session: TrainingSession
    if let resume {
      let state = try TrainingCheckpoint.loadState(from: URL(fileURLWithPath: resume))
      let saved = try state.recipe()
      let finished = try state.epochsFinished()
      try ResumePolicy.check(recipe, seed: common.seed, saved: saved, finished: finished)
      let target = recipe.epochs ?? saved.epochs
      guard finished < target else {
        emit("Nothing left to do: \(resume) has finished all \(finished) epoch(s) of its run; nothing was written.")
        var further = ["train", "--resume", resume, "--epochs", String(finished + 1)]
        if common.output != "Output" { further += ["--output", common.output] }
        if let data = common.data { further += ["--data", data] }
        emit("To train further (\(finished + 1) epochs or more): " + hintCommand(further))
        return
      }
      session = try TrainingSession(resuming: state, folder: folder, epochs: recipe.epochs, threads: recipe.threads)
    } else {
      let seed = common.seed ?? LessonSettings.defaultSeed
      session = try TrainingSession(recipe: recipe.recipe(seed: seed), folder: folder)
    }
    let data = try common.dataOption.locate()
    let dataDirectory = data.directory
    DataOption.announce(data)
    try OutputFolder.create(common.outputDirectory)
    let size = session.trainer.model.config.imageSize
    let train = try MNISTDataset.loadSplit(.train, directory: dataDirectory, imageSize: size)
    let test = try MNISTDataset.loadSplit(.test, directory: dataDirectory, imageSize: size)
    guard common.sample < test.count else {
      throw LessonError.sampleOutOfRange(sample: common.sample, count: test.count)
    }
    session.progressLine = ProgressLine.update
    session.say = emit
    // Ctrl-C (or SIGTERM): the exact command that continues this run, once it has saved an epoch.
    let again = hintCommand(Array(CommandLine.arguments.dropFirst()))
    let checkpoint = (common.output as NSString).appendingPathComponent("train/" + TrainingCheckpoint.stateFileName)
    var resumeArguments = ["train", "--resume", checkpoint, "--output", common.output]
    if let data = common.data { resumeArguments += ["--data", data] }
    if let threads = recipe.threads { resumeArguments += ["--threads", String(threads)] }
    if resume != nil, let epochs = recipe.epochs { resumeArguments += ["--epochs", String(epochs)] }
    let clear = ProgressLine.isTerminal ? "\r\u{1B}[2K" : ""
    let nothingSaved =
      resume.map { "interrupted before this run saved an epoch — \($0) is unchanged; continue with the same command: " }
      ?? "interrupted before the first epoch finished — nothing was saved, so there is nothing to resume yet; start again with: "
    Interruption.prepare(
      beforeSave: clear + nothingSaved + again + "\n",
      afterSave: clear + "interrupted — the last complete epoch is saved; continue this run with: "
        + hintCommand(resumeArguments) + "\n")
    session.checkpointSaved = Interruption.markSaved
    try session.run(train: train, test: test, lessonDigit: common.sample)
    listWrittenFiles(session.writtenFiles)
  }
}

/// The single progress line on a terminal (redrawn in place); nothing when not a
/// terminal or a dumb one (`Terminal.isInteractive`).
enum ProgressLine {
  static let isTerminal = Terminal.isInteractive(STDERR_FILENO)

  static func update(_ text: String) {
    guard isTerminal else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
  }
}

/// Ctrl-C (SIGINT) or SIGTERM during training: say how to continue, then stop with
/// status 128 + the signal's number (130, 143). Checkpoints are written atomically, so
/// the last complete one is intact.
///
/// A plain signal handler, installed before training starts and in effect at
/// once, that does only what is safe inside a signal handler: one `write` of a
/// message prepared beforehand (which of two depends on whether the run has saved a
/// checkpoint yet), then `_exit`.
enum Interruption {
  /// The messages' bytes, prepared before the handler is installed (plain pointers,
  /// nothing reference-counted, so that the handler only reads memory).
  nonisolated(unsafe) private static var beforeSave: UnsafeMutableBufferPointer<UInt8>?
  nonisolated(unsafe) private static var afterSave: UnsafeMutableBufferPointer<UInt8>?
  /// Whether the run has saved a checkpoint (the handler then writes `afterSave`).
  nonisolated(unsafe) private static var saved = false

  static func prepare(beforeSave: String, afterSave: String) {
    func buffer(_ text: String) -> UnsafeMutableBufferPointer<UInt8> {
      let bytes = Array(text.utf8)
      let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
      _ = buffer.initialize(from: bytes)
      return buffer
    }
    self.beforeSave = buffer(beforeSave)
    self.afterSave = buffer(afterSave)
    saved = false
    // A parent may have started dsdc with these signals blocked (some process
    // launchers do); the run must still stop when asked.
    var signals = sigset_t()
    sigemptyset(&signals)
    for signalNumber in [SIGINT, SIGTERM] { sigaddset(&signals, signalNumber) }
    sigprocmask(SIG_UNBLOCK, &signals, nil)
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber) { number in
        if let message = Interruption.saved ? Interruption.afterSave : Interruption.beforeSave {
          _ = write(STDERR_FILENO, message.baseAddress, message.count)
        }
        _exit(128 + number)
      }
    }
  }

  /// From now on the handler says that an epoch is saved.
  static func markSaved() { saved = true }
}
