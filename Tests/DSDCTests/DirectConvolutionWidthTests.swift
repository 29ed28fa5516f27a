import Testing

@testable import DSDC

/// The direct convolution's forward kernels run in 16-lane or 8-lane vectors depending
/// on the CPU; both widths must give the same bits, as every lane performs the same
/// operations in the same order.
@Suite("Direct convolution kernels at both vector widths")
struct DirectConvolutionWidthTests {
  /// Sliding 3×3 chains over planes of DSDC-Net's pitches (30, 16, 8; dilation 1 and 2)
  /// and the nine-tap table: `SIMD8` and `SIMD16` write the same floats.
  @Test(arguments: [(28, 30, 2), (14, 16, 2), (28, 29, 1), (7, 16, 1)])
  func sameBitsAtBothWidths(rows: Int, pitch: Int, dilation: Int) {
    var rng = SeededGenerator(seed: UInt64(rows * 100 + pitch * 10 + dilation))
    let count = rows * pitch
    let flatCount = (count + 15) / 16 * 16
    let padded = Tensor.randomNormal(shape: [flatCount + 2 * dilation * (pitch + 1) + 64], using: &rng).storage
    let weights = Tensor.randomNormal(shape: [9], using: &rng).storage
    let offsets = (0..<9).map { ($0 / 3) * dilation * pitch + ($0 % 3) * dilation }
    func run(sliding: Bool, _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void)
      -> [Float]
    {
      var out = [Float](repeating: .nan, count: flatCount + 16)
      padded.withUnsafeBufferPointer { p in
        weights.withUnsafeBufferPointer { w in
          out.withUnsafeMutableBufferPointer { o in body(p.baseAddress!, w.baseAddress!, o.baseAddress!) }
        }
      }
      return Array(out[0..<(sliding ? count : flatCount)])
    }
    let slide16 = run(sliding: true) { p, w, o in
      DirectConvolution.correlate3x3(
        narrow: false, count: count, source: p, rowStep: dilation * pitch, columnStep: dilation,
        weights: w, initial: 0.25, into: o)
    }
    let slide8 = run(sliding: true) { p, w, o in
      DirectConvolution.correlate3x3(
        narrow: true, count: count, source: p, rowStep: dilation * pitch, columnStep: dilation,
        weights: w, initial: 0.25, into: o)
    }
    #expect(slide8.map(\.bitPattern) == slide16.map(\.bitPattern))
    #expect(!slide16.contains { $0.isNaN })
    let table16 = offsets.withUnsafeBufferPointer { table in
      run(sliding: false) { p, w, o in
        DirectConvolution.correlate(
          narrow: false, count: flatCount, source: p, offsets: table.baseAddress!, weights: w, taps: 9,
          initial: 0.25, into: o)
      }
    }
    let table8 = offsets.withUnsafeBufferPointer { table in
      run(sliding: false) { p, w, o in
        DirectConvolution.correlate(
          narrow: true, count: flatCount, source: p, offsets: table.baseAddress!, weights: w, taps: 9,
          initial: 0.25, into: o)
      }
    }
    #expect(table8.map(\.bitPattern) == table16.map(\.bitPattern))
    #expect(!table16.contains { $0.isNaN })
  }
}
