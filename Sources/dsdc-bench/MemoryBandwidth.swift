// The machine's memory bandwidth, measured the way STREAM (McCalpin) does: a copy and a
// triad over arrays far larger than the caches, counting the bytes the loop reads and
// writes (8 per element for the copy, 12 for the triad) and not the cache lines a store
// first reads in (write-allocate traffic), as STREAM counts them.

import DSDC
import Foundation

/// STREAM's copy and triad rates on one thread and on `threads` threads, GB/s (10⁹ bytes).
struct MemoryBandwidth: Codable {
  /// The size of each of the three arrays, MiB.
  var arrayMebibytes: Int
  /// `a[i] = b[i]`, 8 bytes per element.
  var copy1: Double, copyThreads: Double
  /// `a[i] = b[i] + s·c[i]`, 12 bytes per element.
  var triad1: Double, triadThreads: Double
}

/// `a[i] = b[i]` for `i` in `range`, sixteen floats at a time.
@inline(never)
func streamCopy(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ range: Range<Int>) {
  var i = range.lowerBound
  while i + 16 <= range.upperBound {
    UnsafeMutableRawPointer(a + i).storeBytes(
      of: UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
    i += 16
  }
  while i < range.upperBound {
    a[i] = b[i]
    i += 1
  }
}

/// `a[i] = b[i] + s·c[i]` for `i` in `range`, sixteen floats at a time.
@inline(never)
func streamTriad(
  _ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ s: Float,
  _ range: Range<Int>
) {
  var i = range.lowerBound
  while i + 16 <= range.upperBound {
    let bv = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
    let cv = UnsafeRawPointer(c + i).loadUnaligned(as: SIMD16<Float>.self)
    UnsafeMutableRawPointer(a + i).storeBytes(of: bv + s * cv, as: SIMD16<Float>.self)
    i += 16
  }
  while i < range.upperBound {
    a[i] = b[i] + s * c[i]
    i += 1
  }
}

/// Copy and triad over three arrays of `mebibytes` MiB each, best of `repeats` runs on one
/// thread (its CPU time) and on `threads` threads (wall clock, each thread its own slice;
/// the one-thread figures again when `threads` is 1).
func measureMemoryBandwidth(threads: Int, mebibytes: Int = 128, repeats: Int = 5) -> MemoryBandwidth {
  let count = mebibytes * 1024 * 1024 / 4
  let raw = (0..<3).map { _ in UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64) }
  defer { for memory in raw { memory.deallocate() } }
  let arrays = raw.map { SendablePointer($0.bindMemory(to: Float.self, capacity: count)) }
  let (a, b, c) = (arrays[0], arrays[1], arrays[2])
  Parallel.forEachPart(threads) { part in  // each thread first touches the pages it will use
    let range = Parallel.slice(part, of: threads, count: count)
    (a.base + range.lowerBound).initialize(repeating: 0, count: range.count)
    (b.base + range.lowerBound).initialize(repeating: 1, count: range.count)
    (c.base + range.lowerBound).initialize(repeating: 2, count: range.count)
  }
  func rate(bytesPerElement: Int, threads: Int, _ kernel: @escaping @Sendable (Range<Int>) -> Void) -> Double {
    let seconds = bestTime(repeats: repeats, threads: threads) {
      Parallel.forEachPart(threads) { part in kernel(Parallel.slice(part, of: threads, count: count)) }
    }
    return Double(bytesPerElement * count) / seconds / 1e9
  }
  let copy: @Sendable (Range<Int>) -> Void = { streamCopy(a.base, b.base, $0) }
  let triad: @Sendable (Range<Int>) -> Void = { streamTriad(a.base, b.base, c.base, 3, $0) }
  let (copy1, triad1) = (rate(bytesPerElement: 8, threads: 1, copy), rate(bytesPerElement: 12, threads: 1, triad))
  return MemoryBandwidth(
    arrayMebibytes: mebibytes,
    copy1: copy1, copyThreads: threads == 1 ? copy1 : rate(bytesPerElement: 8, threads: threads, copy),
    triad1: triad1, triadThreads: threads == 1 ? triad1 : rate(bytesPerElement: 12, threads: threads, triad))
}
