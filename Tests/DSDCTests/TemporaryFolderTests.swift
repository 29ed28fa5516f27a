import Foundation
import Testing

/// Remembers the folder a scoped body made, for checks after the scope ended.
private final class MadeFolder: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: URL?
  var url: URL? {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}

@Suite("Temporary folders of tests")
struct TemporaryFolderTests {
  private struct Planted: Error {}

  /// A folder made under `.removesTemporaryFolders` is gone, with its files, once the
  /// test ends, whether the test returned or threw.
  @Test(arguments: [false, true])
  func foldersAreRemovedWhenTheTestEnds(throwing: Bool) async throws {
    let made = MadeFolder()
    let test = try #require(Test.current)
    let body: @Sendable () async throws -> Void = {
      let url = try makeTemporaryDirectory()
      try FileManager.default.createDirectory(at: url.appendingPathComponent("sub"), withIntermediateDirectories: false)
      try Data("x".utf8).write(to: url.appendingPathComponent("sub/file"))
      made.url = url
      if throwing { throw Planted() }
    }
    let scope = TemporaryFolderRemoval()
    if throwing {
      await #expect(throws: Planted.self) {
        try await scope.provideScope(for: test, testCase: Test.Case.current, performing: body)
      }
    } else {
      try await scope.provideScope(for: test, testCase: Test.Case.current, performing: body)
    }
    let url = try #require(made.url)
    #expect(url.lastPathComponent.hasPrefix("dsdc-test-"))
    #expect(!FileManager.default.fileExists(atPath: url.path))
  }

  /// Outside the trait the folder would stay behind, so the test is failed saying so.
  @Test func aFolderMadeOutsideTheTraitFailsTheTest() throws {
    var made: URL?
    withKnownIssue("makeTemporaryDirectory() without .removesTemporaryFolders") {
      made = try makeTemporaryDirectory()
    }
    let url = try #require(made)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(FileManager.default.fileExists(atPath: url.path))
  }
}
