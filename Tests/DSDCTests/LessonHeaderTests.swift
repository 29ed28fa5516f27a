import Foundation
import Testing

/// Each lesson's opening comment names the library files it uses (`// Code:`) and
/// their tests (`// Tests:`), so the reader can go from a lesson to its source; a file
/// renamed or removed must not leave a lesson pointing at nothing.
@Suite("Lesson headers")
struct LessonHeaderTests {
  /// The `.swift` files a header's `Code:` and `Tests:` lines (and their continuation
  /// lines) name, as paths from the repository's root, in order. A path sets the folder
  /// for the bare names after it (`Sources/DSDC/Data/IDXFile.swift, MNISTDataset.swift`
  /// names two files in `Sources/DSDC/Data`); a word ending in `/` sets it alone.
  static func namedFiles(in source: String) -> [String] {
    var names: [String] = []
    var inBlock = false
    var folder = ""
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
        let name = String(word.hasSuffix(".") ? word.dropLast() : word[...])  // a sentence's full stop
        if name.hasSuffix("/") {
          folder = String(name.dropLast())
        } else if name.hasSuffix(".swift") {
          if let slash = name.lastIndex(of: "/") {
            folder = String(name[..<slash])
            names.append(name)
          } else {
            names.append(folder + "/" + name)
          }
        }
      }
    }
    return names
  }

  @Test func theParserResolvesFoldersOnContinuationLinesOnly() {
    let header = """
      // Lesson 0 — Example
      // Writes: Output/a.swift (not a code file)
      // Code:   Sources/DSDC/Data/IDXFile.swift (the reader), MNISTDataset.swift;
      //         Sources/DSDC/Training/
      //         Normalization.swift.
      // Tests:  Tests/DSDCTests/MNISTDatasetTests.swift, ReaderLimitTests.swift.

      // Code: Later.swift
      """
    #expect(
      Self.namedFiles(in: header) == [
        "Sources/DSDC/Data/IDXFile.swift", "Sources/DSDC/Data/MNISTDataset.swift",
        "Sources/DSDC/Training/Normalization.swift", "Tests/DSDCTests/MNISTDatasetTests.swift",
        "Tests/DSDCTests/ReaderLimitTests.swift",
      ])
  }

  @Test func everyNamedFileExists() throws {
    let lessons = repositoryRoot.appendingPathComponent("Lessons")
    let files = try FileManager.default.contentsOfDirectory(atPath: lessons.path)
      .filter { $0.hasPrefix("Lesson") && $0.first(where: \.isNumber) != nil }.sorted()
    #expect(files.count == 10, "\(files)")
    for file in files {
      let source = try String(contentsOf: lessons.appendingPathComponent(file), encoding: .utf8)
      let names = Self.namedFiles(in: source)
      let tests = names.filter { $0.hasSuffix("Tests.swift") }
      #expect(!tests.isEmpty && tests.count < names.count, "\(file) names \(names)")
      for name in names {
        let exists = FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(name).path)
        #expect(exists, "\(file) names \(name), which does not exist")
      }
    }
  }
}
