/// Why the report page could not be made whole. Each hint names the command to type,
/// as `ReportCommands` writes it (the tool as started, the options in force).
public enum ReportError: Error, CustomStringConvertible {
  /// The page was written, but some of its links lead nowhere; `rerun` runs the lessons again.
  case brokenLinks(page: String, links: [BrokenLink], rerun: String)
  /// There is no output folder to make a page of; `firstLesson` runs lesson 1 into it.
  case noOutputFolder(path: String, firstLesson: String)

  public var description: String {
    switch self {
    case .brokenLinks(let page, let links, let rerun):
      return "\(page) would have \(links.count) broken link\(links.count == 1 ? "" : "s") (it was not written): "
        + links.map(\.description).joined(separator: ", ")
        + " — HINT: a lesson's files were moved or deleted after it ran; run it again"
        + " (`\(rerun)`) or delete its folder"
    case .noOutputFolder(let path, let firstLesson):
      return "there is no output folder at \(path) — HINT: run a lesson first"
        + " (`\(firstLesson)`), or name the folder with --output DIR"
    }
  }
}
