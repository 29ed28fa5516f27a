/// Unaligned SIMD loads and stores on raw float pointers, shared by the kernels.
///
/// They compile to single `vmovups` instructions (with `-target-cpu native`); the
/// pointers need no particular alignment.

/// A vector of floats from `p`, as wide as the type asked for (`SIMD16<Float>`, …);
/// a mutable pointer converts to `p`'s type.
@inline(__always)
func loadFloats<Vector: SIMD>(_ p: UnsafePointer<Float>) -> Vector where Vector.Scalar == Float {
  UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
}

/// Stores the floats of `v` at `p`.
@inline(__always)
func storeFloats<Vector: SIMD>(_ v: Vector, _ p: UnsafeMutablePointer<Float>) where Vector.Scalar == Float {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
}

// The widths the kernels use, by name.
@inline(__always) func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> { loadFloats(p) }
@inline(__always) func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) { storeFloats(v, p) }
@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { loadFloats(p) }
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { storeFloats(v, p) }
@inline(__always) func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> { loadFloats(p) }
@inline(__always) func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) { storeFloats(v, p) }

/// The sum of `count` floats, sixteen lanes at a time (a fixed order, so the
/// same input always gives the same bits).
@inline(__always)
func sumFloats(_ p: UnsafePointer<Float>, count: Int) -> Float {
  var acc = SIMD16<Float>()
  var i = 0
  while i + 16 <= count {
    acc += load16(p + i)
    i += 16
  }
  var total = acc.sum()
  while i < count {
    total += p[i]
    i += 1
  }
  return total
}

/// Sixteen SIMD16 rows: a 16×16 block of floats that can be transposed in registers.
///
/// The transpose is four rounds of "unzip" (even lanes of a pair, odd lanes of the
/// pair), each a single two-source permute on AVX-512: 64 permutes for 256 floats.
struct Block16 {
  var r0 = SIMD16<Float>(), r1 = SIMD16<Float>(), r2 = SIMD16<Float>(), r3 = SIMD16<Float>()
  var r4 = SIMD16<Float>(), r5 = SIMD16<Float>(), r6 = SIMD16<Float>(), r7 = SIMD16<Float>()
  var r8 = SIMD16<Float>(), r9 = SIMD16<Float>(), r10 = SIMD16<Float>(), r11 = SIMD16<Float>()
  var r12 = SIMD16<Float>(), r13 = SIMD16<Float>(), r14 = SIMD16<Float>(), r15 = SIMD16<Float>()

  /// Loads row `i` from `row(i)` for `i < valid`; the other rows stay zero.
  @inline(__always)
  init(valid: Int, row: (Int) -> UnsafePointer<Float>) {
    if valid > 0 { r0 = load16(row(0)) }
    if valid > 1 { r1 = load16(row(1)) }
    if valid > 2 { r2 = load16(row(2)) }
    if valid > 3 { r3 = load16(row(3)) }
    if valid > 4 { r4 = load16(row(4)) }
    if valid > 5 { r5 = load16(row(5)) }
    if valid > 6 { r6 = load16(row(6)) }
    if valid > 7 { r7 = load16(row(7)) }
    if valid > 8 { r8 = load16(row(8)) }
    if valid > 9 { r9 = load16(row(9)) }
    if valid > 10 { r10 = load16(row(10)) }
    if valid > 11 { r11 = load16(row(11)) }
    if valid > 12 { r12 = load16(row(12)) }
    if valid > 13 { r13 = load16(row(13)) }
    if valid > 14 { r14 = load16(row(14)) }
    if valid > 15 { r15 = load16(row(15)) }
  }

  /// Rows become columns: afterwards `r_j[i]` holds what `r_i[j]` held.
  ///
  /// Round `b` pairs the rows whose index differs in bit `b`; the even lanes go to
  /// the first, the odd lanes to the second. Each round moves one bit of the lane
  /// index into the row index, so after four rounds the two have swapped.
  @inline(__always)
  mutating func transpose() {
    Self.unzip(&r0, &r1); Self.unzip(&r2, &r3); Self.unzip(&r4, &r5); Self.unzip(&r6, &r7)
    Self.unzip(&r8, &r9); Self.unzip(&r10, &r11); Self.unzip(&r12, &r13); Self.unzip(&r14, &r15)
    Self.unzip(&r0, &r2); Self.unzip(&r1, &r3); Self.unzip(&r4, &r6); Self.unzip(&r5, &r7)
    Self.unzip(&r8, &r10); Self.unzip(&r9, &r11); Self.unzip(&r12, &r14); Self.unzip(&r13, &r15)
    Self.unzip(&r0, &r4); Self.unzip(&r1, &r5); Self.unzip(&r2, &r6); Self.unzip(&r3, &r7)
    Self.unzip(&r8, &r12); Self.unzip(&r9, &r13); Self.unzip(&r10, &r14); Self.unzip(&r11, &r15)
    Self.unzip(&r0, &r8); Self.unzip(&r1, &r9); Self.unzip(&r2, &r10); Self.unzip(&r3, &r11)
    Self.unzip(&r4, &r12); Self.unzip(&r5, &r13); Self.unzip(&r6, &r14); Self.unzip(&r7, &r15)
  }

  /// Calls `body(i, r_i)` for every row in order.
  @inline(__always)
  func forEachRow(_ body: (Int, SIMD16<Float>) -> Void) {
    body(0, r0); body(1, r1); body(2, r2); body(3, r3)
    body(4, r4); body(5, r5); body(6, r6); body(7, r7)
    body(8, r8); body(9, r9); body(10, r10); body(11, r11)
    body(12, r12); body(13, r13); body(14, r14); body(15, r15)
  }

  @inline(__always)
  private static func unzip(_ a: inout SIMD16<Float>, _ b: inout SIMD16<Float>) {
    let both = SIMD32<Float>(lowHalf: a, highHalf: b)
    a = both.evenHalf
    b = both.oddHalf
  }
}

/// `target[0..<count] = source[0..<count]`, whole vectors with an overlapping last
/// one (the two ranges must not overlap each other).
@inline(__always)
func copyFloats(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
  if count >= 16 {
    var j = 0
    while j + 16 <= count {
      store16(load16(source + j), target + j)
      j += 16
    }
    if j < count { store16(load16(source + count - 16), target + count - 16) }
  } else if count >= 8 {
    store8(load8(source), target)
    store8(load8(source + count - 8), target + count - 8)
  } else if count >= 4 {
    store4(load4(source), target)
    store4(load4(source + count - 4), target + count - 4)
  } else {
    for j in 0..<count { target[j] = source[j] }
  }
}

/// `target[0..<count] += source[0..<count]`.
@inline(__always)
func addFloats(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
  var j = 0
  while j + 16 <= count {
    store16(load16(target + j) + load16(source + j), target + j)
    j += 16
  }
  if j + 8 <= count {
    store8(load8(target + j) + load8(source + j), target + j)
    j += 8
  }
  if j + 4 <= count {
    store4(load4(target + j) + load4(source + j), target + j)
    j += 4
  }
  while j < count {
    target[j] += source[j]
    j += 1
  }
}
