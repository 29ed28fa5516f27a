import Foundation
import Testing

/// Each lesson's opening comment names the library files it uses (`// Code:`) and
/// their tests (`// Tests:`), so the reader can go from a lesson to its source; a file
/// renamed or removed must not leave a lesson pointing at nothing.
@Suite("Lesson headers")
struct LessonHeaderTests {
  /// The `.swift` names in a header's `Code:` and `Tests:` lines (and their
  /// continuation lines), in order.
  static func namedFiles(in source: String) -> [String] {
    var names: [String] = []
    var inBlock = false
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      guard line.hasPrefix("//") else { break }
      let text = line.dropFirst(2)
      if text.hasPrefix(" Code:") || text.hasPrefix(" Tests:") {
        inBlock = true
      } else if !text.hasPrefix("        ") {
        inBlock = false
      }
      guard inBlock else { continue }
      for word in text.split(whereSeparator: { " ,;()".contains($0) }) {
        let name = word.hasSuffix(".") ? word.dropLast() : word[...]  // a sentence's full stop
        if name.hasSuffix(".swift") { names.append(String(name.split(separator: "/").last!)) }
      }
    }
    return names
  }

  @Test func theParserFindsNamesOnContinuationLinesOnly() {
    let header = """
      // Lesson 0 — Example
      // Writes: Output/a.swift (not a code file)
      // Code:   Sources/DSDC/Data/IDXFile.swift (the reader), MNISTDataset.swift;
      //         Sources/DSDC/Training/Normalization.swift.
      // Tests:  Tests/DSDCTests/MNISTDatasetTests.swift.

      // Code: Later.swift
      """
    #expect(
      Self.namedFiles(in: header) == [
        "IDXFile.swift", "MNISTDataset.swift", "Normalization.swift", "MNISTDatasetTests.swift",
      ])
  }

  @Test func everyNamedFileExists() throws {
    let lessons = repositoryRoot.appendingPathComponent("Lessons")
    var existing = Set<String>()
    for folder in ["Sources", "Tests"] {
      let root = repositoryRoot.appendingPathComponent(folder)
      let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
      while let url = enumerator?.nextObject() as? URL {
        if url.pathExtension == "swift" { existing.insert(url.lastPathComponent) }
      }
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: lessons.path)
      .filter { $0.hasPrefix("Lesson") && $0.first(where: \.isNumber) != nil }.sorted()
    #expect(files.count == 10, "\(files)")
    for file in files {
      let source = try String(contentsOf: lessons.appendingPathComponent(file), encoding: .utf8)
      let names = Self.namedFiles(in: source)
      let tests = names.filter { $0.hasSuffix("Tests.swift") }
      #expect(!tests.isEmpty && tests.count < names.count, "\(file) names \(names)")
      for name in names { #expect(existing.contains(name), "\(file) names \(name), which does not exist") }
    }
  }
}
