/// The plane kernels of `DirectConvolution`: sums over flat, zero-bordered planes,
/// sixteen (or, forward on 256-bit vector registers, eight) outputs per vector (see
/// `DirectConvolution` for the layout).
///
/// `correlate` and `correlateBackward` take any kernel as a table of tap offsets and
/// load every tap (nine loads per output vector for 3×3). `correlate3x3` and
/// `weightGradient3x3` slide down the rows instead and load each input vector once:
/// worth it where loads, not multiply-adds, are the limit.
extension DirectConvolution {
  /// The nine weights of a 3×3 kernel, `weights[0…8]`, each in every lane of a `V`.
  @inline(__always)
  private static func nineVectors<V: SIMD>(_ weights: UnsafePointer<Float>, _: V.Type) -> (V, V, V, V, V, V, V, V, V)
  where V.Scalar == Float {
    (
      V(repeating: weights[0]), V(repeating: weights[1]), V(repeating: weights[2]), V(repeating: weights[3]),
      V(repeating: weights[4]), V(repeating: weights[5]), V(repeating: weights[6]), V(repeating: weights[7]),
      V(repeating: weights[8])
    )
  }

  /// `out[q] = initial + Σ_t weights[t] · source[q + offsets[t]]` for `q < count`
  /// (a multiple of 16); three independent sums shorten the chain of additions.
  /// `V` is the vector the lanes run in (`SIMD16` or `SIMD8`): every lane performs the
  /// same operations in the same order, so the width changes the speed, not the bits.
  @inline(__always)
  private static func correlate<V: SIMD>(
    _: V.Type, count: Int, source: UnsafePointer<Float>, offsets: UnsafePointer<Int>,
    weights: UnsafePointer<Float>, taps: Int, initial: Float, into out: UnsafeMutablePointer<Float>
  ) where V.Scalar == Float {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    let start = V(repeating: initial)
    if taps == 9 {
      let (o0, o1, o2, o3, o4, o5, o6, o7, o8) = (
        offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], offsets[5], offsets[6], offsets[7], offsets[8]
      )
      let (w0, w1, w2, w3, w4, w5, w6, w7, w8) = nineVectors(weights, V.self)
      var q = 0
      while q < count {
        let s = source + q
        var a = start.addingProduct(load(s + o0), w0)
        var b = load(s + o3) * w3
        var c = load(s + o6) * w6
        a = a.addingProduct(load(s + o1), w1)
        b = b.addingProduct(load(s + o4), w4)
        c = c.addingProduct(load(s + o7), w7)
        a = a.addingProduct(load(s + o2), w2)
        b = b.addingProduct(load(s + o5), w5)
        c = c.addingProduct(load(s + o8), w8)
        UnsafeMutableRawPointer(out + q).storeBytes(of: a + b + c, as: V.self)
        q += V.scalarCount
      }
      return
    }
    var q = 0
    while q < count {
      let s = source + q
      var a = start
      for t in 0..<taps { a = a.addingProduct(load(s + offsets[t]), V(repeating: weights[t])) }
      UnsafeMutableRawPointer(out + q).storeBytes(of: a, as: V.self)
      q += V.scalarCount
    }
  }

  /// `out[q] = initial + Σ_{u,v} weights[3u + v] · source[q + u·R + v·D]` for `q < count`
  /// (`R = rowStep`, `D = columnStep`), loading each input vector once instead of three
  /// times: the outputs `q0, q0 + R, q0 + 2R, …` form a chain in which input row `m`
  /// (the vectors at `q0 + m·R + v·D`) finishes output `m − 2`, continues `m − 1` and
  /// starts `m`. Chains start every vector (`V`, 16 or 8 floats, which changes the speed,
  /// not the bits) below `R` (at least 16); where the last one overlaps the next row of
  /// chains it writes the same values again.
  @inline(__always)
  private static func correlate3x3<V: SIMD>(
    _: V.Type, count: Int, source: UnsafePointer<Float>, rowStep: Int, columnStep: Int,
    weights: UnsafePointer<Float>, initial: Float, into out: UnsafeMutablePointer<Float>
  ) where V.Scalar == Float {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    let (R, D) = (rowStep, columnStep)
    let start = V(repeating: initial)
    let (w0, w1, w2, w3, w4, w5, w6, w7, w8) = nineVectors(weights, V.self)
    var q0 = 0
    while q0 < R {
      let outputs = (count - q0 + R - 1) / R
      var started = start  // output m − 1: row u = 0 added
      var halfway = start  // output m − 2: rows u = 0, 1 added
      var row = source + q0
      for m in 0..<(outputs + 2) {
        let x0 = load(row), x1 = load(row + D), x2 = load(row + 2 * D)
        if m >= 2 {
          let done = halfway.addingProduct(x0, w6).addingProduct(x1, w7).addingProduct(x2, w8)
          UnsafeMutableRawPointer(out + q0 + (m - 2) * R).storeBytes(of: done, as: V.self)
        }
        halfway = started.addingProduct(x0, w3).addingProduct(x1, w4).addingProduct(x2, w5)
        started = start.addingProduct(x0, w0).addingProduct(x1, w1).addingProduct(x2, w2)
        row += R
      }
      q0 += V.scalarCount
    }
  }

  // The forward kernels at one vector width or the other, `narrow` for 8 lanes. These
  // concrete entry points sit in the generic kernels' file so that they are specialised
  // in every build (a debug build compiles file by file and cannot specialise a generic
  // function for a caller in another file: it would run lane by lane).

  /// `correlate` in `SIMD8` (`narrow`) or `SIMD16` vectors.
  static func correlate(
    narrow: Bool, count: Int, source: UnsafePointer<Float>, offsets: UnsafePointer<Int>,
    weights: UnsafePointer<Float>, taps: Int, initial: Float, into out: UnsafeMutablePointer<Float>
  ) {
    if narrow {
      correlate(
        SIMD8<Float>.self, count: count, source: source, offsets: offsets, weights: weights, taps: taps,
        initial: initial, into: out)
    } else {
      correlate(
        SIMD16<Float>.self, count: count, source: source, offsets: offsets, weights: weights, taps: taps,
        initial: initial, into: out)
    }
  }

  /// `correlate3x3` in `SIMD8` (`narrow`) or `SIMD16` vectors.
  static func correlate3x3(
    narrow: Bool, count: Int, source: UnsafePointer<Float>, rowStep: Int, columnStep: Int,
    weights: UnsafePointer<Float>, initial: Float, into out: UnsafeMutablePointer<Float>
  ) {
    if narrow {
      correlate3x3(
        SIMD8<Float>.self, count: count, source: source, rowStep: rowStep, columnStep: columnStep,
        weights: weights, initial: initial, into: out)
    } else {
      correlate3x3(
        SIMD16<Float>.self, count: count, source: source, rowStep: rowStep, columnStep: columnStep,
        weights: weights, initial: initial, into: out)
    }
  }

  /// The weight gradient of a 3×3 kernel with the same sliding chains:
  /// ```
  /// lanes[8 − (3u + v)] += Σ_q x[q] · gradient[q + u·R + v·D]     (16-lane partial sums)
  /// ```
  /// for `q < count`, where `gradient` starts at the tap of the last kernel row and
  /// column (the kernel turned by 180°, as in `backward`). Input row `m` of a chain
  /// meets the inputs `x` of outputs `m`, `m − 1` and `m − 2`. A chain that runs past
  /// `R` masks off its last lanes, which the next row of chains counts.
  @inline(__always)
  static func weightGradient3x3(
    count: Int, input x: UnsafePointer<Float>, gradient: UnsafePointer<Float>,
    rowStep: Int, columnStep: Int, lanes: UnsafeMutablePointer<Float>
  ) {
    let (R, D) = (rowStep, columnStep)
    var l0 = load16(lanes + 128), l1 = load16(lanes + 112), l2 = load16(lanes + 96)
    var l3 = load16(lanes + 80), l4 = load16(lanes + 64), l5 = load16(lanes + 48)
    var l6 = load16(lanes + 32), l7 = load16(lanes + 16), l8 = load16(lanes)
    let laneIndex = SIMD16<Float>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    var q0 = 0
    while q0 < R {
      let outputs = (count - q0 + R - 1) / R
      let mask = SIMD16<Float>(repeating: 0).replacing(
        with: 1, where: laneIndex .< SIMD16<Float>(repeating: Float(R - q0)))
      var x1 = SIMD16<Float>()  // the input of output m − 1
      var x2 = SIMD16<Float>()  // the input of output m − 2
      var row = gradient + q0
      for m in 0..<(outputs + 2) {
        let x0 = m < outputs ? load16(x + q0 + m * R) * mask : SIMD16<Float>()
        let g0 = load16(row), g1 = load16(row + D), g2 = load16(row + 2 * D)
        l0 = l0.addingProduct(x0, g0); l1 = l1.addingProduct(x0, g1); l2 = l2.addingProduct(x0, g2)
        l3 = l3.addingProduct(x1, g0); l4 = l4.addingProduct(x1, g1); l5 = l5.addingProduct(x1, g2)
        l6 = l6.addingProduct(x2, g0); l7 = l7.addingProduct(x2, g1); l8 = l8.addingProduct(x2, g2)
        x2 = x1
        x1 = x0
        row += R
      }
      q0 += 16
    }
    store16(l0, lanes + 128); store16(l1, lanes + 112); store16(l2, lanes + 96)
    store16(l3, lanes + 80); store16(l4, lanes + 64); store16(l5, lanes + 48)
    store16(l6, lanes + 32); store16(l7, lanes + 16); store16(l8, lanes)
  }

  /// For `q < count` (a multiple of 16), with `g_t = gradient[q + offsets[t]]`:
  /// ```
  /// dInput[q] += Σ_t weights[t] · g_t          (skipped when dInput is nil)
  /// lanes[t]  += input[q] · g_t                (16-lane partial sums of dWeight[t])
  /// ```
  @inline(__always)
  static func correlateBackward(
    count: Int, gradient: UnsafePointer<Float>, offsets: UnsafePointer<Int>,
    weights: UnsafePointer<Float>, taps: Int, input: UnsafePointer<Float>,
    dInput: UnsafeMutablePointer<Float>?, lanes: UnsafeMutablePointer<Float>
  ) {
    if taps == 9 {
      let (o0, o1, o2, o3, o4, o5, o6, o7, o8) = (
        offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], offsets[5], offsets[6], offsets[7], offsets[8]
      )
      var l0 = load16(lanes), l1 = load16(lanes + 16), l2 = load16(lanes + 32)
      var l3 = load16(lanes + 48), l4 = load16(lanes + 64), l5 = load16(lanes + 80)
      var l6 = load16(lanes + 96), l7 = load16(lanes + 112), l8 = load16(lanes + 128)
      if let dInput {
        let (w0, w1, w2, w3, w4, w5, w6, w7, w8) = nineVectors(weights, SIMD16<Float>.self)
        var q = 0
        while q < count {
          let s = gradient + q
          let x = load16(input + q)
          let g0 = load16(s + o0), g1 = load16(s + o1), g2 = load16(s + o2)
          let g3 = load16(s + o3), g4 = load16(s + o4), g5 = load16(s + o5)
          let g6 = load16(s + o6), g7 = load16(s + o7), g8 = load16(s + o8)
          var a = load16(dInput + q).addingProduct(g0, w0)
          var b = g3 * w3
          var c = g6 * w6
          a = a.addingProduct(g1, w1)
          b = b.addingProduct(g4, w4)
          c = c.addingProduct(g7, w7)
          a = a.addingProduct(g2, w2)
          b = b.addingProduct(g5, w5)
          c = c.addingProduct(g8, w8)
          store16(a + b + c, dInput + q)
          l0 = l0.addingProduct(x, g0); l1 = l1.addingProduct(x, g1); l2 = l2.addingProduct(x, g2)
          l3 = l3.addingProduct(x, g3); l4 = l4.addingProduct(x, g4); l5 = l5.addingProduct(x, g5)
          l6 = l6.addingProduct(x, g6); l7 = l7.addingProduct(x, g7); l8 = l8.addingProduct(x, g8)
          q += 16
        }
      } else {
        var q = 0
        while q < count {
          let s = gradient + q
          let x = load16(input + q)
          l0 = l0.addingProduct(x, load16(s + o0)); l1 = l1.addingProduct(x, load16(s + o1))
          l2 = l2.addingProduct(x, load16(s + o2)); l3 = l3.addingProduct(x, load16(s + o3))
          l4 = l4.addingProduct(x, load16(s + o4)); l5 = l5.addingProduct(x, load16(s + o5))
          l6 = l6.addingProduct(x, load16(s + o6)); l7 = l7.addingProduct(x, load16(s + o7))
          l8 = l8.addingProduct(x, load16(s + o8))
          q += 16
        }
      }
      store16(l0, lanes); store16(l1, lanes + 16); store16(l2, lanes + 32)
      store16(l3, lanes + 48); store16(l4, lanes + 64); store16(l5, lanes + 80)
      store16(l6, lanes + 96); store16(l7, lanes + 112); store16(l8, lanes + 128)
      return
    }
    var q = 0
    while q < count {
      let s = gradient + q
      let x = load16(input + q)
      var a = dInput.map { load16($0 + q) } ?? SIMD16<Float>()
      for t in 0..<taps {
        let gt = load16(s + offsets[t])
        a = a.addingProduct(gt, SIMD16<Float>(repeating: weights[t]))
        store16(load16(lanes + t * 16).addingProduct(x, gt), lanes + t * 16)
      }
      if let dInput { store16(a, dInput + q) }
      q += 16
    }
  }
}
