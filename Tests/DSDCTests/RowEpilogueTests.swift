import Testing

@testable import DSDC

/// The eval-mode BatchNorm (+ ReLU) applied in the epilogue of a matrix product or a
/// convolution gives the bits of the plain product followed by a separate pass of
/// `y = fma(x, scale, shift)`, `y > 0 ? y : 0`.
@Suite("Row epilogue of the matrix product and the convolutions")
struct RowEpilogueTests {
  /// `y = fma(x, scale, shift)` then the ReLU, one float at a time: the separate pass.
  static func separatePass(_ x: Float, scale: Float, shift: Float, relu: Bool) -> Float {
    let y = shift.addingProduct(x, scale)
    return relu ? (y > 0 ? y : 0) : y
  }

  /// Per-row scale and shift, with negative shifts so that the ReLU clips about half.
  static func terms(rows: Int, seed: UInt64) -> (scale: [Float], shift: [Float]) {
    var rng = SeededGenerator(seed: seed)
    return (
      Tensor.randomUniform(shape: [rows], bound: 2, using: &rng).storage,
      Tensor.randomNormal(shape: [rows], std: 0.7, using: &rng).storage
    )
  }

  /// Every view of `RegisterTileTests` (edge tiles, columns spanning images, a sum in
  /// two blocks, bias, accumulation), both tiles, with and without the ReLU: the floats
  /// of C are the plain product's after the separate pass; the gaps between C's rows and
  /// images are left alone.
  @Test(arguments: RegisterTileTests.viewCases, [false, true])
  func productEpilogueMatchesSeparatePass(_ c: TileCase, relu: Bool) {
    var rng = SeededGenerator(seed: UInt64(c.m * 1_000 + c.n + c.k * 7))
    let a = Tensor.randomNormal(shape: [RegisterTileTests.extent(c.aRows, c.m, c.aColumns, c.k)], using: &rng).storage
    let b = Tensor.randomNormal(shape: [RegisterTileTests.extent(c.bRows, c.k, c.bColumns, c.n)], using: &rng).storage
    let bias = Tensor.randomNormal(shape: [c.m], using: &rng).storage
    let start = Tensor.randomNormal(
      shape: [RegisterTileTests.extent(c.cRows, c.m, c.cColumns, c.n)], using: &rng
    ).storage
    let (scale, shift) = Self.terms(rows: c.m, seed: 3)

    func run(_ tile: RegisterTile, epilogue: Bool) -> [Float] {
      scale.withUnsafeBufferPointer { scale in
        shift.withUnsafeBufferPointer { shift in
          c.product(
            a: a, b: b, bias: bias, start: start, tile: tile,
            epilogue: epilogue ? RowEpilogue(scale: scale.baseAddress!, shift: shift.baseAddress!, relu: relu) : nil)
        }
      }
    }
    for tile in RegisterTile.allCases {
      var expected = run(tile, epilogue: false)
      for i in 0..<c.m {
        for j in 0..<c.n {
          let index = c.cRows.offset(i) + c.cColumns.offset(j)
          expected[index] = Self.separatePass(expected[index], scale: scale[i], shift: shift[i], relu: relu)
        }
      }
      let fused = run(tile, epilogue: true)
      #expect(RegisterTileTests.bitDifferences(fused, expected) == 0, "\(tile): floats that differ")
      #expect(fused != run(tile, epilogue: false), "the epilogue changed nothing")
    }
  }

