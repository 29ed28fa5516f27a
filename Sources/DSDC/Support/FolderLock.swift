import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on an output folder for the length of a run, so that two runs
/// cannot write into one folder and leave it with one run's metrics and the other's
/// weights.
///
/// The lock is `flock` on `<folder>/.dsdc-lock`: the kernel releases it when the
/// process ends in any way (exit, crash, SIGKILL), so a stale lock cannot outlive its
/// run. The file holds the holder's process id and command line while the lock is
/// held (for the refusal message) and is emptied on release; the file itself stays.
/// ```
/// let lock = try FolderLock(folder)   // throws FolderLockError.held naming the holder
/// defer { lock.release() }
/// ```
public final class FolderLock {
  /// The lock file's name inside the folder.
  public static let fileName = ".dsdc-lock"

  /// The locked folder.
  public let folder: URL
  private var descriptor: Int32

  /// Takes the lock on `folder` (which must exist) without waiting.
  public init(_ folder: URL) throws(FolderLockError) {
    self.folder = folder
    let path = folder.appendingPathComponent(Self.fileName).path
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else {
      throw .cannotLock(path: folder.path, message: AtomicFile.systemMessage(errno))
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      let holder = Self.holder(descriptor)
      close(descriptor)
      descriptor = -1
      if code == EWOULDBLOCK { throw .held(path: folder.path, holder: holder) }
      throw .cannotLock(path: folder.path, message: AtomicFile.systemMessage(code))
    }
    let text = "pid \(getpid()): " + CommandLine.arguments.joined(separator: " ")
    _ = ftruncate(descriptor, 0)
    _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
  }

  deinit { release() }

  /// Empties the lock file and releases the lock (also done when the object goes away
  /// or the process ends).
  public func release() {
    guard descriptor >= 0 else { return }
    _ = ftruncate(descriptor, 0)
    close(descriptor)
    descriptor = -1
  }

  /// What the lock file says about its holder (at most 300 bytes, one line).
  private static func holder(_ descriptor: Int32) -> String {
    var bytes = [UInt8](repeating: 0, count: 300)
    let count = pread(descriptor, &bytes, bytes.count, 0)
    let text = count > 0 ? String(decoding: bytes.prefix(count), as: UTF8.self) : ""
    return text.isEmpty ? "another process" : TerminalText.safe(text)
  }
}

/// Why an output folder could not be locked for a run.
public enum FolderLockError: Error, Equatable, CustomStringConvertible {
  /// Another run holds the folder; `holder` is what its lock file says.
  case held(path: String, holder: String)
  /// The lock file could not be created or locked.
  case cannotLock(path: String, message: String)

  public var description: String {
    switch self {
    case .held(let path, let holder):
      return "\(path) is in use by another dsdc run (\(holder)) — HINT: wait for that run to finish, "
        + "or write this one elsewhere with --output DIR"
    case .cannotLock(let path, let message):
      return "cannot lock \(path) for this run: \(message) — HINT: choose a writable folder with --output DIR"
    }
  }
}
