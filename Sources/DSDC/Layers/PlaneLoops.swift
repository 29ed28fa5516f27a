/// The loops shared by the element-wise layers (BatchNorm, ReLU, pooling): each walks
/// one contiguous span of floats — usually one `H × W` plane of one channel of one
/// image — sixteen lanes at a time, with a scalar tail.
///
/// They take raw pointers because indexing an array held by a class inside a loop is
/// about 30× slower than walking its buffer.
enum PlaneLoops {
  typealias Vector = SIMD16<Float>
  static let width = Vector.scalarCount

  /// The vector at `p + i` (a mutable pointer converts to `p`'s type). Written out
  /// rather than through `load16`: a build that compiles file by file (debug) inlines
  /// the standard library's load but not a function of another file.
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Vector {
    UnsafeRawPointer(p + i).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Vector.self)
  }

  /// `dy[i…]`, zeroed unless `x·a + b > 0` when a ReLU follows: the mask of the
  /// forward pass, which evaluated this very expression (`scaleShift`).
  @inline(__always)
  static func maskedGradient(_ dy: UnsafePointer<Float>, _ i: Int, x: Vector, a: Vector, b: Vector, relu: Bool)
    -> Vector
  {
    let g = load(dy, i)
    guard relu else { return g }
    let zero = Vector()
    return zero.replacing(with: g, where: b.addingProduct(x, a) .> zero)
  }

  /// `maskedGradient` for one float.
  @inline(__always)
  static func maskedGradient(_ dy: UnsafePointer<Float>, _ i: Int, x: Float, a: Float, b: Float, relu: Bool)
    -> Float
  {
    relu && !(b.addingProduct(x, a) > 0) ? 0 : dy[i]
  }

  /// `Σ x[i]`
  @inline(__always)
  static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = Vector()
    var i = 0
    while i + width <= count {
      acc += load(x, i)
      i += width
    }
    var total = acc.sum()
    while i < count {
      total += x[i]
      i += 1
    }
    return total
  }

  /// `Σ (x[i] − mean)²`
  @inline(__always)
  static func squaredDeviation(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
    var acc = Vector()
    let m = Vector(repeating: mean)
    var i = 0
    while i + width <= count {
      let d = load(x, i) - m
      acc.addProduct(d, d)
      i += width
    }
    var total = acc.sum()
    while i < count {
      let d = x[i] - mean
      total += d * d
      i += 1
    }
    return total
  }

  /// `y[i] = x[i]·scale + shift`, then `max(0, ·)` when `relu`.
  @inline(__always)
  static func scaleShift(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
    scale: Float, shift: Float, relu: Bool
  ) {
    let a = Vector(repeating: scale)
    let b = Vector(repeating: shift)
    let zero = Vector()
    var i = 0
    while i + width <= count {
      var v = b.addingProduct(load(x, i), a)
      if relu { v = zero.replacing(with: v, where: v .> zero) }
      store(v, y, i)
      i += width
    }
    while i < count {
      var v = shift.addingProduct(x[i], scale)
      if relu { v = v > 0 ? v : 0 }
      y[i] = v
      i += 1
    }
  }

  /// The gradient reaching the normalisation: `dy`, masked by `x·scale + shift > 0`
  /// when a ReLU follows (the very expression `scaleShift` evaluated, so the mask is
  /// the forward pass's). Returns `(Σ g, Σ (x − mean)·g)`.
  @inline(__always)
  static func gradientSums(
    _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
    mean: Float, scale: Float, shift: Float, relu: Bool
  ) -> (sum: Float, dot: Float) {
    let a = Vector(repeating: scale)
    let b = Vector(repeating: shift)
    let m = Vector(repeating: mean)
    var sumAcc = Vector()
    var dotAcc = Vector()
    var i = 0
    while i + width <= count {
      let xv = load(x, i)
      let g = maskedGradient(dy, i, x: xv, a: a, b: b, relu: relu)
      sumAcc += g
      dotAcc.addProduct(xv - m, g)
      i += width
    }
    var sum = sumAcc.sum()
    var dot = dotAcc.sum()
    while i < count {
      let g = maskedGradient(dy, i, x: x[i], a: scale, b: shift, relu: relu)
      sum += g
      dot += (x[i] - mean) * g
      i += 1
    }
    return (sum, dot)
  }

  /// `dx[i] += (g[i] − gradMean − (x[i] − mean)·k) · factor`, with `g` masked as in
  /// `gradientSums` (`=` instead of `+=` when not `accumulate`).
  @inline(__always)
  static func inputGradient(
    _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
    count: Int, mean: Float, scale: Float, shift: Float, relu: Bool,
    gradMean: Float, k: Float, factor: Float, accumulate: Bool
  ) {
    let a = Vector(repeating: scale)
    let b = Vector(repeating: shift)
    let m = Vector(repeating: mean)
    let gm = Vector(repeating: gradMean)
    let kv = Vector(repeating: k)
    let f = Vector(repeating: factor)
    var i = 0
    while i + width <= count {
      let xv = load(x, i)
      let g = maskedGradient(dy, i, x: xv, a: a, b: b, relu: relu)
      let centred = (g - gm) - (xv - m) * kv
      store(accumulate ? load(dx, i).addingProduct(centred, f) : centred * f, dx, i)
      i += width
    }
    while i < count {
      let g = maskedGradient(dy, i, x: x[i], a: scale, b: shift, relu: relu)
      let centred = (g - gradMean) - (x[i] - mean) * k
      dx[i] = accumulate ? dx[i].addingProduct(centred, factor) : centred * factor
      i += 1
    }
  }
}
