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
        throw LessonError.outputNotWritable(path: url.path, reason: "a file of that name exists")
      }
      guard FileManager.default.isWritableFile(atPath: url.path) else {
        throw LessonError.outputNotWritable(path: url.path, reason: "permission denied")
      }
      return
    }
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw LessonError.outputNotWritable(path: url.path, reason: describe(error))
    }
  }

  /// Writes `data` to `url` atomically: temporary file, then rename.
  public static func writeAtomically(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
    do {
      try data.write(to: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw LessonError.outputNotWritable(path: url.path, reason: describe(error))
    }
    // rename(2) replaces an existing file in one step. (FileManager.replaceItemAt fails
    // on Linux with "The file doesn't exist" and deletes the original:
    // swift-corelibs-foundation issue #4655.)
    guard rename(temporary.path, url.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw LessonError.outputNotWritable(path: url.path, reason: reason)
    }
  }

  private static func describe(_ error: Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
       underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return ns.localizedDescription
  }
}
