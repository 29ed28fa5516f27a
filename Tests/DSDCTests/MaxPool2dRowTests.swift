import Testing

@testable import DSDC

/// `MaxPool2d.poolRow` against the lane-by-lane loop, and `maxRowAfterReLU`, the eval
/// pass's pooling row, against `poolRow`.
@Suite("MaxPool2d rows")
struct MaxPool2dRowTests {
  /// Every output width from 1 to 19 (one group below 8, gathered lane by lane or read
  /// whole from rows that may be read 16 floats wide, then groups of 8 with an
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
      // Rows that may be read 16 floats wide, followed by values that would win
      // every window they entered (and NaN): the same maxima and winners.
      let tail = [Float](repeating: .infinity, count: 15) + [.nan]
      let (wide0, wide1) = (row0 + tail, row1 + tail)
      var (wideActual, wideIndex) = ([Float](repeating: 7, count: outWidth), [UInt8](repeating: 9, count: outWidth))
      wide0.withUnsafeBufferPointer { r0 in
        wide1.withUnsafeBufferPointer { r1 in
          MaxPool2d.poolRow(r0.baseAddress!, r1.baseAddress!, &wideActual, &wideIndex, outWidth: outWidth, readable: 16)
        }
      }
      #expect(wideActual.map(\.bitPattern) == expected.map(\.bitPattern) && wideIndex == expectedIndex)
    }
  }

  /// The winners, eight bytes each 0…3, through `storeWinners` and back through
  /// `loadWinners` (and the first four through `loadWinners4`), lane by lane against
  /// the bytes, for all 4⁸ patterns; the bytes either side are left alone.
  @Test func winnersRoundTrip() {
    var mismatches = 0
    for pattern in 0..<(1 << 16) {
      let lanes = (0..<8).map { Int32((pattern >> (2 * $0)) & 3) }
      var bytes = [UInt8](repeating: 0xAA, count: 10)
      bytes.withUnsafeMutableBufferPointer { b in
        MaxPool2d.storeWinners(SIMD8(lanes), b.baseAddress! + 1)
      }
      let loaded = bytes.withUnsafeBufferPointer { MaxPool2d.loadWinners($0.baseAddress! + 1) }
      let loaded4 = bytes.withUnsafeBufferPointer { MaxPool2d.loadWinners4($0.baseAddress! + 1) }
      let expectedBytes = [0xAA] + lanes.map { UInt8($0) } + [0xAA]
      if bytes != expectedBytes || (0..<8).map({ loaded[$0] }) != lanes
        || (0..<4).map({ loaded4[$0] }) != Array(lanes[0..<4])
      {
        mismatches += 1
      }
    }
    #expect(mismatches == 0)
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

  /// Rows of 1 to 7 windows, one window at a time: the gradient sums of
  /// `windowSums`, which adds +0 for a window whose output is not above 0, have the
  /// bits of the loop that skips such windows, on gradients and inputs of mixed signs
  /// (zeros of both signs and infinities among them) and outputs half of which are 0.
  @Test(arguments: 1...7)
  func windowSumsSkipNothingButZeros(outWidth: Int) {
    var rng = SeededGenerator(seed: 300 + UInt64(outWidth))
    func values(_ count: Int) -> [Float] {
      (0..<count).map { _ in
        let special: [Float] = [0, -0.0, 1.5, -2, .infinity, -.infinity]
        return Bool.random(using: &rng) ? special.randomElement(using: &rng)! : Float.random(in: -3...3, using: &rng)
      }
    }
    for _ in 0..<50 {
      let (row0, row1, dy) = (values(2 * outWidth), values(2 * outWidth), values(outWidth))
      let keep = (0..<outWidth).map { _ in Bool.random(using: &rng) ? Float.random(in: 0.1...2, using: &rng) : 0 }
      let index = (0..<outWidth).map { _ in UInt8.random(in: 0...3, using: &rng) }
      let mean = Float.random(in: -1...1, using: &rng)
      var (sum, dot): (Float, Float) = (0, 0)
      for j in 0..<outWidth where keep[j] > 0 {
        let k = Int(index[j])
        let x = (k < 2 ? row0 : row1)[2 * j + (k & 1)]
        sum += dy[j]
        dot += (x - mean) * dy[j]
      }
      let actual = MaxPool2d.windowSums(row0, row1, dy, keep, index, outWidth: outWidth, mean: mean)
      #expect(actual.sum.bitPattern == sum.bitPattern && actual.dot.bitPattern == dot.bitPattern)
    }
  }
}
