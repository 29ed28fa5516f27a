import Testing

@testable import DSDC

/// One product on strided views, laid out the way a convolution calls it.
struct TileCase: Sendable, CustomStringConvertible {
  var description: String
  var m: Int, n: Int, k: Int
  var aRows: MatrixAxis, aColumns: MatrixAxis
  var bRows: MatrixAxis, bColumns: MatrixAxis
  var cRows: MatrixAxis, cColumns: MatrixAxis
  var accumulate = false
  var bias = false

  /// C after `MatrixMultiply.product` over this case's views of `a`, `b` and `start`
  /// (C's contents before), `bias` added per row when the case has one.
  func product(
    a: [Float], b: [Float], bias: [Float], start: [Float], tile: RegisterTile, epilogue: RowEpilogue? = nil
  ) -> [Float] {
    var out = start
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        bias.withUnsafeBufferPointer { bias in
          out.withUnsafeMutableBufferPointer { out in
            MatrixMultiply.product(
              m: m, n: n, k: k,
              a: MatrixOperand(base: a.baseAddress!, rows: aRows, columns: aColumns),
              b: MatrixOperand(base: b.baseAddress!, rows: bRows, columns: bColumns),
              c: MatrixDestination(base: out.baseAddress!, rows: cRows, columns: cColumns),
              accumulate: accumulate, rowBias: self.bias ? bias.baseAddress! : nil, epilogue: epilogue, tile: tile)
          }
        }
      }
    }
    return out
  }
}

/// The matrix multiply's two register tiles (8×32 and 6×16): which one the CPU gets,
/// and that both give the same bits, since only the CPU decides which one runs.
@Suite("Register tiles of the matrix multiply")
struct RegisterTileTests {
  /// The `flags` line of `/proc/cpuinfo` decides; `avx512f` must be a whole word.
  @Test func tileFromCPUFlags() {
    let avx2 = "processor\t: 0\nflags\t\t: fpu sse sse2 avx fma avx2 bmi2\nbogomips\t: 4000\n"
    let avx512 = "processor\t: 0\nflags\t\t: fpu avx avx2 avx512f avx512dq avx512bw\n"
    let lookalike = "flags\t\t: fpu avx2 avx512fx\n"
    #if arch(x86_64)
      #expect(RegisterTile.forCPU(cpuinfo: avx512) == .tile8x32)
    #else
      #expect(RegisterTile.forCPU(cpuinfo: avx512) == .tile6x16)
    #endif
    #expect(RegisterTile.forCPU(cpuinfo: avx2) == .tile6x16)
    #expect(RegisterTile.forCPU(cpuinfo: lookalike) == .tile6x16)
    #expect(RegisterTile.forCPU(cpuinfo: nil) == .tile6x16)
    #expect(RegisterTile.forCPU(cpuinfo: "") == .tile6x16)
  }

  /// `DSDC_GEMM_TILE` overrides the CPU's choice; anything else than a tile's name is
  /// ignored with a warning that names the value and the fix.
  @Test func environmentOverride() {
    let avx2 = "flags\t\t: fpu avx avx2\n"
    for (override, expected) in [(nil, RegisterTile.tile6x16), ("8x32", .tile8x32), ("6x16", .tile6x16)] {
      let (tile, warning) = RegisterTile.choose(override: override, cpuinfo: avx2)
      #expect(tile == expected && warning == nil)
    }
    let (tile, warning) = RegisterTile.choose(override: "8×32", cpuinfo: avx2)
    #expect(tile == .tile6x16)
    #expect(warning == "⚠ DSDC_GEMM_TILE=8×32 is not 8x32 or 6x16 (set one of them or unset it); using 6x16")
  }

  @Test func tileSizes() {
    #expect((RegisterTile.tile8x32.rows, RegisterTile.tile8x32.columns, RegisterTile.tile8x32.rowBlock) == (8, 32, 128))
    #expect((RegisterTile.tile6x16.rows, RegisterTile.tile6x16.columns, RegisterTile.tile6x16.rowBlock) == (6, 16, 126))
  }

  // MARK: - Same bits on convolution-like views

  static func plain(_ stride: Int) -> MatrixAxis { .plain(stride) }
  static func images(_ plane: Int, apart: Int) -> MatrixAxis {
    .blocked(stride: 1, blockLength: plane, blockStride: apart)
  }

