import DSDC
import Foundation
import Testing

@Suite("Transfer claims")
struct TransferClaimTests {
  /// Made-up measurements on 10,000 test images (one image = 0.01 pt). Three seeds
  /// m − 0.2, m, m + 0.2 have SD 0.2, so two such pooled give a margin of 0.4.
  static func measured(_ accuracy: [FineTuningStrategy: [Double]], seconds: [FineTuningStrategy: [Double]] = [:])
    -> FineTuningMeasurements
  {
    FineTuningMeasurements(
      accuracy: accuracy.mapValues(SeedSpread.init), seconds: seconds.mapValues(SeedSpread.init),
      testImages: 10_000)
  }

  let claim = TransferClaim("MNIST's spatial filters help", .pointwise, over: .pointwiseRandom)

  @Test func aClearWinHolds() {
    let m = Self.measured([.pointwise: [74.0, 74.2, 74.4], .pointwiseRandom: [70.0, 70.2, 70.4]])  // Δ = +4.0
    let (difference, verdict) = claim.judge(m)
    #expect(difference.direction == .higher && abs(difference.margin - 0.4) < 1e-9)
    #expect(verdict.outcome == .holds)
    #expect(verdict.sentence.hasPrefix("pointwise is higher than pointwise-random by 4.00 pt"))
  }

  @Test func aClearLossDoesNotHold() {
    let m = Self.measured([.pointwise: [70.0, 70.2, 70.4], .pointwiseRandom: [74.0, 74.2, 74.4]])
    #expect(claim.judge(m).verdict.outcome == .doesNotHold)
  }

  @Test(arguments: [0.35, -0.35])
  func withinTheNoiseIsNotShown(delta: Double) {
    let m = Self.measured([.pointwise: [74.0, 74.2, 74.4].map { $0 + delta }, .pointwiseRandom: [74.0, 74.2, 74.4]])
    let verdict = claim.judge(m).verdict
    #expect(verdict.outcome == .notShown)
    #expect(verdict.sentence.hasPrefix("no measurable difference"))
  }

  @Test func justBeyondTheMarginHolds() {
    let m = Self.measured([.pointwise: [74.45, 74.65, 74.85], .pointwiseRandom: [74.0, 74.2, 74.4]])  // Δ = 0.45 > 0.4
    #expect(claim.judge(m).verdict.outcome == .holds)
  }

  @Test func oneTestImageIsTheFloorWhenSeedsAgree() {
    // SD 0: the margin is the resolution, 100/10,000 = 0.01 pt; 3 images (0.03 pt) count.
    let (three, none) = (
      Self.measured([.pointwise: [74.03, 74.03], .pointwiseRandom: [74.0, 74.0]]),
      Self.measured([.pointwise: [74.0, 74.0], .pointwiseRandom: [74.0, 74.0]])
    )
    #expect(abs(three.accuracyResolution - 0.01) < 1e-12)
    #expect(claim.judge(three).verdict.outcome == .holds)
    #expect(claim.judge(none).verdict.outcome == .notShown)
  }

  @Test func oneSeedIsNotShown() {
    let m = Self.measured([.pointwise: [90.0], .pointwiseRandom: [10.0]])
    #expect(claim.judge(m).verdict.outcome == .notShown)
  }

  @Test func timeClaimsAreWonByTheLowerValue() {
    let faster = TransferClaim("frozen is faster", .head, over: .full, by: .trainingSeconds)
    let accuracy: [FineTuningStrategy: [Double]] = [.head: [50], .full: [70]]
    let quick = Self.measured(accuracy, seconds: [.head: [0.70, 0.72, 0.74], .full: [1.80, 1.82, 1.84]])
    let slow = Self.measured(accuracy, seconds: [.head: [1.80, 1.82, 1.84], .full: [0.70, 0.72, 0.74]])
    #expect(faster.judge(quick).verdict.outcome == .holds)
    #expect(faster.judge(quick).verdict.sentence.hasPrefix("head is lower than full by 1.10 s"))
    #expect(faster.judge(slow).verdict.outcome == .doesNotHold)
    #expect(faster.comparison == "head < full in training seconds")
  }
}

@Suite("Fine-tuning conclusions")
struct FineTuningConclusionsTests {
  static let spread: [FineTuningStrategy: [Double]] = [
    .scratch: [70.0, 70.5, 71.0], .head: [55.0, 55.5, 56.0], .headBN: [60.0, 60.5, 61.0],
    .pointwise: [74.0, 74.5, 75.0], .pointwiseRandom: [69.0, 69.5, 70.0], .full: [73.5, 74.0, 74.5],
  ]
  static let seconds: [FineTuningStrategy: [Double]] = Dictionary(
    uniqueKeysWithValues: FineTuningStrategy.allCases.map {
      ($0, $0.keepsBatchNormStatistics ? [0.7, 0.72, 0.74] : [1.8, 1.82, 1.84])
    })
  static let measured = TransferClaimTests.measured(spread, seconds: seconds)

