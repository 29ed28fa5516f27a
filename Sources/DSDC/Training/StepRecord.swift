import Foundation

/// One optimisation step of a training run, as `steps.csv` records it: the batch's
/// loss and the learning rate it was taken with.
public struct StepRecord: Sendable, Equatable {
  /// The epoch the step belongs to, from 1.
  public var epoch: Int
  /// The step, from 1, counted over the whole run.
  public var step: Int
  /// Training images seen since the start of the run, this step's batch included.
  public var imagesSeen: Int
  /// The batch's mean training loss (label-smoothed if the recipe smooths).
  public var loss: Float
  /// The learning rate the step used.
  public var learningRate: Double

  public init(epoch: Int, step: Int, imagesSeen: Int, loss: Float, learningRate: Double) {
    self.epoch = epoch
    self.step = step
    self.imagesSeen = imagesSeen
    self.loss = loss
    self.learningRate = learningRate
  }

  /// Where step `step` (from 1) falls when every epoch shows `imagesPerEpoch` images in
  /// batches of `batchSize` (the last batch of an epoch may be smaller):
  /// ```
  /// S = ⌈imagesPerEpoch / batchSize⌉                 steps per epoch
  /// epoch = ⌊(step − 1) / S⌋ + 1,  b = step − (epoch − 1)·S
  /// imagesSeen = (epoch − 1)·imagesPerEpoch + min(b·batchSize, imagesPerEpoch)
  /// ```
  public static func position(step: Int, imagesPerEpoch: Int, batchSize: Int) -> (epoch: Int, imagesSeen: Int) {
    precondition(
      step >= 1 && imagesPerEpoch >= 1 && batchSize >= 1,
      "step \(step), imagesPerEpoch \(imagesPerEpoch), batchSize \(batchSize) must be positive")
    let stepsPerEpoch = (imagesPerEpoch + batchSize - 1) / batchSize
    let epoch = (step - 1) / stepsPerEpoch + 1
    let batch = step - (epoch - 1) * stepsPerEpoch
    return (epoch, (epoch - 1) * imagesPerEpoch + min(batch * batchSize, imagesPerEpoch))
  }
}

/// `steps.csv`, the per-step record of a run beside `metrics.csv`: a header line,
/// then one line per optimisation step.
/// ```
/// epoch,step,images_seen,loss,learning_rate
/// 1,1,64,2.3511572,0.00012
/// ```
/// Losses are written with the fewest digits that read back to the same `Float`, so a
/// resumed run can check the rows against its checkpoint exactly (`continuation`). The
/// checkpoint holds the same text (`TrainingState.Key.steps`), which a resumed run continues.
public enum StepLog {
  /// The file's name, beside `metrics.csv`.
  public static let fileName = "steps.csv"
  /// The first line.
  public static let header = "epoch,step,images_seen,loss,learning_rate"
  /// The largest file `load` reads, 256 MiB: about six million rows of ~45 bytes (the
  /// default recipe runs 8,442 steps).
  public static let byteLimit = 256 << 20

  /// The rows as CSV text.
  public static func csv(_ steps: [StepRecord]) -> String {
    var text = header + "\n"
    for s in steps {
      text += "\(s.epoch),\(s.step),\(s.imagesSeen),\(s.loss),\(s.learningRate)\n"
    }
    return text
  }

