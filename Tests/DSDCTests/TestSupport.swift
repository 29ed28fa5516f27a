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
  #expect(abs(actual - expected) <= atol + rtol * abs(expected),
          "\(actual) vs \(expected)", sourceLocation: sourceLocation)
}

/// Where test fixtures (small files produced by scripts in the repository) live.
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures")

/// The repository's root folder (for the real MNIST files in `Data/mnist`).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// A fresh, empty temporary folder for one test.
func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("dsdc-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