  @Test func theThresholdIs95PercentOnBothSides() {
    #expect(FineTuningConclusions.parentReadiness(accuracy: 0.95).isReady)
    let below = FineTuningConclusions.parentReadiness(accuracy: 0.9499, retrain: "./dsdc lesson 8 --output runs")
    #expect(!below.isReady && below.line.hasPrefix("⚠ "))
    #expect(below.line.hasSuffix("train it with the default recipe: ./dsdc lesson 8 --output runs"), "\(below.line)")
  }

  @Test func aReadyParentGetsEveryClaimJudged() {
    let lines = FineTuningConclusions.lines(
      parent: FineTuningConclusions.parentReadiness(accuracy: 0.99), measured: Self.measured)
    #expect(lines.first?.hasPrefix("✓ ") == true)
    #expect(lines.filter { $0.hasPrefix("Claim ") }.count == FineTuningConclusions.claims.count)
    let verdicts = lines.indices.filter { lines[$0].hasPrefix("  verdict: ") }.map { lines[$0] + " " + lines[$0 + 1] }
    #expect(verdicts.count == FineTuningConclusions.claims.count)
    // full 74.0 vs scratch 70.5 (margin 2 × 0.5 = 1): holds; full vs pointwise (Δ −0.5, within 1): not shown;
    // head below scratch: does not hold; head-bn above head: holds; head faster than full: holds.
    #expect(
      verdicts == [
        "  verdict: holds —     full is higher than scratch by 3.50 pt (more than 1.00 pt)",
        "  verdict: holds —     pointwise is higher than pointwise-random by 5.00 pt (more than 1.00 pt)",
        "  verdict: not shown at this budget —     no measurable difference between full and pointwise: Δ = -0.50 pt, within 1.00 pt",
        "  verdict: does not hold —     head is lower than scratch by 15.00 pt (more than 1.00 pt)",
        "  verdict: holds —     head-bn is higher than head by 5.00 pt (more than 1.00 pt)",
        "  verdict: holds —     head is lower than full by 1.10 s (more than 0.04 s)",
      ])
    #expect(lines.contains("  rule: a difference counts when |Δ| > max(2 × pooled seed SD, 0.01 pt) = 1.00 pt"))
    #expect(lines.contains("  pointwise, test accuracy, %: 74.50 ± 0.50 (74.00–75.00, 3 seeds)"))
    #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines.filter { $0.count > 100 })")
  }

  /// An untrained parent (a TinyNet that never saw a step) scores about chance on its
  /// own test images: the rule withholds every claim and prints only the warning.
  @Test func anUntrainedParentYieldsOnlyTheWarning() throws {
    let parent = TinyNet.model()
    let accuracy = Evaluation(model: parent, images: TinyNet.images(count: 40, seed: 41), normalization: .mnist)
      .accuracy
    let readiness = FineTuningConclusions.parentReadiness(accuracy: accuracy)
    #expect(accuracy < 0.5 && !readiness.isReady)
    let lines = FineTuningConclusions.lines(parent: readiness, measured: Self.measured)
    #expect(lines == readiness.lines(width: 80))
    #expect(lines[0].hasPrefix("⚠ the parent's MNIST test accuracy is only"))
    let text = lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    #expect(text.hasSuffix("the default recipe: dsdc lesson 8"))
    #expect(!lines.contains { $0.contains("verdict") || $0.hasPrefix("Claim") })
    #expect(lines.allSatisfy { $0.count <= LessonContext.lineWidth }, "\(lines)")
  }
}

@Suite("A readiness line in lines")
struct ReadinessLinesTests {
  @Test func shortLinesStayWhole() {
    #expect(Readiness(isReady: false, line: "a b c").lines(width: 5) == ["a b c"])
  }

  @Test func longLinesBreakAtSpacesAndIndent() {
    // "aaa bbb" is 7 > 6: break; the second line "  bbb ccc" is 9 > 6: break again.
    #expect(Readiness(isReady: false, line: "aaa bbb ccc").lines(width: 6) == ["aaa", "  bbb", "  ccc"])
    #expect(Readiness(isReady: false, line: "aaa bb cc").lines(width: 7) == ["aaa bb", "  cc"])
    #expect(Readiness(isReady: false, line: "abcdefgh ij").lines(width: 4) == ["abcdefgh", "  ij"])
  }

  /// The advice's command goes on lines of its own, laid out as a command (a ` \` between
  /// its lines, a quoted folder whole); the line itself still ends with it.
  @Test func theCommandIsLaidOutAsACommand() {
    let command = ShellQuoting.line(["dsdc", "lesson", "8", "--output", "/tmp/My Output"])
    let readiness = Readiness.accuracy(0.5, atLeast: 0.9, what: "x", fix: "train it:", command: command)
    #expect(readiness.line.hasSuffix("; train it: dsdc lesson 8 --output '/tmp/My Output'"))
    #expect(
      readiness.lines(width: 30) == [
        "⚠ x is only 50.00%", "  (conclusions need ≥ 90.00%):", "  too little training to",
        "  conclude anything; train it:",
        "  dsdc lesson 8 --output \\", "    '/tmp/My Output'",
      ])
    #expect(
      Readiness.accuracy(0.95, atLeast: 0.9, what: "x", fix: "train it:", command: command).line
        == "✓ x: 95.00% (conclusions need ≥ 90.00%)")
  }
}