  /// Sizes are odd so that every product has edge tiles in M and N for both tiles.
  static let viewCases: [TileCase] = [
    // Pointwise forward, 7 images of 5×5: out (19 × 7·25) = w (19 × 37) · x (37 × 7·25) + b.
    TileCase(
      description: "pointwise forward, bias", m: 19, n: 175, k: 37,
      aRows: plain(37), aColumns: plain(1), bRows: plain(25), bColumns: images(25, apart: 37 * 25),
      cRows: plain(25), cColumns: images(25, apart: 19 * 25), bias: true),
    // Pointwise input gradient: dx (37 × 7·25) += wᵀ (37 × 19) · dOut (19 × 7·25); packed A.
    TileCase(
      description: "pointwise dInput, wᵀ, +=", m: 37, n: 175, k: 19,
      aRows: plain(1), aColumns: plain(37), bRows: plain(25), bColumns: images(25, apart: 19 * 25),
      cRows: plain(25), cColumns: images(25, apart: 37 * 25), accumulate: true),
    // Pointwise weight gradient, 11 images of 7×7: dw (19 × 37) += dOut (19 × 539) · xᵀ (539 × 37);
    // A in place, its sum cut at every image (49 columns), B transposed into panels.
    TileCase(
      description: "pointwise dWeight, xᵀ, +=", m: 19, n: 37, k: 539,
      aRows: plain(49), aColumns: images(49, apart: 19 * 49), bRows: images(49, apart: 37 * 49),
      bColumns: plain(49), cRows: plain(37), cColumns: plain(1), accumulate: true),
    // Im2col forward, 11 images of 7×7, 32·3² = 288 rows: two blocks of the sum, two of columns.
    TileCase(
      description: "im2col forward, K = 288, bias", m: 21, n: 539, k: 288,
      aRows: plain(288), aColumns: plain(1), bRows: plain(539), bColumns: plain(1),
      cRows: plain(49), cColumns: images(49, apart: 21 * 49), bias: true),
    // Im2col weight gradient as dw_gᵀ (45 × 34) += columns (45 × 3·196) · dOut_gᵀ (3·196 × 34).
    TileCase(
      description: "im2col dwᵀ, dOutᵀ, +=", m: 45, n: 34, k: 588,
      aRows: plain(588), aColumns: plain(1), bRows: images(196, apart: 34 * 196), bColumns: plain(196),
      cRows: plain(34), cColumns: plain(1), accumulate: true),
    // Im2col input gradient: dColumns (45 × 3·196) = w_gᵀ (45 × 34) · dOut_g (34 × 3·196).
    TileCase(
      description: "im2col dColumns, wᵀ", m: 45, n: 588, k: 34,
      aRows: plain(1), aColumns: plain(45), bRows: plain(196), bColumns: images(196, apart: 34 * 196),
      cRows: plain(588), cColumns: plain(1)),
    // More rows than one packed block (126 or 128), bias and accumulation together.
    TileCase(
      description: "131 rows, bias and +=", m: 131, n: 19, k: 7,
      aRows: plain(7), aColumns: plain(1), bRows: plain(19), bColumns: plain(1),
      cRows: plain(19), cColumns: plain(1), accumulate: true, bias: true),
    // C stored transposed with padding: every tile goes through the edge tile.
    TileCase(
      description: "Aᵀ, Cᵀ padded", m: 23, n: 41, k: 29,
      aRows: plain(1), aColumns: plain(23), bRows: plain(41), bColumns: plain(1),
      cRows: plain(1), cColumns: plain(25)),
  ]

  /// How many floats of `x` and `y` differ in their bits (0 when identical).
  static func bitDifferences(_ x: [Float], _ y: [Float]) -> Int {
    zip(x, y).reduce(abs(x.count - y.count)) { $0 + ($1.0.bitPattern == $1.1.bitPattern ? 0 : 1) }
  }

  /// Floats a view touches: one past its last element.
  static func extent(_ rows: MatrixAxis, _ r: Int, _ columns: MatrixAxis, _ c: Int) -> Int {
    rows.offset(r - 1) + columns.offset(c - 1) + 1
  }

