/// The article's three claims for depthwise separable dilated convolution, each
/// decided by a rule from the comparison's numbers. Every rule is a small function of
/// plain numbers, unit-tested on both sides of its threshold.
public enum ComparisonClaims {
  /// The share of the machine other processes may take while the networks are timed;
  /// above it the timings are disturbed and no speed is judged.
  public static let disturbedShare = 0.10

  /// `share` as a percentage with one decimal, `10.3%`: shown as a whole percent, a
  /// share just above the limit would read as the limit itself.
  public static func percent(_ share: Double) -> String { Format.fixed(share * 100, 1) + "%" }

  /// The counts of one network that the cost and field rules read.
  public struct Counts: Sendable, Equatable {
    /// The variant's name, e.g. `separable`.
    public var name: String
    /// Trainable numbers.
    public var parameters: Int
    /// Multiply-adds per image.
    public var multiplyAdds: Int
    /// Side of the theoretical receptive field of the last block's centre output.
    public var field: Int

    public init(name: String, parameters: Int, multiplyAdds: Int, field: Int) {
      self.name = name
      self.parameters = parameters
      self.multiplyAdds = multiplyAdds
      self.field = field
    }
  }

  /// The test accuracy every network must reach before accuracy or effective-field
  /// conclusions are drawn: a network that has learned (9× chance), the same bar as a
  /// training run's (lesson 8).
  public static let requiredAccuracy = 0.90

  /// §1.3 "在保持感受野不变的情况下减少计算量和参数量": per pair, separable against the
  /// standard network with the same dilations.
  ///
  /// Rule: holds when in every pair the separable network has fewer parameters *and*
  /// fewer multiply-adds *and* the same theoretical receptive field; does not hold when
  /// some pair fails any of the three; not shown without a pair.
  public static func cheaperWithSameField(_ pairs: [(separable: Counts, standard: Counts)]) -> Verdict {
    let rule =
      "holds when each separable network has fewer parameters and fewer multiply-adds than the"
      + " standard one with the same dilations, and the same theoretical receptive field"
    guard !pairs.isEmpty else {
      return Verdict(.notShown, rule: rule, sentence: "no separable/standard pair was run")
    }
    var parts: [String] = []
    var holds = true
    for (s, t) in pairs {
      let ok = s.parameters < t.parameters && s.multiplyAdds < t.multiplyAdds && s.field == t.field
      holds = holds && ok
      parts.append(
        "\(s.name) has \(ratio(t.parameters, s.parameters)) fewer parameters and"
          + " \(ratio(t.multiplyAdds, s.multiplyAdds)) fewer multiply-adds than \(t.name),"
          + " field \(s.field) vs \(t.field) px")
    }
    return Verdict(holds ? .holds : .doesNotHold, rule: rule, sentence: parts.joined(separator: "; "))
  }

  /// §2.3 "通过扩大感受野而不增加参数量", the theoretical part: per pair, the dilated
  /// network against the same network with dilation 1.
  ///
  /// Rule: holds when in every pair the dilated network has exactly the same number of
  /// parameters and a larger theoretical receptive field.
  public static func dilationWidensField(_ pairs: [(dilated: Counts, undilated: Counts)]) -> Verdict {
    let rule =
      "holds when each dilated network has the same parameter count as its D = 1 twin and a larger"
      + " theoretical receptive field"
    guard !pairs.isEmpty else {
      return Verdict(.notShown, rule: rule, sentence: "no dilated/undilated pair was run")
    }
    var holds = true
    let parts = pairs.map { d, u in
      holds = holds && d.parameters == u.parameters && d.field > u.field
      return "\(d.name) sees \(d.field)×\(d.field) px with \(Format.grouped(d.parameters)) parameters,"
        + " \(u.name) \(u.field)×\(u.field) px with \(Format.grouped(u.parameters))"
    }
    return Verdict(holds ? .holds : .doesNotHold, rule: rule, sentence: parts.joined(separator: "; "))
  }

