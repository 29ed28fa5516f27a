import Foundation

/// Turns a trainer's events into the in-place progress line of a whole run: elapsed
/// time and the run's ETA, the `evaluating` phase after each epoch's last step, at
/// most `drawsPerSecond` redraws a second, each fitted to the terminal's width.
///
/// The ETA counts every step and every test evaluation still to come:
/// ```
/// ETA = steps left · batchSize / imagesPerSecond + evaluations left · evaluation time
/// ```
/// with the epoch's running images/s and, for the evaluation time, the last epoch's
/// measured one. Before the first is measured it is `testImages / (3 · imagesPerSecond)`:
/// scoring an image is a forward pass, about a third of a training step (the backward
/// pass costs about twice the forward).
public final class TrainingProgressMeter {
  /// Redraws a second at most; the evaluating line and clearing are drawn at once.
  public static let drawsPerSecond = 10.0

  /// The line's current state (nil before the first step).
  public private(set) var status: TrainingStatus?

  private let epochs: Int
  private let batchSize: Int
  private let testImages: Int
  private let label: String?
  private let columns: () -> Int
  private let now: () -> Double
  private let draw: (String) -> Void
  private let started: Double
  private var lastDraw: Double?
  private var evaluationSeconds: Double?

  /// - Parameters:
  ///   - epochs, batchSize: the recipe's.
  ///   - testImages: images evaluated after every epoch (0 for none).
  ///   - label: shown before the epoch, e.g. `full, seed 0:`.
  ///   - columns: the width of the terminal the line goes to (default: standard error's,
  ///     where the tool draws it).
  ///   - now: a monotonic clock in seconds.
  ///   - draw: receives each line; `""` clears it.
  public init(
    epochs: Int, batchSize: Int, testImages: Int, label: String? = nil,
    columns: @escaping () -> Int = { Terminal.columns(STDERR_FILENO) },
    now: @escaping () -> Double = { ProcessInfo.processInfo.systemUptime },
    draw: @escaping (String) -> Void
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.testImages = testImages
    self.label = label
    self.columns = columns
    self.now = now
    self.draw = draw
    self.started = now()
  }

  /// Takes one event: updates the status and redraws the line if it is due.
  public func record(_ event: TrainingEvent) {
    let time = now()
    switch event {
    case .batch(let progress):
      let evaluatingNext = progress.batch == progress.batchesPerEpoch && testImages > 0
      var status = TrainingStatus(
        progress, epochs: epochs, label: label, elapsed: time - started, remaining: remaining(after: progress))
      if evaluatingNext { status.phase = .evaluating(images: testImages) }
      self.status = status
      // The trainer evaluates right after the epoch's last step: say so at once.
      if evaluatingNext || lastDraw.map({ time - $0 >= 1 / Self.drawsPerSecond }) ?? true {
        draw(status.line(width: columns()))
        lastDraw = time
      }
    case .epochEnded(let summary, _):
      if testImages > 0 { evaluationSeconds = summary.evaluationSeconds }
      draw("")
      lastDraw = nil
    }
  }

  /// Seconds left in the run after `progress`'s step (nil before the rate is known);
  /// this epoch's evaluation, still to come or just starting, is counted whole.
  func remaining(after progress: BatchProgress) -> Double? {
    guard progress.imagesPerSecond > 0 else { return nil }
    let secondsPerStep = Double(batchSize) / progress.imagesPerSecond
    let stepsLeft = (epochs - progress.epoch) * progress.batchesPerEpoch + progress.batchesPerEpoch - progress.batch
    let evaluationsLeft = testImages > 0 ? epochs - progress.epoch + 1 : 0
    let evaluation = evaluationSeconds ?? Double(testImages) / (3 * progress.imagesPerSecond)
    return Double(stepsLeft) * secondsPerStep + Double(evaluationsLeft) * evaluation
  }
}
