import Foundation

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
/// the final name (atomic within one file system); then the folder is flushed, so the
/// new name survives a power cut. On any failure the temporary file is
/// removed, so no half-written file is ever left at `path` or beside it.
enum AtomicFile {
  /// Replaces (or creates) `path` with `bytes`; throws the operating system's message.
  /// `beforeRename` runs once the temporary file is complete; tests make it throw to
  /// check that a failed write leaves the previous file and no temporary file.
  static func replace(
    _ path: String, with bytes: [UInt8],
    beforeRename: () throws -> Void = {}
  ) throws(AtomicFileError) {
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
    if failure == nil {
      do { try beforeRename() } catch { failure = "\(error)" }
    }
    if failure == nil && rename(temporary, path) != 0 { failure = systemMessage(errno) }
    if let failure {
      unlink(temporary)
      throw AtomicFileError(message: failure)
    }
    // Flush the folder so that the rename itself is on disk; the new file is
    // complete either way, so a folder that cannot be flushed is not an error.
    let folder = temporaryPrefix(for: path).folder
    let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      _ = fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  /// `<folder>/.<name>.tmp-<16 hex digits>` beside `path` (the random part only keeps
  /// concurrent writers of the same name apart; it does not affect any result).
  static func temporaryPath(for path: String) -> String {
    let (folder, prefix) = temporaryPrefix(for: path)
    let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    return folder + prefix + String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The folder of `path` (with its trailing `/`, or empty) and the name its
  /// temporary files start with, `.<name>.tmp-`.
  private static func temporaryPrefix(for path: String) -> (folder: String, prefix: String) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return (folder, ".\(name).tmp-")
  }

  /// Removes the temporary files that writes of `path` left behind when the process
  /// was killed between creating and renaming them (`.<name>.tmp-*` beside `path`).
  /// Only for a folder one process writes at a time: another writer's file in
  /// progress would be removed too. Returns how many were removed.
  @discardableResult
  static func removeLeftovers(of path: String) -> Int {
    let (folder, prefix) = temporaryPrefix(for: path)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else {
      return 0
    }
    var removed = 0
    for name in names where name.hasPrefix(prefix) && name.count == prefix.count + 16 {
      if unlink(folder + name) == 0 { removed += 1 }
    }
    return removed
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
