import Foundation

/// Creating output folders and writing files so that a failure never leaves a
/// half-written file behind: data goes to a temporary file in the same folder,
/// which is then renamed onto the final name.
public enum OutputFolder {
  /// Creates `url` (and parents); fails with a one-line error if that is impossible.
  public static func create(_ url: URL) throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
      guard isFolder.boolValue else {
        throw OutputFolderError.notWritable(path: url.path, reason: "a file of that name exists")
      }
      guard FileManager.default.isWritableFile(atPath: url.path) else {
        throw OutputFolderError.notWritable(path: url.path, reason: "permission denied")
      }
      return
    }
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw OutputFolderError.notWritable(path: url.path, reason: (error as NSError).localizedDescription)
    }
  }

  /// Writes `data` to `url` atomically (temporary file, flush, rename; see `AtomicFile`).
  public static func writeAtomically(_ data: Data, to url: URL) throws {
    do {
      try AtomicFile.replace(url.path, with: [UInt8](data))
    } catch {
      throw OutputFolderError.notWritable(path: url.path, reason: error.message)
    }
  }
}

/// Why an output folder or a file in it could not be written.
public enum OutputFolderError: Error, CustomStringConvertible {
  /// The folder cannot be created or written (`reason` says why).
  case notWritable(path: String, reason: String)

  public var description: String {
    switch self {
    case .notWritable(let path, let reason):
      return "cannot write to \(path): \(reason) — HINT: choose a writable folder with --output DIR"
    }
  }
}
