import Foundation

/// One complete training run as `dsdc train` and lesson 8 perform it: train with a
/// recipe (or resume a saved run), keep `model.safetensors` and
/// `checkpoint.safetensors` up to date after every epoch, record every step's loss and
/// learning rate (`steps.csv`, also kept inside the checkpoint so a resumed run continues it),
/// report progress, and at the end write the metrics and the figures into one folder
/// (`Output/train/`).
public final class TrainingSession {
  /// The folder everything is written to.
  public let folder: URL
  /// The trainer (its model is the network being trained).
  public let trainer: Trainer
  /// Lines for the log (per-epoch results, the summary, files written).
  public var say: (String) -> Void = { print($0) }
  /// Columns the long lines (recipe, readiness) are wrapped to: 100, less the indent a
  /// caller puts before each line it is handed (lesson 8 indents by 2).
  public var lineWidth = 80
  /// The in-place progress line (images/s, ETA, running loss and accuracy).
  public var progressLine: (String) -> Void = { _ in }
  /// Every file written, in order.
  public private(set) var writtenFiles: [URL] = []
  /// The last test evaluation.
  public private(set) var lastEvaluation: Evaluation?
  /// Called after both checkpoint files of an epoch are saved.
  public var checkpointSaved: () -> Void = {}
  /// Every optimisation step of the run so far, from step 1 (a resumed run starts with
  /// the rows its checkpoint holds, when they match it).
  public private(set) var steps: [StepRecord] = []
  /// Every line said, for the run's record (`run.json`, shown by the report page).
  private var transcript: [String] = []
  /// The data a resumed run trained on (nil for a new run or an older checkpoint).
  private let resumedData: DatasetIdentity?
  /// The data this run trains on (set by `run`).
  private var data: DatasetIdentity?
  /// The per-step record a resumed checkpoint holds (`TrainingState.Key.steps`), if any.
  private let resumedSteps: String?

  /// A new run from `recipe`, or a resumed one if `resume` names a checkpoint.
  public convenience init(recipe: TrainingRecipe, folder: URL, resume: URL? = nil) throws {
    if let resume {
      try self.init(resuming: try TrainingCheckpoint.loadState(from: resume), folder: folder)
    } else {
      self.init(trainer: Trainer(recipe: recipe), folder: folder, resumedData: nil, resumedSteps: nil)
    }
  }

  /// Continues the run saved in `state`, optionally to a larger number of `epochs`
  /// or on another number of `threads` (see `Trainer.init(resuming:epochs:threads:)`).
  public convenience init(resuming state: TrainingState, folder: URL, epochs: Int? = nil, threads: Int? = nil) throws {
    self.init(
      trainer: try Trainer(resuming: state, epochs: epochs, threads: threads), folder: folder,
      resumedData: DatasetIdentity(metadata: state.metadata), resumedSteps: state.metadata[TrainingState.Key.steps])
  }

  private init(trainer: Trainer, folder: URL, resumedData: DatasetIdentity?, resumedSteps: String?) {
    self.trainer = trainer
    self.folder = folder
    self.resumedData = resumedData
    self.resumedSteps = resumedSteps
  }

  /// Where `--resume` continues from.
  public var checkpointURL: URL { folder.appendingPathComponent(TrainingCheckpoint.stateFileName) }
  /// The weights-only file PyTorch loads.
  public var modelURL: URL { folder.appendingPathComponent(TrainingCheckpoint.modelFileName) }
  /// The per-step record, written after every checkpoint.
  public var stepsURL: URL { folder.appendingPathComponent(StepLog.fileName) }

