/// Why a PNG file could not be written or read; each description is one line naming
/// the file, what went wrong, and a hint on what to do.
///
/// ```
/// do { try image.writePNG(to: "Output/x.png") } catch { print(error) }
/// // cannot write Output/x.png: No such file or directory — HINT: create the folder first, or choose another with --output DIR
/// ```
public enum PNGError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Encoding or saving failed (missing or unwritable folder, disk full, …);
  /// `message` is the operating system's or libpng's own text.
  case writeFailed(path: String, message: String)
  /// The file could not be opened, or libpng could not decode it (truncated, corrupt, …).
  case readFailed(path: String, message: String)
  /// The file does not start with the 8-byte PNG signature (empty, text, another format).
  case notPNG(path: String)
  /// The header declares more than `limit` pixels; refused before any pixel memory is allocated.
  case tooLarge(path: String, width: Int, height: Int, limit: Int)

  /// The file the error is about.
  public var path: String {
    switch self {
    case .writeFailed(let path, _), .readFailed(let path, _), .notPNG(let path),
      .tooLarge(let path, _, _, _):
      return path
    }
  }

  /// One line: what failed, for which file, and — after `HINT:` — what to try.
  public var description: String {
    switch self {
    case .writeFailed(let path, let message):
      return Self.failed(
        "cannot write", path, message, missing: "create the folder first, or choose another with --output DIR",
        otherwise: "choose a writable folder with --output DIR")
    case .readFailed(let path, let message):
      return Self.failed(
        "cannot read", path, message, missing: "check the path (run the step that writes this file first)",
        otherwise: "the file is damaged or incomplete; write it again")
    case .notPNG(let path):
      return "cannot read \(path): not a PNG file (no PNG signature) — HINT: pass a .png image"
    case .tooLarge(let path, let width, let height, let limit):
      return "cannot read \(path): \(width)×\(height) = \(width * height) pixels exceeds the limit of \(limit)"
        + " — HINT: if the image is genuine, shrink it or raise the limit (dsdc predict --max-pixels N)"
    }
  }

  /// `<what> <path>: <message> — HINT: <hint>`, the hint `missing` when the system's
  /// message says the file or folder does not exist, else `otherwise`.
  private static func failed(
    _ what: String, _ path: String, _ message: String, missing: String, otherwise: String
  ) -> String {
    "\(what) \(path): \(message) — HINT: \(message.contains("No such file") ? missing : otherwise)"
  }
}
