import DSDC
import Foundation
import Testing

/// A lesson that prints one table that fits and one that does not.
enum TableProbeLesson: Lesson {
  static let info = LessonInfo(number: 41, slug: "table", title: "Table", articleSection: "§0", summary: "tables")

  static func run(_ lesson: LessonContext) throws {
    try lesson.sayTable(["a  b", "1  2"], indent: "    ", file: "narrow.txt")
    try lesson.sayTable([String(repeating: "9 ", count: 60)], indent: "  ", file: "wide.txt")
  }
}

@Suite("Tables too wide for a line", .removesTemporaryFolders)
struct LessonTableTests {
  /// A table that fits is printed; one that does not goes to a file, and the lesson says
  /// how wide it is and where it went.
  @Test func wideTableGoesToAFile() throws {
    let output = try makeTemporaryDirectory()
    let (context, lines) = try runLesson(
      TableProbeLesson.self, LessonSettings(dataDirectory: output, outputDirectory: output))
    let wide = output.appendingPathComponent("41-table/wide.txt")
    #expect(lines.contains("    a  b") && lines.contains("    1  2"))
    #expect(lines.contains("  (the table is 122 columns wide, more than the 80 of a line)"))
    #expect(lines.contains("  → wrote " + wide.path))
    #expect(try String(contentsOf: wide, encoding: .utf8) == String(repeating: "9 ", count: 60) + "\n")
    #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("41-table/narrow.txt").path))
    #expect(context.writtenFiles.map(\.lastPathComponent) == ["wide.txt"])
  }
}