  /// Reads a `steps.csv` written by an earlier run. Throws `StepLogError` naming the
  /// first line that is not a row of five numbers.
  public static func parse(_ text: String) throws(StepLogError) -> [StepRecord] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    guard let first = lines.first, first == header else {
      throw .malformed(line: 1, reason: "the first line is not the header \(header)")
    }
    var steps: [StepRecord] = []
    steps.reserveCapacity(lines.count - 1)
    for (index, line) in lines.enumerated().dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == 5 else {
        throw .malformed(line: index + 1, reason: "\(fields.count) fields, expected 5")
      }
      guard let epoch = Int(fields[0]), let step = Int(fields[1]), let seen = Int(fields[2]),
        epoch >= 1, step >= 1, seen >= 1
      else { throw .malformed(line: index + 1, reason: "epoch, step and images_seen must be positive whole numbers") }
      guard let loss = Float(fields[3]), loss.isFinite, let rate = Double(fields[4]), rate.isFinite else {
        throw .malformed(line: index + 1, reason: "loss and learning_rate must be finite numbers")
      }
      steps.append(StepRecord(epoch: epoch, step: step, imagesSeen: seen, loss: loss, learningRate: rate))
    }
    return steps
  }

  /// Reads `steps.csv` at `url`: a regular file of at most `byteLimit` bytes.
  public static func load(from url: URL) throws(StepLogError) -> [StepRecord] {
    if let problem = InputFile.problem(url.path) { throw .unreadable(reason: problem) }
    guard FileManager.default.fileExists(atPath: url.path) else { throw .unreadable(reason: "there is no such file") }
    if let size = InputFile.size(url.path), size > byteLimit {
      throw .unreadable(reason: "\(size) bytes, more than the limit of \(byteLimit)")
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .unreadable(reason: (error as NSError).localizedDescription)
    }
    return try parse(String(decoding: data, as: UTF8.self))
  }

  /// The rows a run resumed after `history.count` epochs (and `step` steps) continues
  /// from: the first `step` rows of `steps`, provided they are steps 1…`step` in order,
  /// at the positions `StepRecord.position` gives, and each finished epoch's rows give
  /// back that epoch's training loss exactly, the way the trainer averaged it:
  /// ```
  /// trainLoss[e] = Σ_{rows of epoch e} loss·n / Σ n,   n = the row's images_seen − the previous row's
  /// ```
  /// Rows after `step` (written before a checkpoint that was never saved) are dropped.
  public static func continuation(
    _ steps: [StepRecord], step: Int, history: [EpochSummary], imagesPerEpoch: Int, batchSize: Int
  ) throws(StepLogError) -> [StepRecord] {
    guard steps.count >= step else { throw .incomplete(has: steps.count, needs: step) }
    let kept = Array(steps.prefix(step))
    for (index, row) in kept.enumerated() {
      let (epoch, seen) = StepRecord.position(step: index + 1, imagesPerEpoch: imagesPerEpoch, batchSize: batchSize)
      guard row.step == index + 1, row.epoch == epoch, row.imagesSeen == seen else {
        throw .otherRun(
          reason: "row \(index + 1) (step \(row.step), epoch \(row.epoch), \(row.imagesSeen) images seen)"
            + " does not fit this run's batches")
      }
    }
    var previous = 0
    var rows = kept[...]
    for summary in history {
      let epochRows = rows.prefix { $0.epoch == summary.epoch }
      rows = rows.dropFirst(epochRows.count)
      var (lossSum, seen) = (0.0, 0)
      for row in epochRows {
        let n = row.imagesSeen - previous
        previous = row.imagesSeen
        lossSum += Double(row.loss) * Double(n)
        seen += n
      }
      let loss = lossSum / Double(max(seen, 1))
      guard loss == summary.trainLoss else {
        throw .otherRun(reason: "epoch \(summary.epoch)'s rows do not average to the checkpoint's train loss for it")
      }
    }
    return kept
  }
}

/// Why a `steps.csv`, or the per-step record a checkpoint holds, cannot be read or continued.
public enum StepLogError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The checkpoint holds no per-step record (`TrainingState.Key.steps`).
  case missing
  /// The file cannot be read (not a regular file, too large, no permission).
  case unreadable(reason: String)
  /// A line is not a row of numbers.
  case malformed(line: Int, reason: String)
  /// Fewer rows than the checkpoint's steps.
  case incomplete(has: Int, needs: Int)
  /// The rows do not match the checkpoint.
  case otherRun(reason: String)

  public var description: String {
    switch self {
    case .missing: return "the checkpoint holds no per-step record (an earlier dsdc wrote it)"
    case .unreadable(let reason): return "it cannot be read: \(reason)"
    case .malformed(let line, let reason): return "line \(line): \(reason)"
    case .incomplete(let has, let needs): return "it has \(has) of the \(needs) steps"
    case .otherRun(let reason): return reason
    }
  }
}
