import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Checks made on a path before any reader opens it: opening a FIFO blocks until a
/// writer appears (forever, for a user who passed one by mistake), a device can
/// deliver endless bytes, and a folder gives the system's least helpful message.
public enum InputFile {
  /// Why `path` cannot be read as a file, or nil if it is a regular file (after
  /// following symbolic links) or does not exist (the reader reports that itself).
  /// ```
  /// InputFile.problem("/dev/zero")   // "it is a device, not a regular file"
  /// ```
  public static func problem(_ path: String) -> String? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFDIR: return "it is a folder, not a file"
    case S_IFIFO: return "it is a FIFO (named pipe), not a regular file"
    case S_IFSOCK: return "it is a socket, not a regular file"
    default: return "it is a device, not a regular file"
    }
  }

  /// Whether nothing exists at `path` (or a folder on the way is missing), as
  /// opposed to a file that exists but cannot be read.
  public static func isMissing(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) != 0 && (errno == ENOENT || errno == ENOTDIR)
  }

  /// The size of the regular file at `path` in bytes, or nil if it cannot be found.
  public static func size(_ path: String) -> Int? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return Int(status.st_size)
  }
}