  /// An empty sum (K = 0) still gets the epilogue: `C = epilogue(bias)`.
  @Test func emptySumGetsTheEpilogue() {
    let (bias, scale, shift): ([Float], [Float], [Float]) = ([1, -2], [3, 0.5], [-1, 0.25])
    var out = [Float](repeating: 9, count: 6)
    let none = [Float](repeating: 0, count: 1)
    none.withUnsafeBufferPointer { z in
      bias.withUnsafeBufferPointer { bias in
        scale.withUnsafeBufferPointer { scale in
          shift.withUnsafeBufferPointer { shift in
            out.withUnsafeMutableBufferPointer { out in
              MatrixMultiply.product(
                m: 2, n: 3, k: 0,
                a: MatrixOperand(base: z.baseAddress!, rows: .plain(0), columns: .plain(1)),
                b: MatrixOperand(base: z.baseAddress!, rows: .plain(3), columns: .plain(1)),
                c: MatrixDestination(base: out.baseAddress!, rows: .plain(3), columns: .plain(1)),
                accumulate: false, rowBias: bias.baseAddress!,
                epilogue: RowEpilogue(scale: scale.baseAddress!, shift: shift.baseAddress!, relu: true))
            }
          }
        }
      }
    }
    // Row 0: 1·3 − 1 = 2; row 1: −2·0.5 + 0.25 = −0.75, clipped to 0.
    #expect(out == [2, 2, 2, 0, 0, 0])
  }

  /// The three convolution kernels (direct, pointwise, im2col; odd sizes, dilation,
  /// stride, groups, bias) with the epilogue: the plain forward pass, then the separate pass.
  @Test(arguments: [
    (Conv2DGeometry.depthwise(5, kernel: 3, dilation: 2), 11),  // direct, sliding 3×3
    (Conv2DGeometry.standard(1, 6, kernel: 3), 28),  // direct, a stem
    (Conv2DGeometry(inChannels: 2, outChannels: 6, kernel: 5, padding: 2, groups: 2), 9),  // direct, 5×5
    (Conv2DGeometry.pointwise(7, 9), 7),  // pointwise, 49-pixel planes
    (Conv2DGeometry.standard(4, 5, kernel: 3, dilation: 2), 13),  // im2col
    (Conv2DGeometry(inChannels: 6, outChannels: 4, kernel: 3, stride: 2, padding: 1, groups: 2), 10),  // im2col
  ])
  func convolutionEpilogueMatchesSeparatePass(_ geometry: Conv2DGeometry, size: Int) {
    var rng = SeededGenerator(seed: UInt64(geometry.outChannels * 100 + size))
    let batch = 3
    let input = Tensor.randomNormal(shape: [batch, geometry.inChannels, size, size], using: &rng)
    let weight = Tensor.randomNormal(shape: geometry.weightShape, std: 0.5, using: &rng)
    let bias = Tensor.randomNormal(shape: [geometry.outChannels], using: &rng)
    let (scale, shift) = Self.terms(rows: geometry.outChannels, seed: 4)
    let plain = Convolution.forward(input: input, weight: weight, bias: bias, geometry: geometry)
    let plane = plain.shape[2] * plain.shape[3]
    for relu in [false, true] {
      var expected = plain.storage
      for (i, x) in expected.enumerated() {
        let o = (i / plane) % geometry.outChannels
        expected[i] = Self.separatePass(x, scale: scale[o], shift: shift[o], relu: relu)
      }
      var fused = [Float](repeating: .nan, count: plain.count)
      let shape = ConvolutionShape(input: input, geometry: geometry)
      input.storage.withUnsafeBufferPointer { x in
        weight.storage.withUnsafeBufferPointer { w in
          bias.storage.withUnsafeBufferPointer { b in
            scale.withUnsafeBufferPointer { scale in
              shift.withUnsafeBufferPointer { shift in
                fused.withUnsafeMutableBufferPointer { y in
                  let problem = ConvolutionProblem(
                    shape: shape, input: x.baseAddress!, weight: w.baseAddress!, bias: b.baseAddress!)
                  Convolution.forward(
                    problem, images: 0..<batch, output: y.baseAddress!,
                    epilogue: RowEpilogue(scale: scale.baseAddress!, shift: shift.baseAddress!, relu: relu))
                }
              }
            }
          }
        }
      }
      #expect(RegisterTileTests.bitDifferences(fused, expected) == 0, "\(geometry) relu \(relu)")
    }
  }
}
