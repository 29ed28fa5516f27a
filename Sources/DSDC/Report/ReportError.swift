/// Why the report page could not be made whole.
public enum ReportError: Error, CustomStringConvertible {
  /// The page was written, but some of its links lead nowhere.
  case brokenLinks(page: String, links: [BrokenLink])
  /// There is no output folder to make a page of.
  case noOutputFolder(path: String)

  public var description: String {
    switch self {
    case .brokenLinks(let page, let links):
      return "\(page) would have \(links.count) broken link\(links.count == 1 ? "" : "s") (it was not written): "
        + links.map(\.description).joined(separator: ", ")
        + " — HINT: a lesson's files were moved or deleted after it ran; run it again"
        + " (`swift run -c release dsdc lessons`) or delete its folder"
    case .noOutputFolder(let path):
      return "there is no output folder at \(path) — HINT: run a lesson first"
        + " (`swift run -c release dsdc lesson 1`), or name the folder with --output DIR"
    }
  }
}
