import Testing

@testable import DSDC

/// `MaxPool2d.poolRow` against the lane-by-lane loop, and `maxRowAfterReLU`, the eval
/// pass's pooling row, against `poolRow`.
@Suite("MaxPool2d rows")
struct MaxPool2dRowTests {
  /// Every output width from 1 to 19 (lane by lane below 8, then groups of 8 with an
  /// overlapping last group), on rows full of ties, zeros of both signs, infinities and
  /// NaNs: each maximum and winner of the plain loop below, bit for bit.
  @Test(arguments: 1...19)
  func poolRowMatchesTheLoop(outWidth: Int) {
    var rng = SeededGenerator(seed: 100 + UInt64(outWidth))
    let specials: [Float] = [0, -0.0, 1, 1, -1, .infinity, -.infinity, .nan, 2.5]
    func row() -> [Float] {
      (0..<(2 * outWidth)).map { _ in
        Bool.random(using: &rng) ? specials.randomElement(using: &rng)! : Float.random(in: -3...3, using: &rng)
      }
    }
    for _ in 0..<20 {
      let (row0, row1) = (row(), row())
      var (expected, expectedIndex) = ([Float](), [UInt8]())
      for j in 0..<outWidth {  // the first of equal maxima wins; NaN never does
        let window = [row0[2 * j], row0[2 * j + 1], row1[2 * j], row1[2 * j + 1]]
        var (best, winner) = (window[0], 0)
        for k in 1..<4 where window[k] > best { (best, winner) = (window[k], k) }
        expected.append(best)
        expectedIndex.append(UInt8(winner))
      }
      var (actual, index) = ([Float](repeating: 7, count: outWidth), [UInt8](repeating: 9, count: outWidth))
      row0.withUnsafeBufferPointer { r0 in
        row1.withUnsafeBufferPointer { r1 in
          MaxPool2d.poolRow(r0.baseAddress!, r1.baseAddress!, &actual, &index, outWidth: outWidth)
        }
      }
      #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern) && index == expectedIndex, "\(row0) \(row1)")
    }
  }

  /// Every output width from 1 to 19 (scalar, 4-wide and 8-wide groups, overlapping
  /// last groups), on rows of a ReLU's outputs full of zeros, ties and infinities
  /// (whatever went in: −0, negative numbers, NaN): the maxima of `poolRow`, bit for bit.
  @Test(arguments: 1...19)
  func sameMaximaAsPoolRow(outWidth: Int) {
    var rng = SeededGenerator(seed: UInt64(outWidth))
    let specials: [Float] = [0, -0.0, 1, 1, -1, .infinity, -.infinity, .nan, 2.5]
    func row() -> [Float] {
      (0..<(2 * outWidth)).map { _ in
        let x = Bool.random(using: &rng) ? specials.randomElement(using: &rng)! : Float.random(in: -3...3, using: &rng)
        return x > 0 ? x : 0  // the ReLU
      }
    }
    for _ in 0..<20 {
      let (row0, row1) = (row(), row())
      var (expected, index) = ([Float](repeating: 7, count: outWidth), [UInt8](repeating: 0, count: outWidth))
      var actual = [Float](repeating: 7, count: outWidth)
      row0.withUnsafeBufferPointer { r0 in
        row1.withUnsafeBufferPointer { r1 in
          MaxPool2d.poolRow(r0.baseAddress!, r1.baseAddress!, &expected, &index, outWidth: outWidth)
          MaxPool2d.maxRowAfterReLU(r0.baseAddress!, r1.baseAddress!, &actual, outWidth: outWidth)
        }
      }
      #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern), "\(row0) \(row1)")
    }
  }
}
