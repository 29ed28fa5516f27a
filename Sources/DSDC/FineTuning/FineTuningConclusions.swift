/// What the fine-tuning lesson may conclude, and when it may conclude anything at all.
///
/// A parent that has not learned MNIST has nothing to transfer, and comparing
/// strategies on it says nothing about transfer. So the parent's accuracy on its own
/// test set is checked first (`Readiness.accuracy` against `requiredParentAccuracy`):
/// below it the lesson prints only the `⚠` line; at or above it, each claim's numbers,
/// its verdict and the rule that chose it.
public enum FineTuningConclusions {
  /// The MNIST test accuracy a parent needs before claims about transfer are judged.
  /// The default recipe's parent is far above it; a run of a few hundred steps is below.
  public static let requiredParentAccuracy = 0.95

  /// The claims the lesson judges, in the order it prints them.
  public static let claims: [TransferClaim] = [
    TransferClaim("reusing the MNIST network helps at this budget", .full, over: .scratch),
    TransferClaim("MNIST's spatial filters help new channel mixing", .pointwise, over: .pointwiseRandom),
    TransferClaim("training the spatial filters as well helps", .full, over: .pointwise),
    TransferClaim("a linear probe of block 3's frozen features beats training from scratch", .head, over: .scratch),
    TransferClaim("BatchNorm statistics re-estimated on the new images help the linear probe", .headBN, over: .head),
    TransferClaim(
      "a frozen backbone trains faster (no backward pass through it)", .head, over: .full,
      by: .trainingSeconds),
  ]

  /// The rule for the parent: its MNIST test accuracy must reach `requiredParentAccuracy`;
  /// `retrain` is the command that trains it with the default recipe.
  public static func parentReadiness(accuracy: Double, retrain: String = "dsdc lesson 8") -> Readiness {
    Readiness.accuracy(
      accuracy, atLeast: requiredParentAccuracy, what: "the parent's MNIST test accuracy",
      fix: "train it with the default recipe:", command: retrain)
  }

  /// The lines to print: the parent's readiness line (wrapped), then — only if it is ready —
  /// for each claim its statement, both spreads, the verdict and the rule.
  public static func lines(
    parent: Readiness, measured: FineTuningMeasurements,
    claims: [TransferClaim] = claims
  ) -> [String] {
    guard parent.isReady else { return parent.lines(width: 80) }
    var lines = parent.lines(width: 80)
    for (number, claim) in claims.enumerated() {
      let (a, b) = claim.spreads(measured)
      let label = claim.quantity == .accuracy ? "test accuracy, %" : "training time, s"
      lines.append("Claim \(number + 1): \(claim.statement)")
      lines.append("  measured as: \(claim.comparison)")
      lines.append("  \(claim.a.rawValue), \(label): \(a.formatted())")
      lines.append("  \(claim.b.rawValue), \(label): \(b.formatted())")
      let verdict = claim.judge(measured).verdict
      lines += ["  verdict: \(verdict.outcome.rawValue) —", "    \(verdict.sentence)", "  rule: \(verdict.rule)"]
    }
    return lines
  }
}
