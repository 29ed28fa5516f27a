/// The float32 matrix product every fast convolution is built on.
///
/// ```
/// C[i, j] = Σ_p A[i, p] · B[p, j]          (or C[i, j] += … when accumulating)
/// A: M×K,  B: K×N,  C: M×N
/// ```
/// Each matrix is a strided view of raw memory: element `(i, j)` of A lies at
/// `a[i·aRowStride + j·aColumnStride]`, so `Aᵀ` is the same memory with the two
/// strides swapped and costs no copy.
///
/// `multiply` is the fast kernel: a register tile of `mr × nr` accumulators runs over B
/// packed into contiguous zero-padded panels of `nr` columns (cache blocks of `kc = 256`
/// rows by `nc = 512` columns) and over A, either read in place when its rows are
/// contiguous or packed into panels of `mr` rows; edge tiles go through a scratch tile
/// (with the 8×32 tile, a last panel of at most 16 columns through its left half only).
/// The tile is 8×32 (`SIMD16` accumulators) on CPUs with AVX-512 and 6×16 (`SIMD8`)
/// on the others, chosen once per process (`RegisterTile`); both give the same bits.
/// `multiplyNaive` is the plain loop it is tested against.
public enum MatrixMultiply {
  /// `C = A·B`, or `C += A·B` when `accumulate`; see the type's comment for the strides.
  ///
  /// `threads > 1` splits C into that many column (or row) slices computed at once;
  /// only worth it for products of a few million multiply-adds or more.
  public static func multiply(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int = 1,
    b: UnsafePointer<Float>, bRowStride: Int, bColumnStride: Int = 1,
    c: UnsafeMutablePointer<Float>, cRowStride: Int, cColumnStride: Int = 1,
    accumulate: Bool = false, threads: Int = 1
  ) {
    precondition(m >= 0 && n >= 0 && k >= 0, "matrix sizes must be non-negative, got M=\(m) N=\(n) K=\(k)")
    multiply(
      m: m, n: n, k: k,
      a: MatrixOperand(base: a, rows: .plain(aRowStride), columns: .plain(aColumnStride)),
      b: MatrixOperand(base: b, rows: .plain(bRowStride), columns: .plain(bColumnStride)),
      c: MatrixDestination(base: c, rows: .plain(cRowStride), columns: .plain(cColumnStride)),
      accumulate: accumulate, threads: threads, tile: .selected)
  }

  /// The register tile in use: "8×32 (SIMD16 accumulators)" or "6×16 (SIMD8 accumulators)".
  public static var registerTile: String { RegisterTile.selected.description }

  /// `multiply` on plain strided views with a given register tile (tests run both).
  static func multiply(
    m: Int, n: Int, k: Int, a: MatrixOperand, b: MatrixOperand, c: MatrixDestination,
    accumulate: Bool, threads: Int, tile: RegisterTile
  ) {
    let (mr, nr) = (tile.rows, tile.columns)
    let parts = Swift.max(1, threads)
    if parts == 1 || (n < 2 * nr && m < 2 * mr) {
      product(m: m, n: n, k: k, a: a, b: b, c: c, accumulate: accumulate, tile: tile)
      return
    }
    // Slices of whole register tiles: by columns when there are enough of them.
    let byColumns = n >= 2 * nr
    let unit = byColumns ? nr : mr
    let units = ((byColumns ? n : m) + unit - 1) / unit
    let count = Swift.min(parts, units)
    Parallel.forEachPart(count) { part in
      let range = Parallel.slice(part, of: count, count: units)
      let start = range.lowerBound * unit
      let end = Swift.min(range.upperBound * unit, byColumns ? n : m)
      if byColumns {
        product(
          m: m, n: end - start, k: k, a: a, b: b.droppingColumns(start),
          c: c.droppingColumns(start), accumulate: accumulate, tile: tile)
      } else {
        product(
          m: end - start, n: n, k: k, a: a.droppingRows(start), b: b,
          c: c.droppingRows(start), accumulate: accumulate, tile: tile)
      }
    }
  }

  /// The plain loop, the reference `multiply` is tested against (same arguments).
  public static func multiplyNaive(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int = 1,
    b: UnsafePointer<Float>, bRowStride: Int, bColumnStride: Int = 1,
    c: UnsafeMutablePointer<Float>, cRowStride: Int, cColumnStride: Int = 1,
    accumulate: Bool = false
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var total: Float = 0
        for p in 0..<k {
          total += a[i * aRowStride + p * aColumnStride] * b[p * bRowStride + j * bColumnStride]
        }
        let out = c + (i * cRowStride + j * cColumnStride)
        out.pointee = accumulate ? out.pointee + total : total
      }
    }
  }
}

