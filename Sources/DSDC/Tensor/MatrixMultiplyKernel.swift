/// The inner pieces of `MatrixMultiply.product`: packing A and B into panels and
/// the 8×32 register-tile kernel that runs over them.
///
/// Packed layouts (`mr = 8`, `nr = 32`, `kc` steps of the sum):
/// ```
/// A panel (8 rows):     a[p·8 + r]   = A[i0 + r, p0 + p]     zero for rows past M
/// B panel (32 columns): b[p·32 + t]  = B[p0 + p, j0 + t]     zero for columns past N
/// ```
/// so the kernel reads both with unit stride: for every `p`, two vectors of B and
/// eight broadcast values of A make sixteen fused multiply-adds. An A whose rows are
/// contiguous (a row-major weight, an output gradient) is not packed but read in
/// place, eight rows at a time.
extension MatrixMultiply {
  /// `C[r, 0..<32] (+)= bias[r] + Σ_p a[p·8 + r] · b[p·32 + 0..<32]` for the 8 rows
  /// `r`, row `r` of C starting at `c + rowOffsets[r]`. The sixteen accumulators are
  /// named locals so they stay in registers.
  @inline(never)
  static func microkernel(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, rowOffsets: UnsafePointer<Int>,
    addC: Bool, bias: UnsafePointer<Float>?
  ) {
    var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
    var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
    var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
    var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
    var c40 = SIMD16<Float>(), c41 = SIMD16<Float>()
    var c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
    var c60 = SIMD16<Float>(), c61 = SIMD16<Float>()
    var c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
    var pa = a
    var pb = b
    for _ in 0..<kc {
      let b0 = load16(pb)
      let b1 = load16(pb + 16)
      let a0 = SIMD16<Float>(repeating: pa[0])
      c00 = c00.addingProduct(a0, b0)
      c01 = c01.addingProduct(a0, b1)
      let a1 = SIMD16<Float>(repeating: pa[1])
      c10 = c10.addingProduct(a1, b0)
      c11 = c11.addingProduct(a1, b1)
      let a2 = SIMD16<Float>(repeating: pa[2])
      c20 = c20.addingProduct(a2, b0)
      c21 = c21.addingProduct(a2, b1)
      let a3 = SIMD16<Float>(repeating: pa[3])
      c30 = c30.addingProduct(a3, b0)
      c31 = c31.addingProduct(a3, b1)
      let a4 = SIMD16<Float>(repeating: pa[4])
      c40 = c40.addingProduct(a4, b0)
      c41 = c41.addingProduct(a4, b1)
      let a5 = SIMD16<Float>(repeating: pa[5])
      c50 = c50.addingProduct(a5, b0)
      c51 = c51.addingProduct(a5, b1)
      let a6 = SIMD16<Float>(repeating: pa[6])
      c60 = c60.addingProduct(a6, b0)
      c61 = c61.addingProduct(a6, b1)
      let a7 = SIMD16<Float>(repeating: pa[7])
      c70 = c70.addingProduct(a7, b0)
      c71 = c71.addingProduct(a7, b1)
      pa += 8
      pb += 32
    }

    @inline(__always)
    func put(_ r: Int, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>) {
      let row = c + rowOffsets[r]
      var x0 = v0
      var x1 = v1
      if let bias {
        let value = SIMD16<Float>(repeating: bias[r])
        x0 += value
        x1 += value
      }
      if addC {
        x0 += load16(row)
        x1 += load16(row + 16)
      }
      store16(x0, row)
      store16(x1, row + 16)
    }
    put(0, c00, c01)
    put(1, c10, c11)
    put(2, c20, c21)
    put(3, c30, c31)
    put(4, c40, c41)
    put(5, c50, c51)
    put(6, c60, c61)
    put(7, c70, c71)
  }

