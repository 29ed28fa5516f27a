import DSDC
import Testing

@Suite("Number labels and ticks")
struct NumberLabelTests {
  @Test(arguments: [
    (Float(0), "0"), (0.5, "0.5"), (-1.2345, "-1.23"), (12345, "12345"), (3.98, "3.98"),
    (0.000123, "1.23e-4"), (1_234_567, "1.23e6"), (-0.0001, "-1e-4"), (1, "1"), (0.923, "0.923"),
    (-0.0, "0"), (99.96, "100"), (9.9996, "10"),
  ])
  func formatsThreeSignificantDigits(value: Float, text: String) {
    #expect(NumberLabel.format(value) == text)
  }

  @Test func formatsSpecialValues() {
    #expect(NumberLabel.format(.nan) == "NaN")
    #expect(NumberLabel.format(-.infinity) == "-inf")
    #expect(NumberLabel.format(0.11111, significant: 2) == "0.11")
  }

  /// Range 0.052…0.412, about 6 ticks: raw step 0.36/5 = 0.072, so the candidates are
  /// 0.01, 0.02, 0.05, 0.1 with 36, 18, 7, 4 multiples inside the range; 7 is closest to 6,
  /// step 0.05: 0.1, 0.15, …, 0.4.
  @Test func niceTicksUseOneTwoFiveSteps() {
    let (values, step) = NumberLabel.niceTicks(lo: 0.052, hi: 0.412)
    #expect(abs(step - 0.05) < 1e-7)
    #expect(values.count == 7)
    for (v, e) in zip(values, [Float(0.1), 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]) { #expect(abs(v - e) < 1e-6) }
    // 0…100: raw 20; steps 10, 20, 50, 100 give 11, 6, 3, 2 ticks → 20.
    #expect(NumberLabel.niceTicks(lo: 0, hi: 100) == ([0, 20, 40, 60, 80, 100], 20))
  }

  @Test func tickLabelsShareTheStepsDecimals() {
    #expect(NumberLabel.ticks([0, 0.25, 0.5], step: 0.25) == ["0", "0.25", "0.5"])
    #expect(NumberLabel.ticks([0, 0.2, 0.4], step: 0.2) == ["0", "0.2", "0.4"])
    #expect(NumberLabel.ticks([0, 500, 1000], step: 500) == ["0", "500", "1000"])
  }
}
