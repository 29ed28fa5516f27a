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
      let hint =
        message.contains("No such file")
        ? "create the folder first, or choose another with --output DIR"
        : "choose a writable folder with --output DIR"
      return "cannot write \(path): \(message) — HINT: \(hint)"
    case .readFailed(let path, let message):
      let hint =
        message.contains("No such file")
        ? "check the path (run the step that writes this file first)"
        : "the file is damaged or incomplete; write it again"
      return "cannot read \(path): \(message) — HINT: \(hint)"
    case .notPNG(let path):
      return "cannot read \(path): not a PNG file (no PNG signature) — HINT: pass a .png image"
    case .tooLarge(let path, let width, let height, let limit):
      return "cannot read \(path): \(width)×\(height) = \(width * height) pixels exceeds the limit of \(limit)"
        + " — HINT: if the image is genuine, shrink it or raise the limit (dsdc predict --max-pixels N)"
    }
  }
}
