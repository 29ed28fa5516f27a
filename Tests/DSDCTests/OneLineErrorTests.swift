import Foundation
import Testing

/// The tool prints an error of the library or its own as the error's description, one
/// line naming the problem and the fix, when the error conforms to the tool's
/// `OneLineError`; any other error is cut to its first line and pointed at `--help`.
/// These tests read the sources: every described error has that conformance.
@Suite("Every error of the library and the tool is printed as its own line")
struct OneLineErrorTests {
  /// The types `text` declares at the top level with what they conform to
  /// (`public enum PNGError: Error, Equatable, CustomStringConvertible {`).
  static func declarations(in text: String) -> [(name: String, conformances: [String])] {
    let pattern = #/(?m)^(?:public )?(?:enum|struct|final class|class) (\w+): ([^{\n]*)\{/#
    return text.matches(of: pattern).map { match in
      (String(match.output.1), match.output.2.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
  }

  /// The types `text` declares as errors with a description of their own.
  static func describedErrors(in text: String) -> [String] {
    declarations(in: text).filter {
      $0.conformances.contains("OneLineError")
        || ($0.conformances.contains("Error") && $0.conformances.contains("CustomStringConvertible"))
    }.map(\.name)
  }

  /// The described errors of `library` (file texts) that `listing` does not conform to
  /// `OneLineError` with `extension Name: OneLineError {}`.
  static func unlisted(library: [String], listing: String) -> [String] {
    library.flatMap(describedErrors(in:)).filter { !listing.contains("extension \($0): OneLineError {}") }.sorted()
  }

  static func toolFile(_ name: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/dsdc/\(name)"), encoding: .utf8)
  }

  @Test func everyLibraryErrorIsListedForTheTool() throws {
    let library = try FolderLayering.readFolders(repositoryRoot.appendingPathComponent("Sources/DSDC"))
      .values.flatMap { $0.map(\.text) }
    let found = library.flatMap(Self.describedErrors(in:))
    // The scan sees the library's errors: at least PNG's, MNIST's and the lessons'.
    #expect(Set(["PNGError", "MNISTError", "LessonError"]).isSubset(of: found), "\(found)")
    #expect(Self.unlisted(library: library, listing: try Self.toolFile("OneLineError.swift")).isEmpty)
  }

  @Test func theToolsOwnErrorsAreOneLineErrors() throws {
    let files = try FileManager.default.contentsOfDirectory(
      at: repositoryRoot.appendingPathComponent("Sources/dsdc"), includingPropertiesForKeys: nil)
    var oneLine: [String] = []
    for file in files where file.pathExtension == "swift" {
      for type in Self.declarations(in: try String(contentsOf: file, encoding: .utf8)) {
        if type.conformances.contains("OneLineError") { oneLine.append(type.name) }
        #expect(!type.conformances.contains("Error"), "\(type.name) is an Error but not a OneLineError")
      }
    }
    #expect(Set(["ToolError", "ResumeError"]).isSubset(of: oneLine), "\(oneLine)")
  }

  /// A new error left out of the list is named.
  @Test func anUnlistedErrorIsNamed() {
    let library = [
      "public enum OldError: Error, CustomStringConvertible {\n}\n",
      "public enum NewError: Error, Equatable, CustomStringConvertible {\n}\n",
      "struct Failure: Error {\n}\n",
    ]
    let listing = "extension OldError: OneLineError {}\n"
    #expect(Self.unlisted(library: library, listing: listing) == ["NewError"])
  }
}
