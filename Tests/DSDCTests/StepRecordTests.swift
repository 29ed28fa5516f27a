import DSDC
import Foundation
import Testing

@Suite("steps.csv: the per-step record and its continuation", .removesTemporaryFolders)
struct StepRecordTests {
  /// 40 images in batches of 16: steps of 16, 16 and 8 images, three steps per epoch.
  @Test(arguments: [
    (1, 1, 16), (2, 1, 32), (3, 1, 40), (4, 2, 56), (6, 2, 80), (7, 3, 96),
  ])
  func positionsByHand(step: Int, epoch: Int, seen: Int) {
    let position = StepRecord.position(step: step, imagesPerEpoch: 40, batchSize: 16)
    #expect(position.epoch == epoch && position.imagesSeen == seen)
  }

  /// Two epochs of the 40-image run above, with losses that are not round in binary.
  static func rows() -> [StepRecord] {
    let losses: [Float] = [2.3511572, 2.1, 1.9876543, 1.5, 1.25e-3, 0.7071068]
    return losses.enumerated().map { i, loss in
      let (epoch, seen) = StepRecord.position(step: i + 1, imagesPerEpoch: 40, batchSize: 16)
      return StepRecord(epoch: epoch, step: i + 1, imagesSeen: seen, loss: loss, learningRate: 1e-3 * Double(i + 1) / 3)
    }
  }

  /// The epochs' training losses, averaged by hand the way the trainer does:
  /// (16·ℓ₁ + 16·ℓ₂ + 8·ℓ₃) / 40 in Double.
  static func history(_ rows: [StepRecord]) throws -> [EpochSummary] {
    try (0..<2).map { (e: Int) -> EpochSummary in
      let l: [Double] = rows[3 * e..<3 * e + 3].map { Double($0.loss) }
      var sum = 0.0
      sum += l[0] * 16
      sum += l[1] * 16
      sum += l[2] * 8
      return try summary(epoch: e + 1, trainLoss: sum / 40, testAccuracy: nil)
    }
  }

  /// An epoch's summary as metrics.json stores it (the wall-clock fields are made up).
  static func summary(epoch: Int, trainLoss: Double, testAccuracy: Double?) throws -> EpochSummary {
    let accuracy = testAccuracy.map { ", \"testLoss\": 1, \"testAccuracy\": \($0)" } ?? ""
    let json =
      "{\"epoch\": \(epoch), \"trainLoss\": \(trainLoss), \"trainAccuracy\": 0.5\(accuracy), "
      + "\"trainSeconds\": 1, \"evaluationSeconds\": 0, \"imagesPerSecond\": 40}"
    return try JSONDecoder().decode(EpochSummary.self, from: Data(json.utf8))
  }

  @Test func csvReadsBackToTheSameBits() throws {
    let text = StepLog.csv(Self.rows())
    #expect(text.hasPrefix("epoch,step,images_seen,loss,learning_rate\n1,1,16,2.3511572,"))
    #expect(text.split(separator: "\n").count == 7)
    let back = try StepLog.parse(text)
    #expect(back == Self.rows())
    #expect(back.map(\.loss.bitPattern) == Self.rows().map(\.loss.bitPattern))
  }

  @Test(arguments: [
    (
      "",
      StepLogError.malformed(
        line: 1, reason: "the first line is not the header epoch,step,images_seen,loss,learning_rate")
    ),
    ("epoch,step,images_seen,loss,learning_rate\n1,1,16,2.0\n", .malformed(line: 2, reason: "4 fields, expected 5")),
    (
      "epoch,step,images_seen,loss,learning_rate\n1,1,16,nan,0.1\n",
      .malformed(line: 2, reason: "loss and learning_rate must be finite numbers")
    ),
    (
      "epoch,step,images_seen,loss,learning_rate\n1,1,16,1,0.1\n1,-2,32,1,0.1\n",
      .malformed(line: 3, reason: "epoch, step and images_seen must be positive whole numbers")
    ),
    (
      "epoch,step,images_seen,loss,learning_rate\n1,1,99999999999999999999,1,0.1\n",
      .malformed(line: 2, reason: "epoch, step and images_seen must be positive whole numbers")
    ),
  ])
  func malformedFilesNameTheLine(text: String, error: StepLogError) {
    #expect(throws: error) { try StepLog.parse(text) }
  }

  /// After epoch 1 (3 steps) the first three rows continue; rows of an epoch whose
  /// checkpoint was never saved are dropped.
  @Test func continuationKeepsTheCheckpointsSteps() throws {
    let rows = Self.rows()
    let history = try Self.history(rows)
    let kept = try StepLog.continuation(rows, step: 3, history: [history[0]], imagesPerEpoch: 40, batchSize: 16)
    #expect(kept == Array(rows.prefix(3)))
    let all = try StepLog.continuation(rows, step: 6, history: history, imagesPerEpoch: 40, batchSize: 16)
    #expect(all == rows)
  }

  @Test func continuationRefusesAnotherRunsRows() throws {
    let rows = Self.rows()
    let history = try Self.history(rows)
    #expect(throws: StepLogError.incomplete(has: 2, needs: 3)) {
      try StepLog.continuation(Array(rows.prefix(2)), step: 3, history: [history[0]], imagesPerEpoch: 40, batchSize: 16)
    }
    // One loss changed in its last bit: the epoch no longer averages to the checkpoint's loss.
    var changed = rows
    changed[1].loss = changed[1].loss.nextUp
    #expect(
      throws: StepLogError.otherRun(reason: "epoch 1's rows do not average to the checkpoint's train loss for it")
    ) {
      try StepLog.continuation(changed, step: 6, history: history, imagesPerEpoch: 40, batchSize: 16)
    }
    // Another batch size: the rows do not sit where this run's steps are.
    #expect(throws: StepLogError.self) {
      try StepLog.continuation(rows, step: 3, history: [history[0]], imagesPerEpoch: 40, batchSize: 20)
    }
  }

  @Test func aMissingOrOddFileIsAnErrorNotATrap() throws {
    let folder = try makeTemporaryDirectory()
    #expect(throws: StepLogError.unreadable(reason: "there is no such file")) {
      try StepLog.load(from: folder.appendingPathComponent("steps.csv"))
    }
    #expect(throws: StepLogError.unreadable(reason: "it is a folder, not a file")) { try StepLog.load(from: folder) }
    let url = folder.appendingPathComponent("steps.csv")
    try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: url)
    #expect(throws: StepLogError.self) { try StepLog.load(from: url) }
  }
}
