import DSDC
import Foundation
import Testing

/// A training run's steps.csv: complete for a fresh run, and complete again for a run
/// interrupted after an epoch and resumed, whatever the earlier run left beside its checkpoint.
@Suite("A training run's steps.csv, fresh and resumed", .removesTemporaryFolders)
struct TrainingSessionStepsTests {
  /// 2 epochs of 40 images in batches of 16: 6 steps.
  static let recipe = TrainerTests.recipe()

  /// A fresh TinyNet run in `folder` (the state before any epoch, resumed).
  static func freshSession(_ folder: URL) throws -> TrainingSession {
    try TrainingSession(resuming: Trainer(recipe: recipe, config: TinyNet.config).state(), folder: folder)
  }

  static func run(_ session: TrainingSession) throws -> [String] {
    var lines: [String] = []
    session.say = { lines.append($0) }
    try session.run(train: TrainerTests.train, test: TrainerTests.test, lessonDigit: 0)
    return lines
  }

  /// A run stopped after epoch 1: the checkpoint files of `dsdc train` at that moment,
  /// copied from a run that goes on (so the copy is exactly what a killed run leaves;
  /// its steps.csv, written after the checkpoint, is not there yet).
  static func stoppedAfterEpochOne() throws -> URL {
    let running = try makeTemporaryDirectory()
    let stopped = try makeTemporaryDirectory()
    let session = try freshSession(running)
    var saves = 0
    var copyError: Error?
    session.checkpointSaved = {
      saves += 1
      guard saves == 1 else { return }
      do {
        for name in ["checkpoint.safetensors", "model.safetensors"] {
          try FileManager.default.copyItem(
            at: running.appendingPathComponent(name), to: stopped.appendingPathComponent(name))
        }
      } catch { copyError = error }
    }
    _ = try run(session)
    if let copyError { throw copyError }
    return stopped
  }

  static func resume(_ folder: URL) throws -> (TrainingSession, [String]) {
    let session = try TrainingSession(
      recipe: recipe, folder: folder, resume: folder.appendingPathComponent("checkpoint.safetensors"))
    return (session, try run(session))
  }

  static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

  @Test func aFreshRunRecordsEveryStep() throws {
    let folder = try makeTemporaryDirectory()
    let session = try Self.freshSession(folder)
    _ = try Self.run(session)
    let rows = try StepLog.load(from: folder.appendingPathComponent("steps.csv"))
    #expect(rows.map(\.step) == [1, 2, 3, 4, 5, 6] && rows.map(\.epoch) == [1, 1, 1, 2, 2, 2])
    #expect(rows.map(\.imagesSeen) == [16, 32, 40, 56, 72, 80])
    #expect(rows == session.steps)
    // Each epoch's rows average to the loss the trainer reported for it.
    let history = session.trainer.history
    #expect(try StepLog.continuation(rows, step: 6, history: history, imagesPerEpoch: 40, batchSize: 16) == rows)
    // The one-cycle schedule: the rate rises from its start to the peak, then falls.
    let rates = rows.map(\.learningRate)
    #expect(rates.max()! <= Self.recipe.learningRate && rates.first! < rates.max()! && rates.last! < rates.max()!)
    let written = session.writtenFiles.map(\.lastPathComponent)
    #expect(written.contains("steps.csv") && written.contains("curves-per-step.png"))
    let record = try LessonRecord.load(from: folder.appendingPathComponent("run.json"))
    #expect(record.settings["images per epoch"] == "40" && record.settings["training images"] == "48")
    #expect(record.settings["epochs"] == "2")
    // The checkpoint holds the same rows; the weights-only model does not.
    let state = try TrainingCheckpoint.loadState(from: folder.appendingPathComponent("checkpoint.safetensors"))
    #expect(state.metadata[TrainingState.Key.steps] == (try Self.text(folder.appendingPathComponent("steps.csv"))))
    let (_, model) = try TrainingCheckpoint.loadModel(from: folder.appendingPathComponent("model.safetensors"))
    #expect(model[TrainingState.Key.steps] == nil)
  }

  /// Stopped after epoch 1 (before its steps.csv was written) and resumed: the same
  /// steps.csv, byte for byte, and the same model as the run that went straight through.
  @Test func aResumedRunContinuesTheRecord() throws {
    let straight = try makeTemporaryDirectory()
    _ = try Self.run(try Self.freshSession(straight))
    let stopped = try Self.stoppedAfterEpochOne()
    #expect(!FileManager.default.fileExists(atPath: stopped.appendingPathComponent("steps.csv").path))

    let (_, lines) = try Self.resume(stopped)
    #expect(lines.contains("Continuing steps.csv from the checkpoint's 3 steps."), "\(lines)")
    #expect(
      try Self.text(stopped.appendingPathComponent("steps.csv"))
        == Self.text(straight.appendingPathComponent("steps.csv")))
    #expect(
      try Data(contentsOf: stopped.appendingPathComponent("model.safetensors"))
        == Data(contentsOf: straight.appendingPathComponent("model.safetensors")))
  }

  /// A checkpoint with no per-step record (an earlier dsdc's) or with another run's rows:
  /// the run says so and its steps.csv starts at the first step it trains.
  @Test(arguments: ["missing", "other run"])
  func aRecordThatCannotBeContinuedIsSaidAndStartsAfresh(kind: String) throws {
    let stopped = try Self.stoppedAfterEpochOne()
    let checkpoint = stopped.appendingPathComponent("checkpoint.safetensors")
    var state = try TrainingCheckpoint.loadState(from: checkpoint)
    if kind == "missing" {
      state.metadata[TrainingState.Key.steps] = nil
    } else {
      var rows = try StepLog.parse(try #require(state.metadata[TrainingState.Key.steps]))
      rows[0].loss += 0.5
      state.metadata[TrainingState.Key.steps] = StepLog.csv(rows)
    }
    try TrainingCheckpoint.saveState(state, to: checkpoint)
    let (session, lines) = try Self.resume(stopped)
    let reason =
      kind == "missing"
      ? "the checkpoint holds no per-step record (an earlier dsdc wrote it)"
      : "epoch 1's rows do not average to the checkpoint's train loss for it"
    #expect(lines.contains("⚠ steps.csv is not continued from the checkpoint's 3 steps:"), "\(lines)")
    #expect(lines.contains("  \(reason);"), "\(lines)")
    #expect(lines.contains("  this run's steps.csv and its per-step figure start at step 4."), "\(lines)")
    #expect(lines.filter { $0.contains("steps") }.allSatisfy { $0.count <= 100 })
    #expect(try StepLog.load(from: stopped.appendingPathComponent("steps.csv")).map(\.step) == [4, 5, 6])
    #expect(session.steps.map(\.imagesSeen) == [56, 72, 80])
  }
}
