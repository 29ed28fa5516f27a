// The machine's FLOP peak: independent chains of SIMD fused multiply-adds that live in
// registers, on one core or on several at once.

import DSDC
import Foundation

/// Twelve independent chains of SIMD16 fused multiply-adds, `iterations` rounds: enough
/// chains in flight to hide the FMA unit's latency, so it issues every cycle.
/// The operands come through a pointer so the compiler keeps them in whole vector registers.
@inline(never)
func fmaChains(_ operands: UnsafePointer<Float>, iterations: Int) -> Float {
  let x = UnsafeRawPointer(operands).loadUnaligned(as: SIMD16<Float>.self)
  let y = UnsafeRawPointer(operands + 16).loadUnaligned(as: SIMD16<Float>.self)
  var a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y
  for _ in 0..<iterations {
    a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
    a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
    a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
    a9 = a9.addingProduct(x, y); a10 = a10.addingProduct(x, y); a11 = a11.addingProduct(x, y)
  }
  return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
}

/// GFLOP/s of `threads` cores running nothing but fused multiply-adds at the same time
/// (2 FLOP each): best of 7 runs (a shared machine gives many a slow one), the thread's CPU
/// time on one thread, wall-clock time on more.
func peakGigaflops(threads: Int = 1) -> Double {
  let operands = [Float](repeating: 0.5, count: 16) + [Float](repeating: 1e-7, count: 16)
  let iterations = 20_000_000
  let sums = UnsafeMutablePointer<Float>.allocate(capacity: threads)
  sums.initialize(repeating: 0, count: threads)
  defer { sums.deallocate() }
  let out = SendablePointer(sums)
  let seconds = bestTime(repeats: 7, threads: threads) {
    Parallel.forEachPart(threads) { part in
      out.base[part] += operands.withUnsafeBufferPointer { fmaChains($0.baseAddress!, iterations: iterations) }
    }
  }
  if (0..<threads).contains(where: { sums[$0] == 42 }) { print("") }  // the results are used, so the loops stay
  return Double(threads) * Double(iterations) * 12 * 32 / seconds / 1e9
}
