import DSDC
import Foundation
import Testing

/// Checks that two tensors have the same shape and agree elementwise within
/// `|a − b| ≤ atol + rtol·|b|`, reporting the largest difference and the first
/// index that differs.
func expectClose(
  _ actual: Tensor, _ expected: Tensor, atol: Float = 1e-5, rtol: Float = 1e-5,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard actual.shape == expected.shape else {
    Issue.record("shapes differ: \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    return
  }
  var worst: Float = 0
  var firstBad: Int? = nil
  for i in 0..<actual.count {
    let (a, b) = (actual.storage[i], expected.storage[i])
    let diff = abs(a - b)
    if !(diff <= atol + rtol * abs(b)) {
      if firstBad == nil { firstBad = i }
      worst = max(worst, diff.isNaN ? .infinity : diff)
    }
  }
  if let i = firstBad {
    Issue.record(
      "tensors differ: max |Δ| = \(worst); first at flat index \(i) (actual \(actual.storage[i]), expected \(expected.storage[i])), shape \(actual.shape)",
      sourceLocation: sourceLocation)
  }
}

/// Scalar version of `expectClose` for single numbers.
func expectClose(
  _ actual: Float, _ expected: Float, atol: Float = 1e-5, rtol: Float = 1e-5,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    abs(actual - expected) <= atol + rtol * abs(expected),
    "\(actual) vs \(expected)", sourceLocation: sourceLocation)
}

/// Where test fixtures (small files produced by scripts in the repository) live.
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures")

/// The repository's root folder (for the real MNIST files in `Data/mnist`).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// A fresh, empty temporary folder for one test, removed when the test ends. The test's
/// suite must carry `.removesTemporaryFolders`; without it the folder would stay behind,
/// and the test fails saying so.
func makeTemporaryDirectory(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("dsdc-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  if let folders = TemporaryFolders.current {
    folders.add(url)
  } else {
    Issue.record(
      "\(url.path) would be left behind: mark the suite `.removesTemporaryFolders`", sourceLocation: sourceLocation)
  }
  return url
}

/// The temporary folders the running test made (`makeTemporaryDirectory()`).
final class TemporaryFolders: @unchecked Sendable {
  /// The running test's folders; set by `.removesTemporaryFolders`.
  @TaskLocal static var current: TemporaryFolders?

  private let lock = NSLock()
  private var urls: [URL] = []

  func add(_ url: URL) { lock.withLock { urls.append(url) } }

  /// Removes every folder made so far, with everything in it.
  func removeAll() {
    for url in lock.withLock({ urls }) { try? FileManager.default.removeItem(at: url) }
  }
}

/// Removes the temporary folders each test of a suite made once the test ends, whether it
/// passed, failed or threw: `@Suite("…", .removesTemporaryFolders)`.
struct TemporaryFolderRemoval: SuiteTrait, TestTrait, TestScoping {
  var isRecursive: Bool { true }

  func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? { testCase == nil ? nil : self }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let folders = TemporaryFolders()
    defer { folders.removeAll() }
    try await TemporaryFolders.$current.withValue(folders) { try await function() }
  }
}

extension Trait where Self == TemporaryFolderRemoval {
  /// See `TemporaryFolderRemoval`.
  static var removesTemporaryFolders: Self { Self() }
}

/// Runs `lesson` in a new context with `settings`; the context afterwards and every
/// line the lesson printed.
func runLesson(_ lesson: Lesson.Type, _ settings: LessonSettings) throws -> (context: LessonContext, lines: [String]) {
  let context = LessonContext(settings: settings)
  var lines: [String] = []
  context.printer = { lines.append($0) }
  try context.run(lesson)
  return (context, lines)
}

extension LessonSettings {
  /// A run on the repository's MNIST (`Data/mnist`) that writes into `output`.
  static func mnist(output: URL) -> LessonSettings {
    LessonSettings(dataDirectory: repositoryRoot.appendingPathComponent("Data/mnist"), outputDirectory: output)
  }
}