  /// The same tile with A read in place: row `r` of A starts at `a + aRowOffsets[r]`
  /// and its `kc` values are contiguous. Used whenever A has unit column stride (a
  /// row-major weight, or the output gradient in a weight gradient), where packing
  /// would have to transpose A.
  @inline(never)
  static func microkernelRowMajorA(
    kc: Int, a: UnsafePointer<Float>, aRowOffsets: UnsafePointer<Int>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, rowOffsets: UnsafePointer<Int>,
    addC: Bool, bias: UnsafePointer<Float>?
  ) {
    let r0 = a + aRowOffsets[0]
    let r1 = a + aRowOffsets[1]
    let r2 = a + aRowOffsets[2]
    let r3 = a + aRowOffsets[3]
    let r4 = a + aRowOffsets[4]
    let r5 = a + aRowOffsets[5]
    let r6 = a + aRowOffsets[6]
    let r7 = a + aRowOffsets[7]
    var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
    var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
    var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
    var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
    var c40 = SIMD16<Float>(), c41 = SIMD16<Float>()
    var c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
    var c60 = SIMD16<Float>(), c61 = SIMD16<Float>()
    var c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
    var pb = b
    for p in 0..<kc {
      let b0 = load16(pb)
      let b1 = load16(pb + 16)
      let a0 = SIMD16<Float>(repeating: r0[p])
      c00 = c00.addingProduct(a0, b0)
      c01 = c01.addingProduct(a0, b1)
      let a1 = SIMD16<Float>(repeating: r1[p])
      c10 = c10.addingProduct(a1, b0)
      c11 = c11.addingProduct(a1, b1)
      let a2 = SIMD16<Float>(repeating: r2[p])
      c20 = c20.addingProduct(a2, b0)
      c21 = c21.addingProduct(a2, b1)
      let a3 = SIMD16<Float>(repeating: r3[p])
      c30 = c30.addingProduct(a3, b0)
      c31 = c31.addingProduct(a3, b1)
      let a4 = SIMD16<Float>(repeating: r4[p])
      c40 = c40.addingProduct(a4, b0)
      c41 = c41.addingProduct(a4, b1)
      let a5 = SIMD16<Float>(repeating: r5[p])
      c50 = c50.addingProduct(a5, b0)
      c51 = c51.addingProduct(a5, b1)
      let a6 = SIMD16<Float>(repeating: r6[p])
      c60 = c60.addingProduct(a6, b0)
      c61 = c61.addingProduct(a6, b1)
      let a7 = SIMD16<Float>(repeating: r7[p])
      c70 = c70.addingProduct(a7, b0)
      c71 = c71.addingProduct(a7, b1)
      pb += 32
    }

    @inline(__always)
    func put(_ r: Int, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>) {
      let row = c + rowOffsets[r]
      var x0 = v0
      var x1 = v1
      if let bias {
        let value = SIMD16<Float>(repeating: bias[r])
        x0 += value
        x1 += value
      }
      if addC {
        x0 += load16(row)
        x1 += load16(row + 16)
      }
      store16(x0, row)
      store16(x1, row + 16)
    }
    put(0, c00, c01)
    put(1, c10, c11)
    put(2, c20, c21)
    put(3, c30, c31)
    put(4, c40, c41)
    put(5, c50, c51)
    put(6, c60, c61)
    put(7, c70, c71)
  }

