import Foundation

/// The colour a printed line gets on a terminal, chosen by how the line starts (after
/// its indentation): `✓` a check that held (green), `⚠` a warning (yellow), `✗` a
/// check that failed (bold red), `ERRATUM` an error of the article (red). Everything
/// else stays plain.
///
/// Colour is added only where a line reaches the terminal (`standardOutput`), after
/// the line is recorded: transcripts, `lesson.json` and the report never hold escape codes.
public enum LineColour: Sendable, Equatable {
  case plain, green, yellow, red, boldRed

  /// The colour of one printed line.
  public static func of(_ line: String) -> LineColour {
    let text = line.drop { $0 == " " }
    if text.hasPrefix("✓") { return .green }
    if text.hasPrefix("⚠") { return .yellow }
    if text.hasPrefix("✗") { return .boldRed }
    if text.hasPrefix("ERRATUM") { return .red }
    return .plain
  }

  /// The SGR parameters that select the colour (`ESC [ … m`), nil for plain.
  var code: String? {
    switch self {
    case .plain: return nil
    case .green: return "32"
    case .yellow: return "33"
    case .red: return "31"
    case .boldRed: return "1;31"
    }
  }

  /// `line` between the escape codes of its colour and the reset code (unchanged if plain).
  public static func painted(_ line: String) -> String {
    guard let code = of(line).code else { return line }
    return "\u{1B}[\(code)m" + line + "\u{1B}[0m"
  }

  /// Whether standard output gets colour (`Terminal.wantsColour`), decided once per process.
  public static let onStandardOutput = Terminal.wantsColour(
    isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)

  /// A line about to be written to standard output: painted if standard output gets colour.
  public static func forStandardOutput(_ line: String) -> String {
    onStandardOutput ? painted(line) : line
  }
}