  /// Trains the remaining epochs, saving after each, then writes metrics and figures.
  /// - Parameter lessonDigit: a test image index whose activations are drawn.
  public func run(train: LabeledImages, test: LabeledImages, lessonDigit: Int) throws {
    try OutputFolder.create(folder)
    // One run per folder: a second one stops here, before it removes or writes anything.
    let lock = try FolderLock(folder)
    defer { lock.release() }
    let data = DatasetIdentity(train: train, test: test)
    if let resumedData, resumedData.sha256 != data.sha256 {
      throw TrainingError.badState(
        reason: "the run trained on \(resumedData.title), but the data given is \(data.title)")
    }
    self.data = data
    // A run killed while writing a checkpoint leaves its temporary file; the last
    // complete checkpoint is intact, the temporary one is garbage.
    let leftovers = AtomicFile.removeLeftovers(of: checkpointURL.path) + AtomicFile.removeLeftovers(of: modelURL.path)
    let recipe = trainer.recipe
    let count = min(recipe.trainLimit ?? train.count, train.count)
    // One sentence, wrapped to the columns every printed line keeps to.
    let recipeLine =
      "Recipe: \(recipe.epochs) epoch\(recipe.epochs == 1 ? "" : "s") × \(count) images, batch \(recipe.batchSize), \(recipe.optimizer.name) peak lr \(recipe.learningRate), weight decay \(recipe.weightDecay), \(recipe.schedule.name) schedule, augmentation \(recipe.augmentation.map { "shift ±\($0.maxShift) px" + ($0.maxRotationDegrees > 0 ? ", rotation ±\(Int($0.maxRotationDegrees))°" : "") } ?? "off"), label smoothing \(recipe.labelSmoothing), seed \(recipe.seed), \(recipe.threads) thread(s)"
    for line in Format.wrap(recipeLine, width: lineWidth) { log(line) }
    for line in lossExplanation() { log(line) }
    if trainer.epoch > 0 {
      log("Resuming after epoch \(trainer.epoch) (step \(trainer.step)).")
      continueSteps(imagesPerEpoch: count)
    }
    if leftovers > 0 { log("Removed \(leftovers) temporary file(s) left by an interrupted checkpoint write.") }
    let started = Date()
    let meter = TrainingProgressMeter(
      epochs: recipe.epochs, batchSize: recipe.batchSize, testImages: test.count, draw: progressLine)
    if trainer.epoch < recipe.epochs { log(Self.epochHeader(epochs: recipe.epochs)) }
    // Epoch by epoch, so that a checkpoint that cannot be saved stops the run at once.
    while trainer.epoch < recipe.epochs {
      let summary = try trainer.trainEpoch(on: train, test: test) { event in
        meter.record(event)
        switch event {
        case .batch(let p):
          let (_, seen) = StepRecord.position(step: p.step, imagesPerEpoch: count, batchSize: recipe.batchSize)
          steps.append(
            StepRecord(epoch: p.epoch, step: p.step, imagesSeen: seen, loss: p.loss, learningRate: p.learningRate))
        case .epochEnded(let summary, let evaluation):
          lastEvaluation = evaluation
          log(Self.epochRow(summary, epochs: recipe.epochs))
        }
      }
      try saveCheckpoints(testAccuracy: summary.testAccuracy)
      // After the checkpoint, which holds the same rows: a run stopped in between loses nothing.
      try OutputFolder.writeAtomically(Data(StepLog.csv(steps).utf8), to: stepsURL)
    }
    try writeResults(test: test, lessonDigit: lessonDigit)
    let seconds = Date().timeIntervalSince(started)
    let history = trainer.history
    if let last = history.last {
      let images = history.reduce(0.0) { $0 + $1.imagesPerSecond * $1.trainSeconds }
      let trainTime = history.reduce(0.0) { $0 + $1.trainSeconds }
      let accuracy = Format.fixed((last.testAccuracy ?? 0) * 100, 2)
      let done =
        "Done: final test accuracy \(accuracy)% (epoch \(last.epoch), the last; "
        + "no epoch is picked by test accuracy)."
      for line in Format.wrap(done, width: lineWidth) { log(line) }
      let rate = Int(images / max(trainTime, 1e-9))
      log("This run took \(Format.fixed(seconds, 1)) s, training at \(rate) images/s.")
      if let readiness { for line in Format.wrap(readiness.line, width: lineWidth) { log(line) } }
    }
    try saveRecord(imagesPerEpoch: count, trainingImages: train.count)
  }

  /// Starts a resumed run's step record with the rows its checkpoint holds, if they
  /// match it (`StepLog.continuation`); otherwise says so, and the record starts at the
  /// first step trained now.
  private func continueSteps(imagesPerEpoch: Int) {
    do {
      guard let resumedSteps else { throw StepLogError.missing }
      steps = try StepLog.continuation(
        try StepLog.parse(resumedSteps), step: trainer.step, history: trainer.history,
        imagesPerEpoch: imagesPerEpoch, batchSize: trainer.recipe.batchSize)
      log("Continuing \(StepLog.fileName) from the checkpoint's \(steps.count) steps.")
    } catch {
      steps = []
      log("⚠ \(StepLog.fileName) is not continued from the checkpoint's \(trainer.step) steps:")
      log("  \(error);")
      log("  this run's \(StepLog.fileName) and its per-step figure start at step \(trainer.step + 1).")
    }
  }