// MARK: - Strided views

/// One axis (the rows or the columns) of a strided matrix view. Index `i` lies at
/// ```
/// offset(i) = (i / blockLength)·blockStride + (i % blockLength)·stride
/// ```
/// A plain axis is one endless block. Blocks let a single product run over a whole
/// batch of NCHW images: `x` seen as a (C, N·HW) matrix has HW contiguous pixels
/// per image, and consecutive images lie C·HW floats apart.
struct MatrixAxis: Sendable {
  var stride: Int
  var blockLength: Int
  var blockStride: Int

  static func plain(_ stride: Int) -> MatrixAxis {
    MatrixAxis(stride: stride, blockLength: .max, blockStride: 0)
  }

  static func blocked(stride: Int, blockLength: Int, blockStride: Int) -> MatrixAxis {
    precondition(blockLength > 0, "a blocked axis needs blocks of at least one element")
    return MatrixAxis(stride: stride, blockLength: blockLength, blockStride: blockStride)
  }

  func offset(_ i: Int) -> Int {
    (i / blockLength) * blockStride + (i % blockLength) * stride
  }

  /// `table[t] = offset(start + t)` for `t < count`, without a division per entry.
  func fillOffsets(from start: Int, count: Int, into table: UnsafeMutablePointer<Int>) {
    var block = start / blockLength
    var within = start % blockLength
    var current = block * blockStride + within * stride
    for t in 0..<count {
      table[t] = current
      within += 1
      if within == blockLength {
        within = 0
        block += 1
        current = block * blockStride
      } else {
        current += stride
      }
    }
  }

  /// The same axis starting `count` indices later (relative to the new base offset).
  func advanced(by count: Int) -> (offset: Int, axis: MatrixAxis) {
    precondition(
      blockLength == .max || count % blockLength == 0,
      "a blocked axis (blocks of \(blockLength)) can only be advanced by whole blocks, not \(count)")
    return (offset(count), self)
  }
}

/// A strided matrix view: the element `[i, j]` is at `base + rows.offset(i) + columns.offset(j)`.
struct StridedMatrix<Pointer: Strideable<Int>>: @unchecked Sendable {
  var base: Pointer
  var rows: MatrixAxis
  var columns: MatrixAxis

  func droppingRows(_ count: Int) -> Self {
    let (offset, axis) = rows.advanced(by: count)
    return Self(base: base.advanced(by: offset), rows: axis, columns: columns)
  }

  func droppingColumns(_ count: Int) -> Self {
    let (offset, axis) = columns.advanced(by: count)
    return Self(base: base.advanced(by: offset), rows: rows, columns: axis)
  }
}

/// A read-only strided M×K (or K×N) view.
typealias MatrixOperand = StridedMatrix<UnsafePointer<Float>>

/// A writable strided M×N view.
typealias MatrixDestination = StridedMatrix<UnsafeMutablePointer<Float>>

// MARK: - The blocked product

/// Runs `body(start, length)` over `0..<total` in blocks of `size`, the last one
/// shorter (a `while` loop: a `stride` iterator here is a function call per step).
@inline(__always)
private func forEachBlock(of total: Int, size: Int, _ body: (_ start: Int, _ length: Int) -> Void) {
  var start = 0
  while start < total {
    let length = Swift.min(size, total - start)
    body(start, length)
    start += length
  }
}

extension MatrixMultiply {
  /// Cache blocks: `kc` steps of the sum, `nc` columns of B per packing (the rows of A
  /// per packing, `mc`, are the tile's `rowBlock`). `kcMax` cuts every element's sum
  /// into the same blocks whatever the tile, so it must not depend on the tile.
  static let kcMax = 256
  static let ncMax = 512

