/// One quantity measured once per seed (a test accuracy, a receptive-field size),
/// summarised the way the lessons print it: mean ± sample standard deviation, and
/// the range.
/// ```
/// mean  x̄ = (1/n) Σ x_i
/// SD    s  = √( Σ (x_i − x̄)² / (n − 1) )          (0 for a single value)
/// ```
public struct SeedSpread: Sendable, Equatable, Codable {
  /// The measurements, one per seed, in seed order.
  public var values: [Double]

  public init(_ values: [Double]) {
    precondition(!values.isEmpty, "SeedSpread needs at least one value")
    self.values = values
  }

  /// `n`, the number of seeds.
  public var count: Int { values.count }
  /// `x̄`.
  public var mean: Double { values.reduce(0, +) / Double(values.count) }
  /// `s`, with Bessel's correction; 0 when only one seed was run.
  public var standardDeviation: Double {
    guard values.count > 1 else { return 0 }
    let m = mean
    return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
  }
  /// The smallest measurement.
  public var min: Double { values.min()! }
  /// The largest measurement.
  public var max: Double { values.max()! }

  /// `99.41 ± 0.05 (99.36–99.46, 3 seeds)`; one seed prints as `99.41 (1 seed)`.
  public func formatted(_ decimals: Int = 2) -> String {
    let f = { (x: Double) in Format.fixed(x, decimals) }
    guard count > 1 else { return "\(f(mean)) (1 seed)" }
    return "\(f(mean)) ± \(f(standardDeviation)) (\(f(min))–\(f(max)), \(count) seeds)"
  }

  /// The pooled standard deviation of two spreads, `√((s_a² + s_b²) / 2)`: the noise
  /// against which a difference of their means is judged.
  public static func pooledStandardDeviation(_ a: SeedSpread, _ b: SeedSpread) -> Double {
    ((a.standardDeviation * a.standardDeviation + b.standardDeviation * b.standardDeviation) / 2).squareRoot()
  }
}
