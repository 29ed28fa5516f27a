import Foundation

/// A file's path as printed for the learner: relative to the current folder when the
/// file lies inside it (`Output/03-depthwise/maps.png`), else absolute.
public enum DisplayPath {
  /// `url`'s path, relative to `folder` (default: the current folder) where possible.
  public static func of(_ url: URL, from folder: String = FileManager.default.currentDirectoryPath) -> String {
    let path = url.standardizedFileURL.path
    let base = URL(fileURLWithPath: folder).standardizedFileURL.path
    let prefix = base.hasSuffix("/") ? base : base + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }
}
