import DSDC
import Testing

@Suite("SeedSpread")
struct SeedSpreadTests {
  @Test func meanAndSampleStandardDeviationByHand() {
    // x = 1, 2, 3, 6: mean 3, squared deviations 4 + 1 + 0 + 9 = 14, s = √(14/3)
    let s = SeedSpread([1, 2, 3, 6])
    #expect(s.mean == 3)
    #expect(abs(s.standardDeviation - (14.0 / 3).squareRoot()) < 1e-12)
    #expect(s.min == 1 && s.max == 6 && s.count == 4)
    #expect(s.formatted(1) == "3.0 ± 2.2 (1.0–6.0, 4 seeds)")
  }

  @Test func oneSeedHasNoSpread() {
    let s = SeedSpread([99.5])
    #expect(s.standardDeviation == 0)
    #expect(s.formatted() == "99.50 (1 seed)")
  }

  @Test func pooledStandardDeviation() {
    // a = (0, 2): mean 1, s_a = √2; b = (5, 5): s_b = 0; pooled √((2 + 0)/2) = 1
    let a = SeedSpread([0, 2])
    let b = SeedSpread([5, 5])
    #expect(abs(SeedSpread.pooledStandardDeviation(a, b) - 1) < 1e-12)
  }
}

@Suite("Difference rule")
struct DifferenceTests {
  // Two seeds m ± 0.05 have s = 0.05·√2 = 0.0707; pooled with another such pair the
  // same, so the margin is 2 × 0.0707 = 0.1414 pt.
  let base = SeedSpread([99.00, 99.10])

  @Test func aboveTheMarginCountsAsHigher() {
    let a = SeedSpread([99.20, 99.30])  // Δ = +0.20 > 0.1414
    let d = Difference.judge("a", a, "b", base, resolution: 0.01, unit: "pt")
    #expect(d.direction == .higher)
    #expect(abs(d.delta - 0.2) < 1e-9)
    #expect(d.sentence.hasPrefix("a is higher than b by 0.20 pt"))
  }

  @Test func belowTheMarginIsIndistinguishable() {
    let a = SeedSpread([99.10, 99.20])  // Δ = +0.10 < 0.1414
    let d = Difference.judge("a", a, "b", base, resolution: 0.01, unit: "pt")
    #expect(d.direction == .indistinguishable)
    #expect(d.sentence.hasPrefix("no measurable difference between a and b"))
    #expect(d.rule.contains("0.14 pt"))
  }

  @Test func lowerBeyondTheMargin() {
    let a = SeedSpread([98.80, 98.90])  // Δ = −0.20
    #expect(Difference.judge("a", a, "b", base, resolution: 0.01, unit: "pt").direction == .lower)
  }

  @Test func resolutionIsTheFloorWhenSeedsAgreeExactly() {
    let same = SeedSpread([99.0, 99.0])
    // SD 0: a difference of one step (0.01) does not exceed the 0.01 floor; two steps do.
    #expect(
      Difference.judge("a", SeedSpread([99.01, 99.01]), "b", same, resolution: 0.01, unit: "pt").direction
        == .indistinguishable)
    #expect(
      Difference.judge("a", SeedSpread([99.02, 99.02]), "b", same, resolution: 0.01, unit: "pt").direction
        == .higher)
  }

  @Test func oneSeedIsUndecided() {
    let d = Difference.judge("a", SeedSpread([99.9]), "b", SeedSpread([10.0]), resolution: 0.01, unit: "pt")
    #expect(d.direction == .undecided)
    #expect(d.sentence.contains("not compared"))
  }
}

@Suite("Readiness rule")
struct ReadinessTests {
  @Test func atTheThresholdIsReady() {
    let r = Readiness.accuracy(0.90, atLeast: 0.90, what: "the model's test accuracy", fix: "train longer")
    #expect(r.isReady)
    #expect(r.line.hasPrefix("✓ "))
  }

  @Test func belowTheThresholdWarns() {
    let r = Readiness.accuracy(0.115, atLeast: 0.90, what: "the model's test accuracy", fix: "train longer")
    #expect(!r.isReady)
    #expect(r.line.hasPrefix("⚠ "))
    #expect(r.line.contains("11.50%") && r.line.contains("train longer"))
  }
}

@Suite("Verdict")
struct VerdictLineTests {
  @Test func linesNameOutcomeAndRule() {
    let v = Verdict(.notShown, rule: "r", sentence: "s")
    #expect(v.lines == ["verdict: not shown at this budget — s", "rule: r"])
  }
}

@Suite("Format.wrap")
struct WrapTests {
  @Test func breaksAtSpacesKeepingTheIndent() {
    #expect(Format.wrap("  rule: a b c", width: 10, continuation: "      ") == ["  rule: a", "      b c"])
    #expect(Format.wrap("short", width: 10) == ["short"])
    #expect(Format.wrap("averyveryverylongword x", width: 8, continuation: "") == ["averyveryverylongword", "x"])
  }
}
