/// Text from outside (a path, a class name read from a checkpoint) made safe to print:
/// control characters (line breaks, the escape that starts a terminal control
/// sequence) and the Unicode line and paragraph separators are shown as `\u{…}`, so a
/// hostile name can neither start a new line nor drive the terminal.
/// ```
/// TerminalText.safe("a\nb\u{1B}[2J")   // "a\u{a}b\u{1b}[2J", one printable line
/// ```
public enum TerminalText {
  /// `text` with every control character and line separator escaped.
  public static func safe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var line = ""
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        line += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        line.unicodeScalars.append(scalar)
      }
    }
    return line
  }

  /// Whether a scalar would break a line or reach the terminal as a control.
  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
  }
}
