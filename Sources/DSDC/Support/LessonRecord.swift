import Foundation

/// What one lesson run printed and wrote, saved as `lesson.json` in the lesson's
/// folder so that a report can be assembled later from the runs on disk.
public struct LessonRecord: Codable, Sendable, Equatable {
  /// The lesson's number.
  public var number: Int
  /// The lesson's title.
  public var title: String
  /// The article sections it follows.
  public var articleSection: String
  /// Every line printed, in order.
  public var lines: [String]
  /// Files written, relative to the output folder (e.g. `03-depthwise/maps.png`).
  public var files: [String]
  /// `nil` if the lesson finished; otherwise the one-line error it stopped with.
  public var error: String?
  /// The run's settings: sample, seed, data folder.
  public var settings: [String: String]
  /// When the run finished (ISO 8601).
  public var date: String

  /// The file name inside the lesson folder.
  public static let fileName = "lesson.json"

  public init(
    number: Int, title: String, articleSection: String, lines: [String], files: [String],
    error: String?, settings: [String: String], date: String
  ) {
    self.number = number
    self.title = title
    self.articleSection = articleSection
    self.lines = lines
    self.files = files
    self.error = error
    self.settings = settings
    self.date = date
  }

  /// The largest record `load` reads (a lesson's record is a few KB to a few hundred KB).
  public static let byteLimit = 16 << 20

  /// Reads a record written by an earlier run: a regular file of at most `byteLimit` bytes.
  public static func load(from url: URL) throws -> LessonRecord {
    if let problem = InputFile.problem(url.path) { throw LessonRecordError.unreadable(path: url.path, reason: problem) }
    if let size = InputFile.size(url.path), size > byteLimit {
      throw LessonRecordError.unreadable(path: url.path, reason: "\(size) bytes, more than the limit of \(byteLimit)")
    }
    return try JSONDecoder().decode(LessonRecord.self, from: Data(contentsOf: url))
  }

  /// Writes the record atomically.
  public func save(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try OutputFolder.writeAtomically(try encoder.encode(self), to: url)
  }
}

/// Why a saved record could not be read.
public enum LessonRecordError: Error, CustomStringConvertible {
  /// The file cannot be read as a record (`reason` says why).
  case unreadable(path: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "cannot read \(path): \(reason) — HINT: run the lesson again to rewrite its record"
    }
  }
}
