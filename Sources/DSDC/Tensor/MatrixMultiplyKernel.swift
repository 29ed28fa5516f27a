/// The inner pieces of `MatrixMultiply.product`: packing A and B into panels the
/// register-tile kernels (`microkernel8x32`, `microkernel6x16`) read with unit stride.
///
/// Packed layouts, for a tile of `mr` rows by `nr` columns (8×32 or 6×16, see
/// `RegisterTile`) and `kc` steps of the sum:
/// ```
/// A panel (mr rows):     a[p·mr + r]  = A[i0 + r, p0 + p]     zero for rows past M
/// B panel (nr columns):  b[p·nr + t]  = B[p0 + p, j0 + t]     zero for columns past N
/// ```
/// so for every `p` the kernel loads `nr` consecutive floats of B (two vectors) and
/// broadcasts `mr` consecutive values of A, making `2·mr` fused multiply-adds. An A
/// whose rows are contiguous (a row-major weight, an output gradient) is not packed
/// but read in place, `mr` rows at a time, with the same kernel.
extension MatrixMultiply {
  /// Packs `kc` rows by `nc` columns of B into panels of `nr` columns (16 or 32).
  /// `rows[p]` and `columns[t]` are the offsets of row `p0 + p` and column `j0 + t`.
  static func packB(
    _ b: MatrixOperand, kc: Int, nc: Int, nr: Int,
    rows: UnsafePointer<Int>, columns: UnsafePointer<Int>, into packed: UnsafeMutablePointer<Float>
  ) {
    // nr contiguous floats per row of a panel: whole-vector copies.
    packPanels(
      b.base, count: nc, width: nr, lines: columns, steps: rows, kc: kc, unitLines: b.columns.stride == 1,
      into: packed
    ) { width, panel, cols in
      if b.rows.stride == 1 && b.columns.stride != 1 {
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

  /// Packs `mc` rows by `kc` columns of A into panels of `mr` rows (A with unit column
  /// stride is read in place instead). `rows[r]` and `columns[p]` are the offsets of
  /// row `i0 + r` and column `p0 + p`.
  static func packA(
    _ a: MatrixOperand, mc: Int, kc: Int, mr: Int,
    rows: UnsafePointer<Int>, columns: UnsafePointer<Int>, into packed: UnsafeMutablePointer<Float>
  ) {
    // Column-major A (a transposed weight): mr contiguous floats per column of a panel.
    packPanels(
      a.base, count: mc, width: mr, lines: rows, steps: columns, kc: kc, unitLines: a.rows.stride == 1,
      into: packed
    ) { height, panel, lines in
      for r in 0..<mr {
        for p in 0..<kc { panel[p * mr + r] = r < height ? a.base[lines[r] + columns[p]] : 0 }
      }
    }
  }

  /// The panel walk of `packA` and `packB`: `count` lines of a matrix (offsets
  /// `lines[l]`; rows of A, columns of B), `kc` elements each (offsets `steps[p]`), packed
  /// into panels of `width` lines, `packed[panel + p·width + l]` = element `p` of line `l`.
  /// A full panel whose lines are consecutive floats (`unitLines`, and offsets one apart)
  /// is copied a vector at a time; any other goes to `other(valid, panel, panelLines)`,
  /// with `valid` lines left in it and the rest to be zeroed.
  @inline(__always)
  static func packPanels(
    _ base: UnsafePointer<Float>, count: Int, width: Int, lines: UnsafePointer<Int>, steps: UnsafePointer<Int>,
    kc: Int, unitLines: Bool, into packed: UnsafeMutablePointer<Float>,
    other: (_ valid: Int, _ panel: UnsafeMutablePointer<Float>, _ lines: UnsafePointer<Int>) -> Void
  ) {
    for start in stride(from: 0, to: count, by: width) {
      let valid = Swift.min(width, count - start)
      let panel = packed + start * kc
      let panelLines = lines + start
      if valid == width && unitLines && panelLines[width - 1] - panelLines[0] == width - 1 {
        let first = base + panelLines[0]
        for p in 0..<kc { copyFloats(first + steps[p], to: panel + p * width, count: width) }
      } else {
        other(valid, panel, panelLines)
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
