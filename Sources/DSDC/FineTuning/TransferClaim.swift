/// One claim the fine-tuning lesson puts to the numbers: strategy `a` does better than
/// strategy `b` — a higher final test accuracy, or (for time) fewer training seconds.
///
/// Rule: `Difference.judge(a, b)` over the seeds (a difference counts when it exceeds
/// `max(2 × pooled seed SD, resolution)`, and needs 2 seeds a side). The claim
/// - **holds** when the difference counts and goes the claimed way,
/// - **does not hold** when it counts and goes the other way,
/// - is **not shown at this budget** when it is within the noise or undecided.
/// ```swift
/// let claim = TransferClaim("MNIST's spatial filters help", .pointwise, over: .pointwiseRandom)
/// claim.judge(measurements).verdict.outcome     // .holds when pointwise is higher beyond the noise
/// ```
public struct TransferClaim: Sendable, Equatable {
  /// What is compared.
  public enum Quantity: Sendable, Equatable {
    /// Final test accuracy (points); higher is better; resolution one test image.
    case accuracy
    /// Training time (seconds); lower is better; resolution 0.01 s.
    case trainingSeconds
  }

  /// The claim in words (a hypothesis, printed as such).
  public var statement: String
  /// The strategy claimed to do better.
  public var a: FineTuningStrategy
  /// The strategy it is compared with.
  public var b: FineTuningStrategy
  /// What "better" means.
  public var quantity: Quantity

  public init(
    _ statement: String, _ a: FineTuningStrategy, over b: FineTuningStrategy, by quantity: Quantity = .accuracy
  ) {
    self.statement = statement
    self.a = a
    self.b = b
    self.quantity = quantity
  }

  /// The comparison the claim makes, e.g. `pointwise > pointwise-random in test accuracy`.
  public var comparison: String {
    switch quantity {
    case .accuracy: return "\(a.rawValue) > \(b.rawValue) in test accuracy"
    case .trainingSeconds: return "\(a.rawValue) < \(b.rawValue) in training seconds"
    }
  }

  /// The two spreads the claim compares.
  public func spreads(_ measured: FineTuningMeasurements) -> (a: SeedSpread, b: SeedSpread) {
    let table = quantity == .accuracy ? measured.accuracy : measured.seconds
    guard let x = table[a], let y = table[b] else {
      preconditionFailure("claim \(comparison) needs both strategies measured, have \(table.keys.map(\.rawValue))")
    }
    return (x, y)
  }

  /// The difference of the two strategies and the verdict the rule draws from it.
  public func judge(_ measured: FineTuningMeasurements) -> (difference: Difference, verdict: Verdict) {
    let (x, y) = spreads(measured)
    let (resolution, unit, claimed): (Double, String, Difference.Direction) =
      switch quantity {
      case .accuracy: (measured.accuracyResolution, "pt", .higher)
      case .trainingSeconds: (0.01, "s", .lower)
      }
    let difference = Difference.judge(a.rawValue, x, b.rawValue, y, resolution: resolution, unit: unit)
    let outcome: Verdict.Outcome =
      switch difference.direction {
      case claimed: .holds
      case .higher, .lower: .doesNotHold
      case .indistinguishable, .undecided: .notShown
      }
    return (difference, Verdict(outcome, rule: difference.rule, sentence: difference.sentence))
  }
}
