import ArgumentParser
import DSDC

/// Checks a numeric option against its range, above as well as below, with one line
/// naming the flag, the range and the value: `--epochs must be 1…1000, got 0`.
func checkBounds<T: Comparable>(_ value: T?, _ flag: String, _ range: ClosedRange<T>) throws {
  guard let value, !range.contains(value) else { return }
  throw ValidationError("\(flag) must be \(range.lowerBound)…\(range.upperBound), got \(value)")
}

/// Checks a real-valued option against its interval, in the same one line:
/// `--lr must be in (0, 10), got 0.0`. NaN lies in no interval.
func checkBounds(_ value: Double?, _ flag: String, _ interval: NumberInterval) throws {
  guard let value, !interval.contains(value) else { return }
  throw ValidationError("\(flag) must be in \(interval), got \(value)")
}

extension ClosedRange where Bound == Int {
  /// The range as an option's help states it: `2…10,000,000`.
  var help: String { "\(Format.grouped(lowerBound))…\(Format.grouped(upperBound))" }
}

/// Ranges of the options that are not part of a recipe.
enum OptionLimits {
  /// `--sample`: an index into a test set (MNIST's has 10,000 images).
  static let sample = 0...999_999
  /// `--max-pixels` of `dsdc predict`: up to 2³⁰ pixels (1 GB of gray).
  static let maxPixels = 1...(1 << 30)
}
