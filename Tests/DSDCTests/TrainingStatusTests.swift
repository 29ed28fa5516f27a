import Foundation
import Testing

@testable import DSDC

@Suite("Training progress line")
struct TrainingStatusTests {
  /// Epoch 3 of 9, step 412 of 938, 1,234 img/s, 2 min 5 s in, 6 min 40 s to go.
  static let status = TrainingStatus(
    epoch: 3, epochs: 9, batch: 412, batchesPerEpoch: 938, imagesPerSecond: 1234.5, runningLoss: 0.41234,
    runningAccuracy: 0.91234, elapsed: 125, remaining: 400)

  /// A bar of `cells` cells with `filled` of them full.
  static func bar(_ filled: Int, of cells: Int) -> String {
    "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: cells - filled) + "]"
  }

  /// By hand: at 120 columns every field fits and the bar has its 30 cells, 30·412/938 = 13.2
  /// of them full; at 80 the batch count and img/s give way and the bar takes 79 − 73 + 10 = 16
  /// cells (16·412/938 = 7.0 full); at 40 only the epoch, a 16-cell bar and the ETA are left.
  @Test(arguments: [
    (120, "epoch 3/9 \(bar(13, of: 30))  412/938  1,234 img/s  loss 0.4123  acc 91.23%  elapsed 2m05s  ETA 6m40s"),
    (80, "epoch 3/9 \(bar(7, of: 16))  loss 0.4123  acc 91.23%  elapsed 2m05s  ETA 6m40s"),
    (40, "epoch 3/9 \(bar(7, of: 16))  ETA 6m40s"),
  ])
  func lineFitsTheWidth(width: Int, expected: String) {
    let line = Self.status.line(width: width)
    #expect(line == expected)
    #expect(DisplayWidth.of(line) <= width - 1)
  }

  /// Whatever the width, the line leaves the terminal's last column free.
  @Test func neverWiderThanTheTerminal() {
    var evaluating = Self.status
    evaluating.phase = .evaluating(images: 10_000)
    evaluating.label = "full, seed 0:"
    for status in [Self.status, evaluating] {
      for width in 2...200 {
        #expect(DisplayWidth.of(status.line(width: width)) <= width - 1, "width \(width): \(status.line(width: width))")
      }
    }
  }

  /// While the test set is evaluated the bar gives way to what is happening, and the ETA
  /// stays; a narrow terminal gets the short form.
  @Test func evaluatingPhase() {
    var status = Self.status
    status.phase = .evaluating(images: 10_000)
    #expect(status.line(width: 80) == "epoch 3/9  evaluating 10,000 test images  elapsed 2m05s  ETA 6m40s")
    #expect(status.line(width: 40) == "epoch 3/9  evaluating  ETA 6m40s")
  }

  /// The epoch table: values right-aligned under their headers, within 80 columns
  /// (with the two spaces a lesson indents it by) for up to 9,999 epochs.
  @Test func epochTableRowsAlignAndFit() {
    let summary = EpochSummary(
      epoch: 3, trainLoss: 0.51234, trainAccuracy: 0.98214, testLoss: 0.48761, testAccuracy: 0.994,
      trainSeconds: 35.04, evaluationSeconds: 2, imagesPerSecond: 1716.6)
    #expect(
      TrainingSession.epochHeader(epochs: 9)
        == "           train loss  train acc  test loss  test acc   img/s  seconds")
    #expect(
      TrainingSession.epochRow(summary, epochs: 9)
        == "epoch 3/9      0.5123     98.21%     0.4876    99.40%   1,717     35.0")
    var long = summary
    (long.epoch, long.trainSeconds, long.imagesPerSecond) = (9_999, 99_999.9, 999_999)
    let row = TrainingSession.epochRow(long, epochs: 9_999)
    #expect(row.count == TrainingSession.epochHeader(epochs: 9_999).count && row.count + 2 < 80, "\(row)")
  }

  @Test(arguments: [(0.0, "0s"), (59.4, "59s"), (60, "1m00s"), (125, "2m05s"), (3599, "59m59s"), (7620, "2h07m")])
  func durations(seconds: Double, text: String) {
    #expect(TrainingStatus.duration(seconds) == text)
  }
}

@Suite("Training progress meter")
struct TrainingProgressMeterTests {
  /// Step `batch` of an epoch of 100 steps at 100 images/s.
  static func step(epoch: Int, batch: Int) -> TrainingEvent {
    .batch(
      BatchProgress(
        epoch: epoch, batch: batch, batchesPerEpoch: 100, step: (epoch - 1) * 100 + batch, learningRate: 0.001,
        loss: 1, runningLoss: 1, runningAccuracy: 0.5, imagesPerSecond: 100))
  }

  static func epochEnded(_ epoch: Int, evaluationSeconds: Double) -> TrainingEvent {
    .epochEnded(
      EpochSummary(
        epoch: epoch, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5, trainSeconds: 10,
        evaluationSeconds: evaluationSeconds, imagesPerSecond: 100), nil)
  }

  /// 100 steps 1/64 s apart (1.5625 s): a redraw at the first step and then every 7th
  /// (7/64 s is the first multiple of 1/64 s that is at least 0.1 s), 15 in all up to step 99,
  /// and the evaluating line at once after step 100: 16 draws, not 100.
  @Test func redrawsAtMostTenTimesASecond() {
    var time = 0.0
    var drawn: [String] = []
    let meter = TrainingProgressMeter(
      epochs: 2, batchSize: 10, testImages: 50, columns: { 120 }, now: { time }, draw: { drawn.append($0) })
    for batch in 1...100 {
      time += 1.0 / 64
      meter.record(Self.step(epoch: 1, batch: batch))
    }
    #expect(drawn.count == 16)
    #expect(drawn.last?.contains("evaluating 50 test images") == true)
    #expect(drawn.allSatisfy { DisplayWidth.of($0) <= 119 })
    meter.record(Self.epochEnded(1, evaluationSeconds: 3))
    #expect(drawn.last == "")
  }

  /// The ETA covers the whole run. Halfway through epoch 1 of 2 (10 images a step at 100
  /// images/s: 0.1 s a step): 150 steps left = 15 s, and two evaluations of 60 images,
  /// estimated before one is measured at 3 × the training rate (a forward pass only),
  /// 0.2 s each: 15.4 s. Halfway through epoch 2, after an evaluation measured at 3 s:
  /// 50 steps = 5 s, plus 3 s.
  @Test func etaCoversStepsAndEvaluationsLeft() throws {
    var time = 0.0
    let meter = TrainingProgressMeter(
      epochs: 2, batchSize: 10, testImages: 60, columns: { 120 }, now: { time }, draw: { _ in })
    time = 5
    meter.record(Self.step(epoch: 1, batch: 50))
    let first = try #require(meter.status)
    #expect(abs((first.remaining ?? 0) - 15.4) < 1e-9)
    #expect(first.elapsed == 5)
    meter.record(Self.epochEnded(1, evaluationSeconds: 3))
    time = 20
    meter.record(Self.step(epoch: 2, batch: 50))
    let second = try #require(meter.status)
    #expect(abs((second.remaining ?? 0) - 8) < 1e-9)
    #expect(second.line(width: 120).hasSuffix("elapsed 20s  ETA 8s"))
  }
}
