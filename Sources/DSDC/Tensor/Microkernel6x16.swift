extension MatrixMultiply {
  /// The 6×16 register tile (`RegisterTile.tile6x16`), for CPUs with 16 vector
  /// registers of 256 bits (AVX2): for the 6 rows `r` of the tile,
  /// ```
  /// C[r, 0..<16] = Σ_p a[aRows[r] + p·aStep] · b[p·16 + 0..<16]  + bias[r]  + C[r, 0..<16] (when addC)
  /// ```
  /// the sum over `p < kc` taken in order with fused multiply-adds, then the epilogue if
  /// any, row `r` of C starting at `c + cRows[r]`; only the first `rows` rows are stored. A is a packed panel (`aRows[r] = r`, `aStep = 6`) or
  /// read in place (`aRows` the offsets of its rows, `aStep = 1`). Every step loads two
  /// vectors of B and broadcasts six values of A into twelve fused multiply-adds:
  /// 12 accumulators + 2 of B + 1 of A = 15 registers, so nothing spills.
  @inline(never)
  static func microkernel6x16(
    kc: Int, a: UnsafePointer<Float>, aRows: UnsafePointer<Int>, aStep: Int, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, cRows: UnsafePointer<Int>, rows: Int, addC: Bool, bias: UnsafePointer<Float>?,
    epilogue: RowEpilogue? = nil
  ) {
    let (o0, o1, o2) = (aRows[0], aRows[1], aRows[2])
    let (o3, o4, o5) = (aRows[3], aRows[4], aRows[5])
    var c00 = SIMD8<Float>()
    var c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>()
    var c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>()
    var c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>()
    var c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>()
    var c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>()
    var c51 = SIMD8<Float>()
    var pa = a
    var pb = b
    for _ in 0..<kc {
      let b0 = load8(pb)
      let b1 = load8(pb + 8)
      let a0 = SIMD8<Float>(repeating: pa[o0])
      c00 = c00.addingProduct(a0, b0)
      c01 = c01.addingProduct(a0, b1)
      let a1 = SIMD8<Float>(repeating: pa[o1])
      c10 = c10.addingProduct(a1, b0)
      c11 = c11.addingProduct(a1, b1)
      let a2 = SIMD8<Float>(repeating: pa[o2])
      c20 = c20.addingProduct(a2, b0)
      c21 = c21.addingProduct(a2, b1)
      let a3 = SIMD8<Float>(repeating: pa[o3])
      c30 = c30.addingProduct(a3, b0)
      c31 = c31.addingProduct(a3, b1)
      let a4 = SIMD8<Float>(repeating: pa[o4])
      c40 = c40.addingProduct(a4, b0)
      c41 = c41.addingProduct(a4, b1)
      let a5 = SIMD8<Float>(repeating: pa[o5])
      c50 = c50.addingProduct(a5, b0)
      c51 = c51.addingProduct(a5, b1)
      pa += aStep
      pb += 16
    }

    if rows > 0 { finishRow(c00, c01, row: 0, at: c + cRows[0], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 1 { finishRow(c10, c11, row: 1, at: c + cRows[1], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 2 { finishRow(c20, c21, row: 2, at: c + cRows[2], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 3 { finishRow(c30, c31, row: 3, at: c + cRows[3], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 4 { finishRow(c40, c41, row: 4, at: c + cRows[4], addC: addC, bias: bias, epilogue: epilogue) }
    if rows > 5 { finishRow(c50, c51, row: 5, at: c + cRows[5], addC: addC, bias: bias, epilogue: epilogue) }
  }
  /// Row `r` of a tile, at `target`: the sums `v0`, `v1`, then the bias, then the old
  /// C, then the epilogue. `@_transparent` inlines it whatever the kernel's size: as a
  /// nested function, even marked `@inline(__always)`, it was compiled as a call,
  /// around which every accumulator still live went to the stack and back.
  @_transparent
  private static func finishRow(
    _ v0: SIMD8<Float>, _ v1: SIMD8<Float>, row r: Int, at target: UnsafeMutablePointer<Float>, addC: Bool,
    bias: UnsafePointer<Float>?, epilogue: RowEpilogue?
  ) {
    var (x0, x1) = (v0, v1)
    if let bias {
      let value = SIMD8<Float>(repeating: bias[r])
      x0 += value
      x1 += value
    }
    if addC {
      x0 += load8(target)
      x1 += load8(target + 8)
    }
    if let epilogue {
      x0 = epilogue.apply(x0, row: r)
      x1 = epilogue.apply(x1, row: r)
    }
    store8(x0, target)
    store8(x1, target + 8)
  }
}
