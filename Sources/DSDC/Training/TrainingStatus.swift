/// What the in-place progress line shows at one moment of a training run, and the
/// line itself for a terminal of a given width (`line(width:)`, a pure function).
///
/// At 120 columns every field fits:
/// ```
/// epoch 3/9 [█████████████·················]  412/938  1,234 img/s  loss 0.4123  acc 91.23%  elapsed 2m05s  ETA 6m40s
/// ```
/// Narrower, fields are left out in the reverse of their rank (img/s first; the epoch
/// and the ETA last) and the bar shrinks to no fewer than 10 cells; at 40 columns:
/// `epoch 3/9 [███████·········]  ETA 6m40s`. While the test set is evaluated the bar
/// gives way to `evaluating 10,000 test images` (or `evaluating`, if that is too long).
public struct TrainingStatus: Sendable, Equatable {
  /// What the run is doing.
  public enum Phase: Sendable, Equatable {
    /// Optimisation steps.
    case training
    /// Scoring `images` test images after the epoch's last step.
    case evaluating(images: Int)
  }

  /// Shown before everything else, e.g. `full, seed 0:` (nil for none).
  public var label: String?
  /// Training or evaluating.
  public var phase: Phase
  /// The epoch running, from 1, of `epochs`.
  public var epoch: Int
  public var epochs: Int
  /// The batch just finished, from 1, of `batchesPerEpoch`.
  public var batch: Int
  public var batchesPerEpoch: Int
  /// Training images per second over the epoch so far.
  public var imagesPerSecond: Double
  /// Mean loss and fraction correct over the epoch's images so far.
  public var runningLoss: Double
  public var runningAccuracy: Double
  /// Seconds since the run started (nil: not shown).
  public var elapsed: Double?
  /// Estimated seconds still to go in the whole run, every step and evaluation still to
  /// come (nil: not known yet).
  public var remaining: Double?

  public init(
    label: String? = nil, phase: Phase = .training, epoch: Int, epochs: Int, batch: Int, batchesPerEpoch: Int,
    imagesPerSecond: Double, runningLoss: Double, runningAccuracy: Double, elapsed: Double?, remaining: Double?
  ) {
    self.label = label
    self.phase = phase
    self.epoch = epoch
    self.epochs = epochs
    self.batch = batch
    self.batchesPerEpoch = batchesPerEpoch
    self.imagesPerSecond = imagesPerSecond
    self.runningLoss = runningLoss
    self.runningAccuracy = runningAccuracy
    self.elapsed = elapsed
    self.remaining = remaining
  }

  /// The status after the step `progress` reports.
  public init(
    _ progress: BatchProgress, epochs: Int, label: String? = nil, elapsed: Double?, remaining: Double?
  ) {
    self.init(
      label: label, epoch: progress.epoch, epochs: epochs, batch: progress.batch,
      batchesPerEpoch: progress.batchesPerEpoch, imagesPerSecond: progress.imagesPerSecond,
      runningLoss: progress.runningLoss, runningAccuracy: progress.runningAccuracy, elapsed: elapsed,
      remaining: remaining)
  }

  /// The fewest and the most cells of the bar.
  static let barCells = 10...30

  /// The line for a terminal `width` columns wide. It takes at most `width − 1`
  /// columns (the last column stays free: writing there makes some terminals wrap).
  public func line(width: Int) -> String {
    let limit = max(width - 1, 1)
    // Each field: its rank (lower: kept longer when space is short) and its texts, longest first.
    var lead = [label, "epoch \(epoch)/\(epochs)"].compactMap { $0 }.joined(separator: " ")
    var tail: [(rank: Int, texts: [String])] = []
    let training = phase == .training
    switch phase {
    case .training:
      tail.append((50, ["\(batch)/\(batchesPerEpoch)"]))
      tail.append((60, ["\(Format.grouped(Int(imagesPerSecond))) img/s"]))
      tail.append((40, ["loss \(Format.fixed(runningLoss, 4))"]))
      tail.append((30, ["acc \(Format.fixed(runningAccuracy * 100, 2))%"]))
    case .evaluating(let images):
      tail.append((15, ["evaluating \(Format.grouped(images)) test images", "evaluating"]))
    }
    if let elapsed { tail.append((20, ["elapsed \(Self.duration(elapsed))"])) }
    if let remaining { tail.append((10, ["ETA \(Self.duration(remaining))"])) }

    // Keep fields by rank while they fit beside the shortest bar (` [` + cells + `]`).
    let shortestBar = training ? 3 + Self.barCells.lowerBound : 0
    var chosen = [String?](repeating: nil, count: tail.count)
    var used = DisplayWidth.of(lead) + shortestBar
    for index in tail.indices.sorted(by: { (tail[$0].rank, $0) < (tail[$1].rank, $1) }) {
      guard let text = tail[index].texts.first(where: { used + 2 + DisplayWidth.of($0) <= limit }) else { continue }
      chosen[index] = text
      used += 2 + DisplayWidth.of(text)
    }
    let fields = chosen.compactMap { $0 }
    if used > limit {
      // Not even the bar fits: the lead alone, cut to the width.
      if DisplayWidth.of(lead) > limit { lead = String(lead.prefix(max(limit - 1, 0))) + "…" }
      return lead
    }
    guard training else { return ([lead] + fields).joined(separator: "  ") }
    let cells = min(Self.barCells.upperBound, Self.barCells.lowerBound + limit - used)
    let filled = batchesPerEpoch > 0 ? cells * min(batch, batchesPerEpoch) / batchesPerEpoch : 0
    let bar = "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: cells - filled) + "]"
    return ([lead + " " + bar] + fields).joined(separator: "  ")
  }

  /// Seconds as a short duration: `42s`, `3m05s`, `2h07m`.
  public static func duration(_ seconds: Double) -> String {
    let total = seconds.isFinite ? Int(max(seconds, 0).rounded()) : 0
    if total < 60 { return "\(total)s" }
    if total < 3600 { return "\(total / 60)m" + pad2(total % 60) + "s" }
    let minutes = (total + 30) / 60
    return "\(minutes / 60)h" + pad2(minutes % 60) + "m"
  }

  private static func pad2(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
  }
}
