/// The few random draws training makes, written out so that a seed gives the same
/// run on every platform and Swift version (the standard library's `shuffle` and
/// `random(in:)` do not promise a fixed algorithm).
extension SeededGenerator {
  /// A uniform integer in `0..<bound`: the high word of `bound × next()` (Lemire's
  /// multiply, without rejection — the bias is below `bound / 2⁶⁴`).
  public mutating func uniformInt(below bound: Int) -> Int {
    precondition(bound > 0, "uniformInt(below:) needs a positive bound, got \(bound)")
    return Int(UInt64(bound).multipliedFullWidth(by: next()).high)
  }

  /// A uniform number in `[0, 1)` with 53 random bits.
  public mutating func uniformUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Fisher–Yates shuffle of `values` in place.
  public mutating func shuffle(_ values: inout [Int]) {
    var i = values.count - 1
    while i > 0 {
      values.swapAt(i, uniformInt(below: i + 1))
      i -= 1
    }
  }
}
