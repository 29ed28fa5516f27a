import Foundation

/// Number formatting for lesson output, so printed formulas line up and read alike.
public enum Format {
  /// Fixed-point with `decimals` digits: `fixed(0.13066, 4)` → `0.1307`.
  public static func fixed<T: BinaryFloatingPoint>(_ value: T, _ decimals: Int = 4) -> String {
    String(format: "%.\(decimals)f", Double(value))
  }

  /// Fixed-point with an explicit sign: `signed(-0.5, 2)` → `-0.50`, `signed(0.5, 2)` → `+0.50`.
  public static func signed<T: BinaryFloatingPoint>(_ value: T, _ decimals: Int = 4) -> String {
    String(format: "%+.\(decimals)f", Double(value))
  }

  /// Bytes as upper-case hex pairs: `[0, 8, 3]` → `00 08 03`.
  public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
  }

  /// A number as Swift writes it, a whole one without its decimal point:
  /// `short(10.0)` → `10`, `short(0.0005)` → `0.0005`.
  public static func short(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
  }

  /// An integer with thousands separators: `30922` → `30,922`.
  public static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return (value < 0 ? "-" : "") + out
  }

  /// `text` broken at spaces into lines of at most `width` terminal columns (counted by
  /// `DisplayWidth`, so a CJK character counts 2; a word longer than a line stands
  /// alone). The first line keeps `text`'s leading spaces; the others start with
  /// `continuation`: `wrap("  rule: a b c", width: 10, continuation: "      ")`
  /// → `["  rule: a", "      b c"]`.
  public static func wrap(_ text: String, width: Int = 80, continuation: String = "  ") -> [String] {
    let indent = String(text.prefix { $0 == " " })
    var (lines, line, hasWord) = ([String](), indent, false)
    var columns = indent.count
    for word in text.dropFirst(indent.count).split(separator: " ") {
      let wordColumns = DisplayWidth.of(word)
      if hasWord && columns + 1 + wordColumns > width {
        lines.append(line)
        (line, hasWord, columns) = (continuation, false, DisplayWidth.of(continuation))
      }
      line += (hasWord ? " " : "") + word
      columns += (hasWord ? 1 : 0) + wordColumns
      hasWord = true
    }
    lines.append(line)
    return lines
  }
}
