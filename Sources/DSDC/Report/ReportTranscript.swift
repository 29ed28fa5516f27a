/// How the report shows a lesson's printed lines: which lines it leaves out and
/// which it highlights.
enum ReportTranscript {
  /// What a printed line is, for its colour on the page.
  enum Kind: Equatable {
    /// `ERRATUM (article §x.y): …` — the article is wrong here; highlighted.
    case erratum
    /// A line with `✗`: a check that failed; red.
    case failedCheck
    /// A line with `✓`: a check that held; green.
    case passedCheck
    /// Everything else.
    case plain
  }

  /// The kind of one printed line.
  static func kind(of line: String) -> Kind {
    if line.drop(while: { $0 == " " }).hasPrefix("ERRATUM") { return .erratum }
    if line.contains("✗") { return .failedCheck }
    if line.contains("✓") { return .passedCheck }
    return .plain
  }

  /// The lines worth showing: without the runner's `━━ Lesson N — title` heading
  /// (the section's own heading says it) and without blank lines at either end.
  static func shownLines(_ lines: [String]) -> [String] {
    var shown = lines[...]
    let isBlank = { (line: String) in line.allSatisfy(\.isWhitespace) }
    while let first = shown.first, isBlank(first) { shown = shown.dropFirst() }
    if let first = shown.first, first.hasPrefix("━━ ") { shown = shown.dropFirst() }
    while let first = shown.first, isBlank(first) { shown = shown.dropFirst() }
    while let last = shown.last, isBlank(last) { shown = shown.dropLast() }
    return Array(shown)
  }
}
