import Foundation

extension LessonContext {
  /// Renders a figure into the lesson's folder as `name` (atomically), records it
  /// for the end-of-run list and the report, and says where it went.
  @discardableResult
  public func write(_ figure: some Figure, as name: String) throws -> URL {
    let url = try path(name)
    try figure.writePNG(to: url.path)
    recordWritten(url)
    say("  → wrote \(settings.outputDirectory.lastPathComponent)/\(lesson?.folderName ?? "misc")/\(name)")
    return url
  }
}
