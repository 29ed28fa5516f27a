import DSDC
import Testing

@Suite("Roofline")
struct RooflineTests {
  /// P = 100 GFLOP/s, BW = 10 GB/s: the roofs meet at 10 FLOP per byte.
  let roof = Roofline(peakGflops: 100, bandwidthGBps: 10)

  @Test func ridgeIsPeakOverBandwidth() {
    #expect(roof.ridge == 10)
    #expect(roof.bound(intensity: 10) == 100)
    #expect(roof.isComputeBound(intensity: 10))
  }

  @Test func belowTheRidgeMemoryBounds() {
    // I = 2e9 / 1e9 = 2 FLOP/B: bound 2 × 10 = 20 GFLOP/s; t_min = max(0.02 s, 0.1 s) = 0.1 s.
    #expect(roof.bound(intensity: 2) == 20)
    #expect(!roof.isComputeBound(intensity: 2))
    #expect(abs(roof.minimumSeconds(flops: 2e9, bytes: 1e9) - 0.1) < 1e-15)
    // 0.2 s: 10 GFLOP/s achieved, half of the 20 the roof allows.
    #expect(abs(roof.shareOfBound(flops: 2e9, bytes: 1e9, seconds: 0.2) - 0.5) < 1e-12)
  }

  @Test func aboveTheRidgeComputeBounds() {
    // I = 50 FLOP/B: bound min(100, 500) = 100 GFLOP/s; t_min = max(0.5 s, 0.1 s) = 0.5 s.
    #expect(roof.bound(intensity: 50) == 100)
    #expect(roof.isComputeBound(intensity: 50))
    #expect(abs(roof.minimumSeconds(flops: 50e9, bytes: 1e9) - 0.5) < 1e-15)
    // 2 s: 25 GFLOP/s achieved, a quarter of the peak.
    #expect(abs(roof.shareOfBound(flops: 50e9, bytes: 1e9, seconds: 2) - 0.25) < 1e-12)
  }

  @Test func aPassWithoutFLOPsIsJudgedByItsBytes() {
    // 1 GB in 0.4 s is 2.5 GB/s of the 10: a quarter.
    #expect(roof.bound(intensity: 0) == 0)
    #expect(abs(roof.shareOfBound(flops: 0, bytes: 1e9, seconds: 0.4) - 0.25) < 1e-12)
    #expect(roof.shareOfBound(flops: 0, bytes: 1e9, seconds: 0) == 0)
  }
}
