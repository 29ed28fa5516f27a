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

  /// The line that stands for the folded-away text: how many lines, and how many of
  /// them are errata and failed checks, so nothing that matters hides unnoticed.
  /// ```
  /// summary(["a", "ERRATUM (article §1): …", "  ✗ x"]) == "Printed output · 3 lines · 1 erratum · 1 failed check"
  /// ```
  static func summary(_ lines: [String]) -> String {
    let kinds = lines.map(kind(of:))
    let errata = kinds.filter { $0 == .erratum }.count
    let failed = kinds.filter { $0 == .failedCheck }.count
    var parts = ["Printed output", "\(lines.count) line\(lines.count == 1 ? "" : "s")"]
    if errata > 0 { parts.append("\(errata) errat\(errata == 1 ? "um" : "a")") }
    if failed > 0 { parts.append("\(failed) failed check\(failed == 1 ? "" : "s")") }
    return parts.joined(separator: " · ")
  }
}