  /// Both tiles give the same bits (every float of C, the gaps between its rows and
  /// images included), and match a double-precision loop over the same views.
  @Test(arguments: viewCases)
  func sameBitsOnStridedViews(_ c: TileCase) {
    var rng = SeededGenerator(seed: UInt64(c.m * 1_000_000 + c.n * 1_000 + c.k))
    let a = Tensor.randomNormal(shape: [Self.extent(c.aRows, c.m, c.aColumns, c.k)], using: &rng).storage
    let b = Tensor.randomNormal(shape: [Self.extent(c.bRows, c.k, c.bColumns, c.n)], using: &rng).storage
    let bias = Tensor.randomNormal(shape: [c.m], using: &rng).storage
    let start = Tensor.randomNormal(shape: [Self.extent(c.cRows, c.m, c.cColumns, c.n)], using: &rng).storage

    func run(_ tile: RegisterTile) -> [Float] { c.product(a: a, b: b, bias: bias, start: start, tile: tile) }
    let wide = run(.tile8x32)
    let narrow = run(.tile6x16)
    #expect(Self.bitDifferences(wide, narrow) == 0, "floats that differ between the tiles")

    var worst: Double = 0
    for i in 0..<c.m {
      for j in 0..<c.n {
        var total = c.bias ? Double(bias[i]) : 0
        for p in 0..<c.k {
          let x = a[c.aRows.offset(i) + c.aColumns.offset(p)]
          let y = b[c.bRows.offset(p) + c.bColumns.offset(j)]
          total += Double(x) * Double(y)
        }
        let index = c.cRows.offset(i) + c.cColumns.offset(j)
        if c.accumulate { total += Double(start[index]) }
        worst = max(worst, abs(Double(narrow[index]) - total) / (1 + abs(total)))
      }
    }
    #expect(worst < 1e-5 * Double(c.k).squareRoot(), "largest relative error \(worst)")
  }

  // MARK: - Same bits on random plain shapes, 1 and 2 threads

  /// Random sizes (odd ones included) and storage orders, seeded.
  static let randomCases: [MatrixCase] = {
    var rng = SeededGenerator(seed: 15)
    return (0..<10).map { _ in
      MatrixCase(
        m: Int.random(in: 1...70, using: &rng), n: Int.random(in: 1...140, using: &rng),
        k: Int.random(in: 1...300, using: &rng),
        transposeA: Bool.random(using: &rng), transposeB: Bool.random(using: &rng),
        transposeC: Bool.random(using: &rng), rowPadding: Int.random(in: 0...3, using: &rng),
        accumulate: Bool.random(using: &rng))
    }
  }()

  /// Both tiles on 1 and 2 threads: four runs with the same bits, within the naive
  /// loop's rounding of it.
  @Test(arguments: randomCases + MatrixMultiplyTests.cases)
  func sameBitsOnPlainShapes(_ shape: MatrixCase) {
    let (m, n, k) = (shape.m, shape.n, shape.k)
    let (la, lb, lc, a, b, start) = shape.randomOperands()

    func run(_ tile: RegisterTile, threads: Int) -> [Float] {
      var out = start
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          out.withUnsafeMutableBufferPointer { out in
            MatrixMultiply.multiply(
              m: m, n: n, k: k,
              a: MatrixOperand(base: a.baseAddress!, rows: .plain(la.row), columns: .plain(la.column)),
              b: MatrixOperand(base: b.baseAddress!, rows: .plain(lb.row), columns: .plain(lb.column)),
              c: MatrixDestination(base: out.baseAddress!, rows: .plain(lc.row), columns: .plain(lc.column)),
              accumulate: shape.accumulate, threads: threads, tile: tile)
          }
        }
      }
      return out
    }
    let reference = run(.tile8x32, threads: 1)
    #expect(Self.bitDifferences(run(.tile6x16, threads: 1), reference) == 0, "6×16, 1 thread")
    #expect(Self.bitDifferences(run(.tile8x32, threads: 2), reference) == 0, "8×32, 2 threads")
    #expect(Self.bitDifferences(run(.tile6x16, threads: 2), reference) == 0, "6×16, 2 threads")

    var naive = start
    naive.withUnsafeMutableBufferPointer { c in
      MatrixMultiply.multiplyNaive(
        m: m, n: n, k: k, a: a, aRowStride: la.row, aColumnStride: la.column,
        b: b, bRowStride: lb.row, bColumnStride: lb.column,
        c: c.baseAddress!, cRowStride: lc.row, cColumnStride: lc.column, accumulate: shape.accumulate)
    }
    expectClose(
      Tensor(shape: [lc.count], storage: run(.tile6x16, threads: 1)), Tensor(shape: [lc.count], storage: naive),
      atol: 1e-4 * Float(k).squareRoot(), rtol: 1e-4)
  }
}
