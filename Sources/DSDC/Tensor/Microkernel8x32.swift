extension MatrixMultiply {
  /// The 8×32 register tile (`RegisterTile.tile8x32`), for CPUs with 32 vector
  /// registers of 512 bits (AVX-512): for the 8 rows `r` of the tile,
  /// ```
  /// C[r, 0..<32] = Σ_p a[aRows[r] + p·aStep] · b[p·32 + 0..<32]  + bias[r]  + C[r, 0..<32] (when addC)
  /// ```
  /// the sum over `p < kc` taken in order with fused multiply-adds, then the epilogue if
  /// any, row `r` of C starting at `c + cRows[r]`; only the first `rows` rows are stored. A is a packed panel (`aRows[r] = r`, `aStep = 8`) or
  /// read in place (`aRows` the offsets of its rows, `aStep = 1`). Every step loads two
  /// vectors of B and broadcasts eight values of A into sixteen fused multiply-adds; the
  /// sixteen accumulators are named locals so they stay in registers.
  @inline(never)
  static func microkernel8x32(
    kc: Int, a: UnsafePointer<Float>, aRows: UnsafePointer<Int>, aStep: Int, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, cRows: UnsafePointer<Int>, rows: Int, addC: Bool, bias: UnsafePointer<Float>?,
    epilogue: RowEpilogue? = nil
  ) {
    let (o0, o1, o2, o3) = (aRows[0], aRows[1], aRows[2], aRows[3])
    let (o4, o5, o6, o7) = (aRows[4], aRows[5], aRows[6], aRows[7])
    var c00 = SIMD16<Float>()
    var c01 = SIMD16<Float>()
    var c10 = SIMD16<Float>()
    var c11 = SIMD16<Float>()
    var c20 = SIMD16<Float>()
    var c21 = SIMD16<Float>()
    var c30 = SIMD16<Float>()
    var c31 = SIMD16<Float>()
    var c40 = SIMD16<Float>()
    var c41 = SIMD16<Float>()
    var c50 = SIMD16<Float>()
    var c51 = SIMD16<Float>()
    var c60 = SIMD16<Float>()
    var c61 = SIMD16<Float>()
    var c70 = SIMD16<Float>()
    var c71 = SIMD16<Float>()
    var pa = a
    var pb = b
    for _ in 0..<kc {
      let b0 = load16(pb)
      let b1 = load16(pb + 16)
      let a0 = SIMD16<Float>(repeating: pa[o0])
      c00 = c00.addingProduct(a0, b0)
      c01 = c01.addingProduct(a0, b1)
      let a1 = SIMD16<Float>(repeating: pa[o1])
      c10 = c10.addingProduct(a1, b0)
      c11 = c11.addingProduct(a1, b1)
      let a2 = SIMD16<Float>(repeating: pa[o2])
      c20 = c20.addingProduct(a2, b0)
      c21 = c21.addingProduct(a2, b1)
      let a3 = SIMD16<Float>(repeating: pa[o3])
      c30 = c30.addingProduct(a3, b0)
      c31 = c31.addingProduct(a3, b1)
      let a4 = SIMD16<Float>(repeating: pa[o4])
      c40 = c40.addingProduct(a4, b0)
      c41 = c41.addingProduct(a4, b1)
      let a5 = SIMD16<Float>(repeating: pa[o5])
      c50 = c50.addingProduct(a5, b0)
      c51 = c51.addingProduct(a5, b1)
      let a6 = SIMD16<Float>(repeating: pa[o6])
      c60 = c60.addingProduct(a6, b0)
      c61 = c61.addingProduct(a6, b1)
      let a7 = SIMD16<Float>(repeating: pa[o7])
      c70 = c70.addingProduct(a7, b0)
      c71 = c71.addingProduct(a7, b1)
      pa += aStep
      pb += 32
    }

    if rows > 0 { finishRow(c00, c01, row: 0, at: c + cRows[0], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 1 { finishRow(c10, c11, row: 1, at: c + cRows[1], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 2 { finishRow(c20, c21, row: 2, at: c + cRows[2], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 3 { finishRow(c30, c31, row: 3, at: c + cRows[3], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 4 { finishRow(c40, c41, row: 4, at: c + cRows[4], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 5 { finishRow(c50, c51, row: 5, at: c + cRows[5], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 6 { finishRow(c60, c61, row: 6, at: c + cRows[6], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 7 { finishRow(c70, c71, row: 7, at: c + cRows[7], addC: addC, bias: bias, epilogue: epilogue) }
  }
  /// Row `r` of a tile, at `target`: the sums `v0`, `v1`, then the bias, then the old
  /// C, then the epilogue. `@_transparent` inlines it whatever the kernel's size: as a
  /// nested function, even marked `@inline(__always)`, it was compiled as a call,
  /// around which every accumulator still live went to the stack and back.
  @_transparent
  private static func finishRow(
    _ v0: SIMD16<Float>, _ v1: SIMD16<Float>, row r: Int, at target: UnsafeMutablePointer<Float>, addC: Bool,
    bias: UnsafePointer<Float>?, epilogue: RowEpilogue?
  ) {
    var (x0, x1) = (v0, v1)
    if let bias {
      let value = SIMD16<Float>(repeating: bias[r])
      x0 += value
      x1 += value
    }
    if addC {
      x0 += load16(target)
      x1 += load16(target + 16)
    }
    if let epilogue {
      x0 = epilogue.apply(x0, row: r)
      x1 = epilogue.apply(x1, row: r)
    }
    store16(x0, target)
    store16(x1, target + 16)
  }
}

extension MatrixMultiply {
  /// The left half of the 8×32 tile: the same sums for columns `0..<16` of the panel
  /// only, into `c` (rows `cRows[r]`, no bias, no old C, no epilogue: an edge tile the
  /// caller finishes). For a panel with at most 16 valid columns (the last of a block
  /// whose width is not a multiple of 32), it does half the work of `microkernel8x32`,
  /// whose sum for each element is taken in the same order, so the bits are the same.
  /// B is read as packed for the 8×32 tile (32 floats per step).
  @inline(never)
  static func microkernel8x16(
    kc: Int, a: UnsafePointer<Float>, aRows: UnsafePointer<Int>, aStep: Int, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, cRows: UnsafePointer<Int>
  ) {
    let (o0, o1, o2, o3) = (aRows[0], aRows[1], aRows[2], aRows[3])
    let (o4, o5, o6, o7) = (aRows[4], aRows[5], aRows[6], aRows[7])
    var c0 = SIMD16<Float>()
    var c1 = SIMD16<Float>()
    var c2 = SIMD16<Float>()
    var c3 = SIMD16<Float>()
    var c4 = SIMD16<Float>()
    var c5 = SIMD16<Float>()
    var c6 = SIMD16<Float>()
    var c7 = SIMD16<Float>()
    var pa = a
    var pb = b
    for _ in 0..<kc {
      let b0 = load16(pb)
      c0 = c0.addingProduct(SIMD16<Float>(repeating: pa[o0]), b0)
      c1 = c1.addingProduct(SIMD16<Float>(repeating: pa[o1]), b0)
      c2 = c2.addingProduct(SIMD16<Float>(repeating: pa[o2]), b0)
      c3 = c3.addingProduct(SIMD16<Float>(repeating: pa[o3]), b0)
      c4 = c4.addingProduct(SIMD16<Float>(repeating: pa[o4]), b0)
      c5 = c5.addingProduct(SIMD16<Float>(repeating: pa[o5]), b0)
      c6 = c6.addingProduct(SIMD16<Float>(repeating: pa[o6]), b0)
      c7 = c7.addingProduct(SIMD16<Float>(repeating: pa[o7]), b0)
      pa += aStep
      pb += 32
    }
    store16(c0, c + cRows[0])
    store16(c1, c + cRows[1])
    store16(c2, c + cRows[2])
    store16(c3, c + cRows[3])
    store16(c4, c + cRows[4])
    store16(c5, c + cRows[5])
    store16(c6, c + cRows[6])
    store16(c7, c + cRows[7])
  }
}
