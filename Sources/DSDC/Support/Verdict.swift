/// Conclusions drawn from measured numbers by small, stated rules.
///
/// A lesson never prints a conclusion of its own: it measures, hands the numbers to
/// one of these rules, and prints the rule, the evidence and the sentence the rule
/// chose. Each rule is unit-tested on both sides of its threshold.
/// ```swift
/// let d = Difference.judge("dsdc", dsdcAccuracy, "standard", standardAccuracy, resolution: 0.01, unit: "pt")
/// lesson.say(d.sentence)       // "dsdc is lower than standard by 0.11 pt (more than …)"
/// lesson.say("rule: " + d.rule)
/// ```

/// A claim's verdict: holds, does not hold, or not shown at this budget.
public struct Verdict: Sendable, Equatable {
  /// What the numbers decided.
  public enum Outcome: String, Sendable, Equatable, Codable {
    case holds = "holds"
    case doesNotHold = "does not hold"
    case notShown = "not shown at this budget"
  }

  /// The decision.
  public var outcome: Outcome
  /// The rule, in words, with the numbers it used (printed beside the verdict).
  public var rule: String
  /// The sentence the rule chose for these numbers.
  public var sentence: String

  public init(_ outcome: Outcome, rule: String, sentence: String) {
    self.outcome = outcome
    self.rule = rule
    self.sentence = sentence
  }

  /// The lines a lesson prints: `verdict: holds — …` then `rule: …`.
  public var lines: [String] {
    ["verdict: \(outcome.rawValue) — \(sentence)", "rule: \(rule)"]
  }
}

/// The difference of two quantities measured over seeds, judged against their noise.
///
/// Rule: with at least `minimumSeeds` seeds on each side, a difference of the means
/// counts when `|x̄_a − x̄_b| > max(k · s_pooled, resolution)`, where
/// `s_pooled = √((s_a² + s_b²)/2)` and `resolution` is the smallest step the quantity
/// can take (one test image: 0.01 points of accuracy on 10,000 images).
public struct Difference: Sendable, Equatable {
  /// Which way the difference went, if it counts.
  public enum Direction: Sendable, Equatable {
    /// `a` is higher than `b`, beyond the noise.
    case higher
    /// `a` is lower than `b`, beyond the noise.
    case lower
    /// The difference is within the noise.
    case indistinguishable
    /// Too few seeds to estimate the noise: no decision.
    case undecided
  }

  /// The decision.
  public var direction: Direction
  /// `x̄_a − x̄_b`.
  public var delta: Double
  /// The margin the difference had to exceed, `max(k · s_pooled, resolution)`.
  public var margin: Double
  /// The rule, in words, with its numbers.
  public var rule: String
  /// The sentence the rule chose.
  public var sentence: String

  /// Judges `a` against `b`.
  /// - Parameters:
  ///   - k: how many pooled standard deviations a difference must exceed (2 by default)
  ///   - resolution: the smallest step the quantity can take
  ///   - unit: printed after every number, e.g. `pt` or `px`
  ///   - minimumSeeds: fewer seeds than this on either side gives `.undecided`
  public static func judge(
    _ aName: String, _ a: SeedSpread, _ bName: String, _ b: SeedSpread,
    k: Double = 2, resolution: Double, unit: String, decimals: Int = 2, minimumSeeds: Int = 2
  ) -> Difference {
    let delta = a.mean - b.mean
    let pooled = SeedSpread.pooledStandardDeviation(a, b)
    let margin = Swift.max(k * pooled, resolution)
    let f = { (x: Double) in Format.fixed(x, decimals) + (unit.isEmpty ? "" : " " + unit) }
    let seeds = Swift.min(a.count, b.count)
    guard seeds >= minimumSeeds else {
      return Difference(
        direction: .undecided, delta: delta, margin: margin,
        rule: "a difference needs at least \(minimumSeeds) seeds on each side to be judged against its noise",
        sentence:
          "\(aName) and \(bName) are not compared: \(seeds) seed(s) give no spread to judge Δ = \(Format.signed(delta, decimals)) against"
      )
    }
    let rule =
      "a difference counts when |Δ| > max(\(Format.fixed(k, 0)) × pooled seed SD, \(f(resolution))) = \(f(margin))"
    // (Measurements are decimals such as 99.01 − 99.00; rounding must not tip the rule.)
    if abs(delta) - margin > 1e-9 * Swift.max(1, margin) {
      let direction: Direction = delta > 0 ? .higher : .lower
      return Difference(
        direction: direction, delta: delta, margin: margin, rule: rule,
        sentence:
          "\(aName) is \(delta > 0 ? "higher" : "lower") than \(bName) by \(f(abs(delta))) (more than \(f(margin)))")
    }
    return Difference(
      direction: .indistinguishable, delta: delta, margin: margin, rule: rule,
      sentence:
        "no measurable difference between \(aName) and \(bName): Δ = \(Format.signed(delta, decimals))\(unit.isEmpty ? "" : " " + unit), within \(f(margin))"
    )
  }
}

/// Whether a run learned enough for conclusions to be drawn from it.
///
/// Rule: the measured accuracy must reach `required`. Below it the lesson prints the
/// `⚠` line and draws no conclusions.
public struct Readiness: Sendable, Equatable {
  /// True when the accuracy reached the requirement.
  public var isReady: Bool
  /// `✓ …` when ready, `⚠ …` (with what to do) when not.
  public var line: String
  /// The command that ends a `⚠` line's advice, if it ends in one (a shell line).
  public var command: String?

  public init(isReady: Bool, line: String, command: String? = nil) {
    (self.isReady, self.line, self.command) = (isReady, line, command)
  }

  /// - Parameters:
  ///   - what: what was measured, e.g. `the parent model's MNIST test accuracy`
  ///   - fix: what to do about it, e.g. `train it fully with:`
  ///   - command: the command that does it, which the line ends with, e.g. `dsdc train`
  public static func accuracy(
    _ measured: Double, atLeast required: Double, what: String, fix: String, command: String? = nil
  ) -> Readiness {
    let numbers = "\(Format.fixed(measured * 100, 2))% (conclusions need ≥ \(Format.fixed(required * 100, 2))%)"
    if measured >= required {
      return Readiness(isReady: true, line: "✓ \(what): \(numbers)")
    }
    let advice = fix + (command.map { " " + $0 } ?? "")
    return Readiness(
      isReady: false, line: "⚠ \(what) is only \(numbers): too little training to conclude anything; \(advice)",
      command: command)
  }

  /// The line in lines of at most `width` columns, each after the first starting with
  /// `continuation`: the sentence broken as prose (`ProseWrap`), its command, if any,
  /// as a command on lines of its own (`ShellQuoting.lines`), never split inside a word.
  public func lines(width: Int, continuation: String = "  ") -> [String] {
    guard let command, line.hasSuffix(" " + command) else {
      return ProseWrap.lines(line, width: width, continuation: continuation)
    }
    return ProseWrap.lines(String(line.dropLast(command.count + 1)), width: width, continuation: continuation)
      + ShellQuoting.lines(quoted: command, indent: continuation, width: width)
  }
}
