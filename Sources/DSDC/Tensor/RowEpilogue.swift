/// An eval-mode BatchNorm (and ReLU) applied to each finished element of a matrix
/// product or convolution while it is still in registers or cache, instead of in a
/// separate pass over memory. For an element `x` of row (output channel) `r`:
/// ```
/// y = fma(x, scale[r], shift[r])          then max(0, y) when relu
/// ```
/// the very operations `BatchNorm2d`'s eval pass performs on the stored `x` (one fused
/// multiply-add, then `y > 0 ? y : 0`), so the result has the same bits. It is not a
/// BatchNorm folded into the weights, which would round differently.
///
/// The pointers are valid for the call that carries the epilogue only.
struct RowEpilogue: @unchecked Sendable {
  /// `(rows)`, the per-row factor and offset, `γ/√(var + ε)` and `β − mean·scale`.
  var scale: UnsafePointer<Float>
  var shift: UnsafePointer<Float>
  /// Whether `max(0, ·)` follows.
  var relu: Bool

  /// The same epilogue for the rows from `count` on (a block of rows, a group).
  func droppingRows(_ count: Int) -> RowEpilogue {
    RowEpilogue(scale: scale + count, shift: shift + count, relu: relu)
  }

  @inline(__always)
  func apply(_ x: Float, row r: Int) -> Float {
    let y = shift[r].addingProduct(x, scale[r])
    return relu ? (y > 0 ? y : 0) : y
  }

  // One overload per vector width (concrete types, so each is a few instructions). The
  // comparison is with a named zero vector: written `y .> SIMD8()` it compiles to a
  // lane-by-lane loop, while this form is a single `vmaxps` (whose rule, y > 0 ? y : 0,
  // is exactly the ReLU's).
  @inline(__always)
  func apply(_ x: SIMD16<Float>, row r: Int) -> SIMD16<Float> {
    let y = SIMD16(repeating: shift[r]).addingProduct(x, SIMD16(repeating: scale[r]))
    guard relu else { return y }
    let zero = SIMD16<Float>()
    return zero.replacing(with: y, where: y .> zero)
  }

  @inline(__always)
  func apply(_ x: SIMD8<Float>, row r: Int) -> SIMD8<Float> {
    let y = SIMD8(repeating: shift[r]).addingProduct(x, SIMD8(repeating: scale[r]))
    guard relu else { return y }
    let zero = SIMD8<Float>()
    return zero.replacing(with: y, where: y .> zero)
  }

  @inline(__always)
  func apply(_ x: SIMD4<Float>, row r: Int) -> SIMD4<Float> {
    let y = SIMD4(repeating: shift[r]).addingProduct(x, SIMD4(repeating: scale[r]))
    guard relu else { return y }
    let zero = SIMD4<Float>()
    return zero.replacing(with: y, where: y .> zero)
  }

  /// `target[0..<count] = epilogue(source[0..<count])` for row `r`: whole vectors with
  /// an overlapping last one, as `copyFloats` (the two ranges must not overlap).
  @inline(__always)
  func apply(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int, row r: Int) {
    if count >= 16 {
      var j = 0
      while j + 16 <= count {
        store16(apply(load16(source + j), row: r), target + j)
        j += 16
      }
      if j < count { store16(apply(load16(source + count - 16), row: r), target + count - 16) }
    } else if count >= 8 {
      store8(apply(load8(source), row: r), target)
      store8(apply(load8(source + count - 8), row: r), target + count - 8)
    } else if count >= 4 {
      store4(apply(load4(source), row: r), target)
      store4(apply(load4(source + count - 4), row: r), target + count - 4)
    } else {
      for j in 0..<count { target[j] = apply(source[j], row: r) }
    }
  }

  /// `x[0..<count] = epilogue(x[0..<count])` for row `r`, in place (no overlapping vectors).
  @inline(__always)
  func applyInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, row r: Int) {
    var j = 0
    while j + 16 <= count {
      store16(apply(load16(x + j), row: r), x + j)
      j += 16
    }
    if j + 8 <= count {
      store8(apply(load8(x + j), row: r), x + j)
      j += 8
    }
    if j + 4 <= count {
      store4(apply(load4(x + j), row: r), x + j)
      j += 4
    }
    while j < count {
      x[j] = apply(x[j], row: r)
      j += 1
    }
  }
}
