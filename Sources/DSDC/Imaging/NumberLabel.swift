import Foundation

/// Short decimal text for numbers in labels and ticks.
public enum NumberLabel {
  /// `value` with at most `significant` significant digits, no trailing zeros, no `-0`:
  /// `format(0.50) == "0.5"`, `format(-1.2345) == "-1.23"`, `format(12345) == "12345"`,
  /// `format(0.000123) == "1.23e-4"`.
  public static func format(_ value: Float, significant: Int = 3) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == 0 { return "0" }
    var magnitude = Int((log10(Double(abs(value)))).rounded(.down))
    // 9.9999e-5 rounds to 1.00e-4: take the magnitude of the rounded value.
    let unit = pow(10, Double(significant - 1 - magnitude))
    if (abs(Double(value)) * unit).rounded() >= pow(10, Double(significant)) { magnitude += 1 }
    if magnitude >= -3 && magnitude < 6 {
      let decimals = max(0, significant - 1 - magnitude)
      return trimmed(fixed(Double(value), decimals: decimals))
    }
    let mantissa = Double(value) / pow(10, Double(magnitude))
    return trimmed(fixed(mantissa, decimals: significant - 1)) + "e\(magnitude)"
  }

  /// Labels for evenly spaced ticks, all with the decimals the step needs:
  /// `ticks([0, 0.25, 0.5], step: 0.25) == ["0", "0.25", "0.5"]`.
  public static func ticks(_ values: [Float], step: Float) -> [String] {
    let decimals = step > 0 ? max(0, Int((-log10(Double(step)) + 0.999).rounded(.down))) : 3
    return values.map { trimmed(fixed(Double($0), decimals: min(decimals + 1, 6))) }
  }

  /// "Nice" tick positions covering `lo…hi`: the multiples of a step 1, 2 or 5 × 10ⁿ that
  /// fall inside the range, with the step whose tick count is closest to `target` (ties go
  /// to the larger step); returns the ticks and the step.
  public static func niceTicks(lo: Float, hi: Float, target: Int = 6) -> (values: [Float], step: Float) {
    guard hi > lo, lo.isFinite, hi.isFinite else { return ([lo], 1) }
    let raw = Double(hi - lo) / Double(max(target - 1, 1))
    let power = pow(10, (log10(raw)).rounded(.down))
    func range(_ step: Double) -> ClosedRange<Int>? {
      let first = Int((Double(lo) / step - 1e-6).rounded(.up))
      let last = Int((Double(hi) / step + 1e-6).rounded(.down))
      return first <= last ? first...last : nil
    }
    var best = 10 * power
    for step in [1.0, 2.0, 5.0, 10.0].map({ $0 * power }).reversed() {
      let count = range(step)?.count ?? 0
      let bestCount = range(best)?.count ?? 0
      if abs(count - target) < abs(bestCount - target) { best = step }
    }
    return ((range(best) ?? 0...(-1)).map { Float(Double($0) * best) }, Float(best))
  }

  /// Fixed-point text with `decimals` digits after the point, rounding half away from zero.
  private static func fixed(_ value: Double, decimals: Int) -> String {
    let scale = pow(10, Double(decimals))
    let scaled = (abs(value) * scale).rounded()
    let sign = value < 0 && scaled != 0 ? "-" : ""
    let digits = String(Int64(scaled))
    if decimals == 0 { return sign + digits }
    let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
    let point = padded.index(padded.endIndex, offsetBy: -decimals)
    return sign + padded[..<point] + "." + padded[point...]
  }

  /// Drops trailing zeros after a decimal point, and the point itself if nothing follows.
  private static func trimmed(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var t = Substring(text)
    while t.hasSuffix("0") { t = t.dropLast() }
    if t.hasSuffix(".") { t = t.dropLast() }
    return String(t)
  }
}