  /// §2.3, measured: does dilation also widen the *effective* receptive field (the 90%
  /// square of the input gradient) of the trained networks?
  ///
  /// Rule: only when the networks have learned (`ready`); each pair's difference is
  /// judged by `Difference` (2 × pooled seed SD, at least 1 px); holds when every pair
  /// is higher, does not hold when some pair is lower, otherwise (within the noise, or
  /// too few seeds) not shown.
  public static func dilationWidensEffectiveField(
    _ pairs: [(dilated: String, dilatedSide: SeedSpread, undilated: String, undilatedSide: SeedSpread)],
    ready: Bool
  ) -> Verdict {
    let rule =
      "each pair's effective-field sides differ when |Δ| > max(2 × pooled seed SD, 1 px);"
      + " holds when every dilated network's is larger, does not hold when one is smaller"
    guard ready else {
      return Verdict(
        .notShown, rule: rule, sentence: "the networks have not learned enough to measure what they look at")
    }
    guard !pairs.isEmpty else { return Verdict(.notShown, rule: rule, sentence: "no dilated/undilated pair was run") }
    let judged = pairs.map {
      Difference.judge(
        $0.dilated, $0.dilatedSide, $0.undilated, $0.undilatedSide, resolution: 1, unit: "px", decimals: 1)
    }
    let sentence = judged.map(\.sentence).joined(separator: "; ")
    if judged.allSatisfy({ $0.direction == .higher }) { return Verdict(.holds, rule: rule, sentence: sentence) }
    if judged.contains(where: { $0.direction == .lower }) {
      return Verdict(.doesNotHold, rule: rule, sentence: sentence)
    }
    return Verdict(.notShown, rule: rule, sentence: sentence)
  }

  /// §2.4 "提高了特征提取能力": is DSDC-Net's test accuracy higher than the standard
  /// network's, at the budget that was run?
  ///
  /// Rule: only when the networks have learned (`ready`); `Difference` with 2 × pooled
  /// seed SD and one test image as the floor: holds when DSDC-Net is higher, does not
  /// hold when it is lower, not shown when the difference is within the noise or there
  /// are too few seeds.
  public static func betterFeatures(
    dsdc: SeedSpread, standard: SeedSpread, testImages: Int, budget: String, ready: Bool
  ) -> Verdict {
    let onePoint = 100 / Double(Swift.max(testImages, 1))
    let difference = Difference.judge("dsdc", dsdc, "standard", standard, resolution: onePoint, unit: "pt")
    let rule = "test accuracy over seeds: " + difference.rule
    guard ready else {
      return Verdict(.notShown, rule: rule, sentence: "the networks have not learned enough to compare their features")
    }
    let sentence = "\(difference.sentence), after \(budget)"
    switch difference.direction {
    case .higher: return Verdict(.holds, rule: rule, sentence: sentence)
    case .lower: return Verdict(.doesNotHold, rule: rule, sentence: sentence)
    case .indistinguishable, .undecided: return Verdict(.notShown, rule: rule, sentence: sentence)
    }
  }

  /// Whether fewer multiply-adds bought the same speed-up in training.
  ///
  /// Rule: with `cheap` needing `m` times fewer multiply-adds than `costly` and training
  /// `s` times faster, the speed-up follows the multiply-adds when `s ≥ 0.8 · m`, falls
  /// short when below; nothing is said when the timing was disturbed (other processes
  /// took more than 10% of the machine).
  public static func speedFollowsMultiplyAdds(
    cheap: String, costly: String, multiplyAddRatio m: Double, speedRatio s: Double, otherCPUShare: Double?
  ) -> Verdict {
    let rule =
      "the speed-up follows the multiply-adds when it is at least 0.8 × their ratio;"
      + " timings count only when other processes used ≤ \(percent(disturbedShare)) of the machine"
    if let share = otherCPUShare, share > disturbedShare {
      return Verdict(
        .notShown, rule: rule, sentence: "other processes used \(percent(share)) of the machine while timing")
    }
    let numbers =
      "\(cheap) needs \(Format.fixed(m, 1))× fewer multiply-adds than \(costly) and trains"
      + " \(Format.fixed(s, 1))× as fast"
    return s >= 0.8 * m
      ? Verdict(.holds, rule: rule, sentence: numbers + ": the speed-up follows the multiply-adds")
      : Verdict(.doesNotHold, rule: rule, sentence: numbers + ": the speed-up falls short of the multiply-adds")
  }

  /// `7.8×`: how many times `a` is `b`.
  static func ratio(_ a: Int, _ b: Int) -> String { Format.fixed(Double(a) / Double(Swift.max(b, 1)), 1) + "×" }
}