  /// The blocked product on strided views, single-threaded:
  /// ```
  /// C[i, j] = rowBias[i] + Σ_p A[i, p] · B[p, j]     (C[i, j] + … when accumulating)
  /// ```
  /// When A has unit column stride it is read in place and the blocks of the sum stop
  /// at the end of each of A's column blocks (images). `tile` changes the speed, not the bits.
  /// An `epilogue` (row `i` of C is its row `i`) is applied to each element of C once
  /// its value above is final, before it is stored: the same bits as a separate pass
  /// over C afterwards.
  static func product(
    m: Int, n: Int, k: Int, a: MatrixOperand, b: MatrixOperand, c: MatrixDestination,
    accumulate: Bool, rowBias: UnsafePointer<Float>? = nil, epilogue: RowEpilogue? = nil,
    tile: RegisterTile = .selected
  ) {
    guard m > 0 && n > 0 else { return }
    guard k > 0 else {
      if !accumulate { fill(m: m, n: n, c: c, rowBias: rowBias) }
      if let epilogue { applyEpilogue(epilogue, m: m, n: n, c: c) }
      return
    }
    let (mr, nr, mcMax) = (tile.rows, tile.columns, tile.rowBlock)
    let inPlaceA = a.columns.stride == 1
    let mcCap = Swift.min(mcMax, (m + mr - 1) / mr * mr)
    let kcCap = Swift.min(kcMax, k)
    let ncCap = Swift.min(ncMax, (n + nr - 1) / nr * nr)
    var layout = ScratchLayout()
    layout.floats(inPlaceA ? 0 : mcCap * kcCap)  // packed A
    layout.floats(kcCap * ncCap)  // packed B
    layout.floats(mr * nr)  // edge tile
    layout.ints(mcCap); layout.ints(mcCap)  // offsets of rows of A and C
    layout.ints(kcCap); layout.ints(kcCap)  // offsets of columns of A and rows of B
    layout.ints(ncCap); layout.ints(ncCap)  // offsets of columns of B and C
    layout.ints(mr); layout.ints(mr)  // offsets of the rows of the edge tile and of A's edge rows
    layout.ints(mr)  // offsets of the rows of a packed A panel
    layout.ints(nr + 1)  // starts of contiguous runs
    layout.ints(ncCap / nr + 1)  // offset in C of each column panel, or −1 where not contiguous

    ScratchPool.shared.withScratch(layout) { scratch in
      let packedA = scratch.floats(inPlaceA ? 0 : mcCap * kcCap)
      let packedB = scratch.floats(kcCap * ncCap)
      let edgeTile = scratch.floats(mr * nr)
      let aRows = scratch.ints(mcCap), cRows = scratch.ints(mcCap)
      let aColumns = scratch.ints(kcCap), bRows = scratch.ints(kcCap)
      let bColumns = scratch.ints(ncCap), cColumns = scratch.ints(ncCap)
      let tileRows = scratch.ints(mr), edgeRows = scratch.ints(mr), panelRows = scratch.ints(mr)
      let runStarts = scratch.ints(nr + 1)
      let panelStarts = scratch.ints(ncCap / nr + 1)
      for r in 0..<mr { tileRows[r] = r * nr }
      for r in 0..<mr { panelRows[r] = r }

      forEachBlock(of: n, size: ncMax) { jc, nc in
        b.columns.fillOffsets(from: jc, count: nc, into: bColumns)
        c.columns.fillOffsets(from: jc, count: nc, into: cColumns)
        // A panel of whole nr columns contiguous in C is written in place (once per
        // block of columns, not once per strip of rows).
        for panel in 0..<((nc + nr - 1) / nr) {
          let jr = panel * nr
          let contiguous =
            nc - jr >= nr && c.columns.stride == 1 && cColumns[jr + nr - 1] - cColumns[jr] == nr - 1
          panelStarts[panel] = contiguous ? cColumns[jr] : -1
        }
        var pc = 0
        while pc < k {
          var kc = Swift.min(kcMax, k - pc)
          if inPlaceA && a.columns.blockLength != .max {
            kc = Swift.min(kc, (pc / a.columns.blockLength + 1) * a.columns.blockLength - pc)
          }
          b.rows.fillOffsets(from: pc, count: kc, into: bRows)
          a.columns.fillOffsets(from: pc, count: kc, into: aColumns)
          packB(b, kc: kc, nc: nc, nr: nr, rows: bRows, columns: bColumns, into: packedB)
          let addC = accumulate || pc > 0
          let bias = pc == 0 ? rowBias : nil
          let finalEpilogue = pc + kc == k ? epilogue : nil  // the last block of the sum
          forEachBlock(of: m, size: mcMax) { ic, mc in
            a.rows.fillOffsets(from: ic, count: mc, into: aRows)
            c.rows.fillOffsets(from: ic, count: mc, into: cRows)
            if !inPlaceA { packA(a, mc: mc, kc: kc, mr: mr, rows: aRows, columns: aColumns, into: packedA) }
            // Row panels outside, column panels inside: each mr-row strip of C is
            // written left to right, mr streams the prefetcher follows well.
            var ir = 0
            while ir < mc {
              let mrValid = Swift.min(mr, mc - ir)
              defer { ir += mr }
              // Rows past M repeat the last row; their results are dropped.
              for r in 0..<mr { edgeRows[r] = aRows[ir + Swift.min(r, mrValid - 1)] }
              // A in place (rows at their offsets, unit step) or its packed panel.
              let (aTile, aTileRows, aStep) =
                inPlaceA
                ? (a.base + aColumns[0], UnsafePointer(edgeRows), 1)
                : (UnsafePointer(packedA + ir * kc), UnsafePointer(panelRows), mr)
              let stripBias = bias.map { $0 + ic + ir }
              let stripEpilogue = finalEpilogue?.droppingRows(ic + ir)
              var jr = 0
              while jr < nc {
                let nrValid = Swift.min(nr, nc - jr)
                defer { jr += nr }
                let bPanel = UnsafePointer(packedB + jr * kc)
                // A tile whose 16 or 32 columns are contiguous in C is written in place,
                // its valid rows only (the rows past M are computed and dropped).
                let start = panelStarts[jr / nr]
                let direct = start >= 0
                let target = direct ? c.base + start : edgeTile
                let targetRows = direct ? UnsafePointer(cRows + ir) : UnsafePointer(tileRows)
                let tileBias = direct ? stripBias : nil
                let tileEpilogue = direct ? stripEpilogue : nil
                switch tile {
                case .tile8x32 where !direct && nrValid <= 16:
                  // Only the left half of the panel holds columns of C.
                  microkernel8x16(
                    kc: kc, a: aTile, aRows: aTileRows, aStep: aStep, b: bPanel, c: edgeTile, cRows: tileRows)
                case .tile8x32:
                  microkernel8x32(
                    kc: kc, a: aTile, aRows: aTileRows, aStep: aStep, b: bPanel,
                    c: target, cRows: targetRows, rows: direct ? mrValid : mr, addC: direct && addC, bias: tileBias,
                    epilogue: tileEpilogue)
                case .tile6x16:
                  microkernel6x16(
                    kc: kc, a: aTile, aRows: aTileRows, aStep: aStep, b: bPanel,
                    c: target, cRows: targetRows, rows: direct ? mrValid : mr, addC: direct && addC, bias: tileBias,
                    epilogue: tileEpilogue)
                }
                if direct { continue }
                // An edge tile, or one whose columns span two images: copy (or add)
                // each contiguous run of each valid row.
                let runs = contiguousRuns(cColumns + jr, count: nrValid, starts: runStarts)
                for r in 0..<mrValid {
                  let row = c.base + cRows[ir + r] + cColumns[jr]
                  let source = edgeTile + r * nr
                  if let bias {
                    let value = SIMD16<Float>(repeating: bias[ic + ir + r])
                    for t in stride(from: 0, to: nrValid, by: 16) { store16(load16(source + t) + value, source + t) }
                  }
                  for run in 0..<runs {
                    let start = runStarts[run]
                    let target = row + (cColumns[jr + start] - cColumns[jr])
                    let length = runStarts[run + 1] - start
                    if addC {
                      addFloats(source + start, to: target, count: length)
                    } else {
                      copyFloats(source + start, to: target, count: length)
                    }
                    finalEpilogue?.applyInPlace(target, count: length, row: ic + ir + r)
                  }
                }
              }
            }
          }
          pc += kc
        }
      }
    }
  }

  /// `C = epilogue(C)`, element by element (after the product of an empty sum).
  private static func applyEpilogue(_ epilogue: RowEpilogue, m: Int, n: Int, c: MatrixDestination) {
    for i in 0..<m {
      let row = c.base + c.rows.offset(i)
      for j in 0..<n { row[c.columns.offset(j)] = epilogue.apply(row[c.columns.offset(j)], row: i) }
    }
  }

  /// `C = rowBias` (or zero): the product of an empty sum.
  private static func fill(m: Int, n: Int, c: MatrixDestination, rowBias: UnsafePointer<Float>?) {
    for i in 0..<m {
      let row = c.base + c.rows.offset(i)
      let value = rowBias?[i] ?? 0
      for j in 0..<n { row[c.columns.offset(j)] = value }
    }
  }
}
