#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes whole files so that a reader sees either the old file or the complete new one.
///
/// The bytes go to a hidden temporary file in the same folder,
/// `<folder>/.<name>.tmp-<random hex>`, which is flushed, closed and then `rename`d onto
/// the final name (atomic within one file system). On any failure the temporary file is
/// removed, so no half-written file is ever left at `path` or beside it.
enum AtomicFile {
  /// Replaces (or creates) `path` with `bytes`; throws the operating system's message.
  static func replace(_ path: String, with bytes: [UInt8]) throws(AtomicFileError) {
    let temporary = temporaryPath(for: path)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw AtomicFileError(message: systemMessage(errno)) }

    var failure: String? = nil
    bytes.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let n = write(fd, raw.baseAddress! + done, raw.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          failure = systemMessage(errno)
          return
        }
        done += n
      }
    }
    if failure == nil && fsync(fd) != 0 { failure = systemMessage(errno) }
    if close(fd) != 0 && failure == nil { failure = systemMessage(errno) }
    if failure == nil && rename(temporary, path) != 0 { failure = systemMessage(errno) }
    if let failure {
      unlink(temporary)
      throw AtomicFileError(message: failure)
    }
  }

  /// `<folder>/.<name>.tmp-<16 hex digits>` beside `path` (the random part only keeps
  /// concurrent writers of the same name apart; it does not affect any result).
  static func temporaryPath(for path: String) -> String {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    return "\(folder).\(name).tmp-\(suffix)"
  }

  /// The C library's text for an `errno` value, e.g. "Permission denied".
  static func systemMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }
}

/// A failed `AtomicFile.replace`, with the operating system's message.
struct AtomicFileError: Error {
  /// E.g. "No such file or directory".
  var message: String
}
