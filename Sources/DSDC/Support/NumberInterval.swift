/// An interval of real numbers whose ends may or may not belong to it, written as in
/// mathematics: `(0, 10)` leaves out both ends, `[0, 1)` keeps 0 and leaves out 1.
/// ```
/// x ∈ (a, b)  ⟺  a < x < b          x ∈ [a, b)  ⟺  a ≤ x < b
/// ```
/// NaN lies in no interval (every comparison with it is false).
public struct NumberInterval: Sendable, Equatable, CustomStringConvertible {
  /// The lower end `a`.
  public var lower: Double
  /// The upper end `b`.
  public var upper: Double
  /// Whether `a` itself belongs (`[`) or not (`(`).
  public var includesLower: Bool
  /// Whether `b` itself belongs (`]`) or not (`)`).
  public var includesUpper: Bool

  /// `(a, b)`: both ends left out.
  public static func open(_ lower: Double, _ upper: Double) -> NumberInterval {
    NumberInterval(lower: lower, upper: upper, includesLower: false, includesUpper: false)
  }

  /// `[a, b)`: the lower end kept, the upper left out.
  public static func closedOpen(_ lower: Double, _ upper: Double) -> NumberInterval {
    NumberInterval(lower: lower, upper: upper, includesLower: true, includesUpper: false)
  }

  /// Whether `value` lies in the interval.
  public func contains(_ value: Double) -> Bool {
    (includesLower ? value >= lower : value > lower) && (includesUpper ? value <= upper : value < upper)
  }

  /// `(0, 10)`, `[0, 1)`: whole ends without a decimal point.
  public var description: String {
    (includesLower ? "[" : "(") + Format.short(lower) + ", " + Format.short(upper) + (includesUpper ? "]" : ")")
  }
}
