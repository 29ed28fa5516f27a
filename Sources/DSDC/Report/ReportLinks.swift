import Foundation

/// A `src` or `href` in the report page that does not lead anywhere.
public struct BrokenLink: Sendable, Equatable, CustomStringConvertible {
  /// Why the link is broken.
  public enum Reason: Sendable, Equatable {
    /// A relative path to a file that is not on disk.
    case missingFile
    /// `#name` with no element of that id in the page.
    case missingAnchor
    /// An absolute path, a `../` path, or a URL with a scheme: the page must be
    /// movable and work offline, so every link stays inside the output folder.
    case notRelative
  }

  /// `src` or `href`.
  public var attribute: String
  /// The link as written in the page (HTML entities decoded).
  public var target: String
  /// Why it is broken.
  public var reason: Reason

  public init(attribute: String, target: String, reason: Reason) {
    self.attribute = attribute
    self.target = target
    self.reason = reason
  }

  public var description: String {
    switch reason {
    case .missingFile: return "\(target) (no such file)"
    case .missingAnchor: return "\(target) (no such anchor)"
    case .notRelative: return "\(target) (not a relative link inside the output folder)"
    }
  }
}

/// Finding the report page's broken links: every `src` and `href` must be an
/// anchor of the page or a relative path to a file inside the page's folder.
public enum ReportLinks {
  /// The broken links of the page at `page`, resolved against its folder.
  public static func broken(inPage page: URL) throws -> [BrokenLink] {
    let html = try String(contentsOf: page, encoding: .utf8)
    return broken(inHTML: html, relativeTo: page.deletingLastPathComponent())
  }

  /// The broken links of `html`, whose relative links start in `folder`.
  public static func broken(inHTML html: String, relativeTo folder: URL) -> [BrokenLink] {
    let ids = Set(html.matches(of: #/\bid\s*=\s*"([^"]*)"/#).map { HTMLText.unescape(String($0.output.1)) })
    var result: [BrokenLink] = []
    for match in html.matches(of: #/\b(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')/#.ignoresCase()) {
      let attribute = String(match.output.1).lowercased()
      let target = HTMLText.unescape(String(match.output.2 ?? match.output.3 ?? ""))
      if let reason = problem(with: target, ids: ids, folder: folder) {
        result.append(BrokenLink(attribute: attribute, target: target, reason: reason))
      }
    }
    return result
  }

  private static func problem(with target: String, ids: Set<String>, folder: URL) -> BrokenLink.Reason? {
    if target.hasPrefix("#") {
      let anchor = String(target.dropFirst())
      return anchor.isEmpty || ids.contains(anchor.removingPercentEncoding ?? anchor) ? nil : .missingAnchor
    }
    // A scheme (`https:`, `file:`, `data:`), a network path (`//host`) or an absolute path.
    if target.hasPrefix("/") || target.wholeMatch(of: #/[A-Za-z][A-Za-z0-9+.\-]*:.*/#) != nil {
      return .notRelative
    }
    let path = String(target.prefix { $0 != "?" && $0 != "#" })
    guard let decoded = path.removingPercentEncoding, !decoded.isEmpty else { return .missingFile }
    var depth = 0
    for component in decoded.split(separator: "/") where component != "." {
      depth += component == ".." ? -1 : 1
      if depth < 0 { return .notRelative }
    }
    let url = folder.appendingPathComponent(decoded)
    return FileManager.default.fileExists(atPath: url.path) ? nil : .missingFile
  }
}
