import DSDC
import Testing

@Suite("Parallel parts")
struct ParallelTests {
  /// 5 items in 2 parts: the first part takes the extra one.
  @Test func slicesByHand() {
    #expect(Parallel.slice(0, of: 2, count: 5) == 0..<3)
    #expect(Parallel.slice(1, of: 2, count: 5) == 3..<5)
    #expect(Parallel.slice(0, of: 1, count: 0) == 0..<0)
  }

  /// The slices are contiguous, in order, cover everything and differ in size by at most one.
  @Test(arguments: [(0, 1), (1, 2), (64, 2), (7, 3), (3, 7)])
  func slicesTileTheRange(_ count: Int, _ parts: Int) {
    let slices = (0..<parts).map { Parallel.slice($0, of: parts, count: count) }
    #expect(slices.first?.lowerBound == 0)
    #expect(slices.last?.upperBound == count)
    for (a, b) in zip(slices, slices.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
    let sizes = slices.map(\.count)
    #expect(sizes.max()! - sizes.min()! <= 1)
  }

  /// Every part runs exactly once, each writing only its own slot.
  @Test(arguments: [1, 2, 5])
  func everyPartRunsOnce(_ parts: Int) {
    var counts = [Int](repeating: 0, count: parts)
    counts.withUnsafeMutableBufferPointer { buffer in
      let slots = SendablePointer(buffer.baseAddress!)
      Parallel.forEachPart(parts) { part in slots.base[part] += 1 }
    }
    #expect(counts == [Int](repeating: 1, count: parts))
  }
}
