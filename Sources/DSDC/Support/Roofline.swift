/// The roofline model (Williams, Waterman & Patterson, 2009): how fast a pass can run at
/// most, given the FLOPs it computes, the bytes it must move, the machine's FLOP peak `P`
/// and its memory bandwidth `BW`.
/// ```
/// I      = F / B                        arithmetic intensity, FLOP per byte
/// bound  = min(P, I · BW)               attainable GFLOP/s at that intensity
/// ridge  = P / BW                       the intensity where the two roofs meet
/// t_min  = max(F / P, B / BW)           the least time the pass can take
/// share  = t_min / t                    = achieved GFLOP/s ÷ bound, when F > 0
/// ```
/// Below the ridge a pass is limited by memory, at or above it by arithmetic. The share
/// of the bound is the same number whichever way it is computed, and it stays defined for
/// a pass that counts no FLOPs (then it is achieved GB/s ÷ BW). GFLOP and GB are 10⁹.
public struct Roofline: Sendable, Equatable, Codable {
  /// `P`, the FLOP peak, GFLOP/s.
  public var peakGflops: Double
  /// `BW`, the memory bandwidth, GB/s.
  public var bandwidthGBps: Double

  public init(peakGflops: Double, bandwidthGBps: Double) {
    precondition(
      peakGflops > 0 && bandwidthGBps > 0,
      "a roofline needs a positive peak and bandwidth, got \(peakGflops) GFLOP/s and \(bandwidthGBps) GB/s")
    self.peakGflops = peakGflops
    self.bandwidthGBps = bandwidthGBps
  }

  /// `P / BW`, FLOP per byte.
  public var ridge: Double { peakGflops / bandwidthGBps }

  /// `min(P, I · BW)`, GFLOP/s, for an intensity `I` in FLOP per byte.
  public func bound(intensity: Double) -> Double { Swift.min(peakGflops, intensity * bandwidthGBps) }

  /// Whether a pass of intensity `I` is limited by arithmetic (`I ≥ P / BW`) rather
  /// than by memory.
  public func isComputeBound(intensity: Double) -> Bool { intensity >= ridge }

  /// `max(F / P, B / BW)`, seconds, for `flops` FLOPs and `bytes` bytes.
  public func minimumSeconds(flops: Double, bytes: Double) -> Double {
    Swift.max(flops / (peakGflops * 1e9), bytes / (bandwidthGBps * 1e9))
  }

  /// `t_min / t`, the share of the roofline bound a pass that took `seconds` reached
  /// (1 = on the roof); 0 when `seconds` is not positive.
  public func shareOfBound(flops: Double, bytes: Double, seconds: Double) -> Double {
    seconds > 0 ? minimumSeconds(flops: flops, bytes: bytes) / seconds : 0
  }
}