  /// Packs `kc` rows by `nc` columns of B into panels of 32 columns.
  /// `rows[p]` and `columns[t]` are the offsets of row `p0 + p` and column `j0 + t`.
  static func packB(
    _ b: MatrixOperand, kc: Int, nc: Int,
    rows: UnsafePointer<Int>, columns: UnsafePointer<Int>, into packed: UnsafeMutablePointer<Float>
  ) {
    for jr in stride(from: 0, to: nc, by: nr) {
      let width = Swift.min(nr, nc - jr)
      let panel = packed + jr * kc
      let cols = columns + jr
      if width == nr && b.columns.stride == 1 && cols[nr - 1] - cols[0] == nr - 1 {
        // 32 contiguous floats per row: two vector copies.
        let first = b.base + cols[0]
        for p in 0..<kc {
          let source = first + rows[p]
          store16(load16(source), panel + p * nr)
          store16(load16(source + 16), panel + p * nr + 16)
        }
      } else if b.rows.stride == 1 && b.columns.stride != 1 {
        // Bᵀ is row-major (a weight gradient's xᵀ): transpose 16×16 blocks.
        for half in stride(from: 0, to: nr, by: 16) {
          packTransposed(
            from: b.base, lines: cols + half, valid: width - half, steps: rows, count: kc,
            to: panel + half, pitch: nr)
        }
      } else {
        // Columns in a few contiguous runs (a panel spanning two images), each copied
        // with vectors, or scattered ones (runs of one).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: nr + 1) { starts in
          let runs = contiguousRuns(cols, count: width, starts: starts.baseAddress!)
          for p in 0..<kc {
            let source = b.base + rows[p]
            let target = panel + p * nr
            for run in 0..<runs {
              let start = starts[run]
              copyFloats(source + cols[start], to: target + start, count: starts[run + 1] - start)
            }
            for t in width..<nr { target[t] = 0 }
          }
        }
      }
    }
  }

  /// Packs `mc` rows by `kc` columns of A into panels of 8 rows (A with unit column
  /// stride is read in place instead). `rows[r]` and `columns[p]` are the offsets of
  /// row `i0 + r` and column `p0 + p`.
  static func packA(
    _ a: MatrixOperand, mc: Int, kc: Int,
    rows: UnsafePointer<Int>, columns: UnsafePointer<Int>, into packed: UnsafeMutablePointer<Float>
  ) {
    for ir in stride(from: 0, to: mc, by: mr) {
      let height = Swift.min(mr, mc - ir)
      let panel = packed + ir * kc
      let lines = rows + ir
      if height == mr && a.rows.stride == 1 && lines[mr - 1] - lines[0] == mr - 1 {
        // Column-major A (a transposed weight): 8 contiguous floats per column.
        let first = a.base + lines[0]
        for p in 0..<kc { store8(load8(first + columns[p]), panel + p * mr) }
      } else {
        for r in 0..<mr {
          for p in 0..<kc { panel[p * mr + r] = r < height ? a.base[lines[r] + columns[p]] : 0 }
        }
      }
    }
  }

  /// Transposes up to 16 strided lines into a panel: `lines[l]` is the offset of line
  /// `l` (`valid` of them; the rest of the 16 panel columns are zero), `steps[p]`
  /// the offset of element `p` along every line (contiguous runs of 16 go through
  /// `Block16`). Writes `target[p·pitch + l] = source[lines[l] + steps[p]]`.
  @inline(__always)
  static func packTransposed(
    from source: UnsafePointer<Float>, lines: UnsafePointer<Int>, valid: Int,
    steps: UnsafePointer<Int>, count: Int, to target: UnsafeMutablePointer<Float>, pitch: Int
  ) {
    let valid = Swift.max(0, Swift.min(16, valid))
    var p = 0
    while p < count {
      if valid > 0 && p + 16 <= count && steps[p + 15] - steps[p] == 15 {
        let step = steps[p]
        var block = Block16(valid: valid) { l in source + lines[l] + step }
        block.transpose()
        block.forEachRow { t, v in store16(v, target + (p + t) * pitch) }
        p += 16
      } else {
        let out = target + p * pitch
        let start = source + steps[p]
        for l in 0..<16 { out[l] = l < valid ? start[lines[l]] : 0 }
        p += 1
      }
    }
  }

  /// Splits `0..<count` into maximal runs over which `offsets` climbs by one per step:
  /// run `r` is `starts[r]..<starts[r + 1]`. Returns the number of runs.
  static func contiguousRuns(
    _ offsets: UnsafePointer<Int>, count: Int, starts: UnsafeMutablePointer<Int>
  ) -> Int {
    var runs = 0
    for t in 0..<count where t == 0 || offsets[t] != offsets[t - 1] + 1 {
      starts[runs] = t
      runs += 1
    }
    starts[runs] = count
    return runs
  }
}