  /// The header of the epoch table, its columns as wide as `epochRow`'s.
  public static func epochHeader(epochs: Int) -> String {
    let names = ["train loss", "train acc", "test loss", "test acc", "img/s", "seconds"]
    return zip(names, epochColumns).reduce(pad("", to: epochLabelWidth(epochs))) { $0 + pad($1.0, to: $1.1) }
  }

  /// One epoch's row: loss and accuracy on the training images (as the epoch went) and on
  /// the test set, training images per second and seconds of training. Under 80 columns
  /// for up to 9,999 epochs.
  public static func epochRow(_ summary: EpochSummary, epochs: Int) -> String {
    let cells = [
      Format.fixed(summary.trainLoss, 4), Format.fixed(summary.trainAccuracy * 100, 2) + "%",
      summary.testLoss.map { Format.fixed($0, 4) } ?? "-",
      summary.testAccuracy.map { Format.fixed($0 * 100, 2) + "%" } ?? "-",
      Format.grouped(Int(summary.imagesPerSecond.rounded())), Format.fixed(summary.trainSeconds, 1),
    ]
    let label = pad("epoch \(summary.epoch)/\(epochs)", to: epochLabelWidth(epochs), left: true)
    return zip(cells, epochColumns).reduce(label) { $0 + pad($1.0, to: $1.1) }
  }

  /// Widths of the epoch table's columns after the label, each value right-aligned.
  private static let epochColumns = [12, 11, 11, 10, 8, 9]

  private static func epochLabelWidth(_ epochs: Int) -> Int { "epoch \(epochs)/\(epochs)".count }

  private static func pad(_ text: String, to width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
  }

  /// Prints a line and keeps it for the run's record.
  private func log(_ line: String) {
    transcript.append(line)
    say(line)
  }

  /// Saves what the run printed and wrote as `run.json` (a `LessonRecord`) in its folder;
  /// its settings say how much the run trained (epochs, images per epoch of the training
  /// images there are), so the report can tell a short run from the default recipe's.
  private func saveRecord(imagesPerEpoch: Int, trainingImages: Int) throws {
    let root = folder.standardizedFileURL.path + "/"
    let recipe = trainer.recipe
    let record = LessonRecord(
      number: 0, title: "Training DSDC-Net", articleSection: "§5", lines: transcript,
      files: writtenFiles.map { $0.standardizedFileURL.path.replacingOccurrences(of: root, with: "") },
      error: nil,
      settings: [
        "seed": String(recipe.seed), "epochs": String(recipe.epochs), "batch size": String(recipe.batchSize),
        "optimizer": recipe.optimizer.name, "learning rate": String(recipe.learningRate),
        "threads": String(recipe.threads), "images per epoch": String(imagesPerEpoch),
        "training images": String(trainingImages),
      ],
      date: ISO8601DateFormatter().string(from: Date()))
    try record.save(to: folder.appendingPathComponent("run.json"))
  }

  /// Saves both checkpoint files, atomically: a failure stops the run with the error,
  /// and the files of the previous epoch stay as they were. The model goes first, so
  /// that wherever a checkpoint to resume from exists, a model at least as new does too.
  /// The checkpoint also holds the per-step record (`TrainingState.Key.steps`, the text
  /// of `steps.csv`), so that resuming it continues the record whatever happened to the file.
  private func saveCheckpoints(testAccuracy: Double?) throws(CheckpointError) {
    let state = trainer.state()
    var metadata = state.metadata.merging(data?.entries ?? [:]) { a, _ in a }
    if let testAccuracy { metadata[TrainingCheckpoint.testAccuracyKey] = Format.fixed(testAccuracy, 4) }
    try TrainingCheckpoint.saveModel(
      trainer.model, steps: trainer.step,
      metadata: metadata.filter { $0.key != TrainingState.Key.history }, to: modelURL)
    metadata[TrainingState.Key.steps] = StepLog.csv(steps)
    try TrainingCheckpoint.saveState(state, metadata: metadata, to: checkpointURL)
    if !writtenFiles.contains(checkpointURL) { record(checkpointURL); record(modelURL) }
    checkpointSaved()
  }

  func record(_ url: URL) { writtenFiles.append(url) }
}
