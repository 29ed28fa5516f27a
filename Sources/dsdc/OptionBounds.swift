import ArgumentParser
import DSDC

/// Checks a numeric option against its range, above as well as below, with one line
/// naming the flag, the range and the value: `--epochs must be 1…1000, got 0`.
func checkBounds<T: Comparable>(_ value: T?, _ flag: String, _ range: ClosedRange<T>) throws {
  guard let value, !range.contains(value) else { return }
  throw ValidationError("\(flag) must be \(range.lowerBound)…\(range.upperBound), got \(value)")
}

/// Ranges of the options that are not part of a recipe.
enum OptionLimits {
  /// `--sample`: an index into a test set (MNIST's has 10,000 images).
  static let sample = 0...999_999
  /// `--max-pixels` of `dsdc predict`: up to 2³⁰ pixels (1 GB of gray).
  static let maxPixels = 1...(1 << 30)
}
