/// BatchNorm, ReLU and a 2×2 max-pool in one pass each way — the end of every pooling
/// block of DSDC-Net — with exactly the numbers of the three layers run one after the
/// other (`BatchNorm2d` with `fusedReLU`, then `MaxPool2d`):
/// ```
/// forward   z = max(0, γ·x̂ + β)            (N, C, H, W), never stored
///           y[n,c,i,j] = max_{u,v} z[n, c, 2i+u, 2j+v]     argmax = 2u* + v*
/// backward  g[n,c,2i+u*,2j+v*] = dOutput[n,c,i,j] · [y[n,c,i,j] > 0],  0 elsewhere
///           then BatchNorm's backward with g
/// ```
/// (the ReLU mask at the winning position is `y > 0`, since `y` is that position's value).
///
/// The full-resolution activation and its gradient are the two largest buffers of the
/// network; not writing and re-reading them saves about a quarter of a training step's
/// memory traffic. Each image plane is normalised into a small scratch plane that stays
/// in L1 and pooled from there.
extension BatchNorm2d {
  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - output: `(N, C, H/2, W/2)` (overwritten)
  ///   - argmax: one entry per output element (overwritten), as `MaxPool2d` records it
  public func forward(
    input: Tensor, pooledOutput output: inout Tensor, argmax: inout [UInt8],
    training: Bool, threads: Int = 1
  ) {
    precondition(fusedReLU, "BatchNorm2d \(name): the pooled forward pass needs fusedReLU")
    precondition(
      MaxPool2d.fits(input: input.shape, output: output.shape) && argmax.count == output.count,
      "BatchNorm2d \(name) pooled forward: input \(input.shape), output \(output.shape), argmax \(argmax.count)")
    let (batch, height, width, channels) = (input.shape[0], input.shape[2], input.shape[3], channels)
    let (outH, outW) = (height / 2, width / 2)
    output.storage.withUnsafeMutableBufferPointer { yBuffer in
      argmax.withUnsafeMutableBufferPointer { indexBuffer in
        let (y, index) = (yBuffer.baseAddress!, indexBuffer.baseAddress!)
        // Spare floats past the plane: its last row may be read `wideRead` floats wide.
        let spare = MaxPool2d.wideRead
        normalise(input, training: training, threads: threads, scratchPerThread: height * width + spare) {
          group, terms, x, plane in
          for n in 0..<batch {
            for c in group {
              let t = terms[c - group.lowerBound]
              PlaneLoops.scaleShift(
                x + (n * channels + c) * height * width, plane, count: height * width,
                scale: t.scale, shift: t.shift, relu: true)
              let out = (n * channels + c) * outH * outW
              for i in 0..<outH {
                MaxPool2d.poolRow(
                  plane + 2 * i * width, plane + (2 * i + 1) * width,
                  y + out + i * outW, index + out + i * outW, outWidth: outW, readable: spare)
              }
            }
          }
        }
      }
    }
  }

  /// - Parameters:
  ///   - input: `(N, C, H, W)`, the forward pass's input
  ///   - pooledOutput: `(N, C, H/2, W/2)`, the forward pass's output
  ///   - argmax: as recorded by the forward pass
  ///   - dOutput: `(N, C, H/2, W/2)`
  ///   - dInput: `(N, C, H, W)`
  ///   - accumulate: `+=` into `dInput`, or overwrite it
  public func backward(
    input: Tensor, pooledOutput: Tensor, argmax: [UInt8], dOutput: Tensor,
    dInput: inout Tensor, accumulate: Bool = true, threads: Int = 1
  ) {
    precondition(
      dInput.shape == input.shape, "BatchNorm2d \(name) pooled backward: input \(input.shape), dInput \(dInput.shape)")
    checkPooled(input: input, pooledOutput: pooledOutput, argmax: argmax, dOutput: dOutput)
    let (batch, planeSize, channels) = (input.shape[0], input.shape[2] * input.shape[3], channels)
    withPooledGradient(input, pooledOutput, argmax, dOutput) { pooled in
      dInput.storage.withUnsafeMutableBufferPointer { dxBuffer in
        let dx = dxBuffer.baseAddress!
        gradientPasses(input, threads: threads, scratchPerThread: planeSize, sums: pooledSums(pooled, batch: batch)) {
          group, terms, x, g in
          for n in 0..<batch {
            for c in group {
              let offset = (n * channels + c) * planeSize
              pooledInputGradient(
                terms[c - group.lowerBound], pooled, image: n, channel: c, x + offset, dx + offset, plane: g,
                accumulate: accumulate)
            }
          }
        }
      }
    }
  }

  /// Stops unless the operands fit a pooled backward pass of this layer.
  func checkPooled(input: Tensor, pooledOutput: Tensor, argmax: [UInt8], dOutput: Tensor) {
    precondition(fusedReLU, "BatchNorm2d \(name): the pooled backward pass needs fusedReLU")
    precondition(
      MaxPool2d.fits(input: input.shape, output: dOutput.shape) && pooledOutput.shape == dOutput.shape
        && argmax.count == dOutput.count,
      "BatchNorm2d \(name) pooled backward: input \(input.shape), dOutput \(dOutput.shape), argmax \(argmax.count)")
  }

  /// The pooled forward pass's output and argmax and the gradient of that output, as
  /// pointers, with the full-resolution plane's size.
  struct PooledGradient {
    let y: UnsafePointer<Float>, index: UnsafePointer<UInt8>, dy: UnsafePointer<Float>
    let height: Int, width: Int, channels: Int
  }

  /// Runs `body` with the pointers of the pooled backward pass's operands.
  func withPooledGradient<R>(
    _ input: Tensor, _ pooledOutput: Tensor, _ argmax: [UInt8], _ dOutput: Tensor, _ body: (PooledGradient) -> R
  ) -> R {
    pooledOutput.storage.withUnsafeBufferPointer { y in
      argmax.withUnsafeBufferPointer { index in
        dOutput.storage.withUnsafeBufferPointer { dy in
          body(
            PooledGradient(
              y: y.baseAddress!, index: index.baseAddress!, dy: dy.baseAddress!,
              height: input.shape[2], width: input.shape[3], channels: channels))
        }
      }
    }
  }

  /// The `sums` pass of the pooled backward: `(Σ g, Σ (x − μ)·g)` of each channel of
  /// the group, from the winning position of every window.
  func pooledSums(_ p: PooledGradient, batch: Int) -> SumsPass {
    let (width, outH, outW, planeSize) = (p.width, p.height / 2, p.width / 2, p.height * p.width)
    return { group, terms, x, sums, _ in
      for n in 0..<batch {
        for c in group {
          let (plane, out) = (x + (n * p.channels + c) * planeSize, (n * p.channels + c) * outH * outW)
          var (sum, dot): (Float, Float) = (0, 0)
          for i in 0..<outH {
            let o = out + i * outW
            let s = MaxPool2d.windowSums(
              plane + 2 * i * width, plane + (2 * i + 1) * width, p.dy + o, p.y + o,
              p.index + o, outWidth: outW, mean: terms[c - group.lowerBound].mean)
            sum += s.sum
            dot += s.dot
          }
          sums[c - group.lowerBound].sum += Double(sum)
          sums[c - group.lowerBound].dot += Double(dot)
        }
      }
    }
  }

  /// The input gradient of image n's plane of channel c: its pooled gradient spread
  /// over the full-resolution `plane` (scratch), then BatchNorm's backward with it.
  @inline(__always)
  func pooledInputGradient(
    _ t: ChannelTerms, _ p: PooledGradient, image n: Int, channel c: Int, _ x: UnsafePointer<Float>,
    _ dx: UnsafeMutablePointer<Float>, plane g: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    let (height, width, outH, outW) = (p.height, p.width, p.height / 2, p.width / 2)
    let out = (n * p.channels + c) * outH * outW
    for i in 0..<outH {
      let o = out + i * outW
      MaxPool2d.unpoolRow(
        p.dy + o, p.y + o, p.index + o, outWidth: outW, g + 2 * i * width, g + (2 * i + 1) * width)
      if width % 2 == 1 {  // the column no window covers
        g[2 * i * width + width - 1] = 0
        g[(2 * i + 1) * width + width - 1] = 0
      }
    }
    if height % 2 == 1 {  // the row no window covers
      (g + (height - 1) * width).update(repeating: 0, count: width)
    }
    PlaneLoops.inputGradient(
      g, x, dx, count: height * width, mean: t.mean, scale: t.scale, shift: t.shift, relu: false,
      gradMean: t.gradMean, k: t.k, factor: t.scale, accumulate: accumulate)
  }
}

/// The row kernels of the fused backward pass.
extension MaxPool2d {
  /// The inverse of `poolRow` for gradients: writes the two full input rows of one
  /// output row, each output gradient at its window's winning position (if `keep`,
  /// the window's output, is above 0 — the ReLU mask of a fused BatchNorm) and 0 at the
  /// other three. Columns `0..<2·outWidth` are written.
  @inline(__always)
  static func unpoolRow(
    _ dy: UnsafePointer<Float>, _ keep: UnsafePointer<Float>, _ index: UnsafePointer<UInt8>, outWidth: Int,
    _ row0: UnsafeMutablePointer<Float>, _ row1: UnsafeMutablePointer<Float>
  ) {
    @inline(__always) func interleave8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD16<Float> {
      SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }
    @inline(__always) func interleave4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD8<Float> {
      SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
    }
    @inline(__always) func group8(_ j: Int) {
      let k = loadWinners(index + j)
      let zero = SIMD8<Float>()
      // (comparing with a vector, not a scalar: the scalar overload is a lane-by-lane loop)
      let (k0, k1, k2, k3) = (
        SIMD8<Int32>(repeating: 0), SIMD8<Int32>(repeating: 1), SIMD8<Int32>(repeating: 2), SIMD8<Int32>(repeating: 3)
      )
      let g = zero.replacing(
        with: UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD8<Float>.self),
        where: UnsafeRawPointer(keep + j).loadUnaligned(as: SIMD8<Float>.self) .> zero)
      let (a, b) = (zero.replacing(with: g, where: k .== k0), zero.replacing(with: g, where: k .== k1))
      let (c, d) = (zero.replacing(with: g, where: k .== k2), zero.replacing(with: g, where: k .== k3))
      UnsafeMutableRawPointer(row0 + 2 * j).storeBytes(of: interleave8(a, b), as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(row1 + 2 * j).storeBytes(of: interleave8(c, d), as: SIMD16<Float>.self)
    }
    @inline(__always) func group4(_ j: Int) {
      let k = loadWinners4(index + j)
      let zero = SIMD4<Float>()
      // (comparing with a vector, not a scalar: the scalar overload is a lane-by-lane loop)
      let (k0, k1, k2, k3) = (
        SIMD4<Int32>(repeating: 0), SIMD4<Int32>(repeating: 1), SIMD4<Int32>(repeating: 2), SIMD4<Int32>(repeating: 3)
      )
      let g = zero.replacing(
        with: UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD4<Float>.self),
        where: UnsafeRawPointer(keep + j).loadUnaligned(as: SIMD4<Float>.self) .> zero)
      let (a, b) = (zero.replacing(with: g, where: k .== k0), zero.replacing(with: g, where: k .== k1))
      let (c, d) = (zero.replacing(with: g, where: k .== k2), zero.replacing(with: g, where: k .== k3))
      UnsafeMutableRawPointer(row0 + 2 * j).storeBytes(of: interleave4(a, b), as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(row1 + 2 * j).storeBytes(of: interleave4(c, d), as: SIMD8<Float>.self)
    }
    guard !inGroups(outWidth: outWidth, group8, group4) else { return }
    for j in 0..<outWidth {
      let g = keep[j] > 0 ? dy[j] : 0
      let k = Int(index[j])
      row0[2 * j] = k == 0 ? g : 0
      row0[2 * j + 1] = k == 1 ? g : 0
      row1[2 * j] = k == 2 ? g : 0
      row1[2 * j + 1] = k == 3 ? g : 0
    }
  }

  /// The gradient sums of one output row for BatchNorm's backward pass, without
  /// spreading the gradient out first: with `g_w = dy_w · [keep_w > 0]` at window w's
  /// winning position, whose input is `x_w`,
  /// ```
  /// (Σ_w g_w,  Σ_w (x_w − mean) · g_w)
  /// ```
  /// `x_w` is picked from the two input rows as `poolRow` compared them: eight windows
  /// at a time from sixteen columns; an overlapping last group has its repeated lanes
  /// masked off.
  @inline(__always)
  static func windowSums(
    _ row0: UnsafePointer<Float>, _ row1: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
    _ keep: UnsafePointer<Float>, _ index: UnsafePointer<UInt8>, outWidth: Int, mean: Float
  ) -> (sum: Float, dot: Float) {
    var (sum, dot): (Float, Float) = (0, 0)
    if outWidth >= 8 {
      var (sums, dots) = (SIMD8<Float>(), SIMD8<Float>())
      let (zero, m) = (SIMD8<Float>(), SIMD8<Float>(repeating: mean))
      let (k1, k2, k3) = (SIMD8<Int32>(repeating: 1), SIMD8<Int32>(repeating: 2), SIMD8<Int32>(repeating: 3))
      let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
      @inline(__always) func group(_ j: Int, from first: Int) {
        let top = UnsafeRawPointer(row0 + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
        let bottom = UnsafeRawPointer(row1 + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
        let k = loadWinners(index + j)
        var x = top.evenHalf
        x.replace(with: top.oddHalf, where: k .== k1)
        x.replace(with: bottom.evenHalf, where: k .== k2)
        x.replace(with: bottom.oddHalf, where: k .== k3)
        var g = zero.replacing(
          with: UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD8<Float>.self),
          where: UnsafeRawPointer(keep + j).loadUnaligned(as: SIMD8<Float>.self) .> zero)
        g.replace(with: zero, where: lanes .< SIMD8<Int32>(repeating: Int32(first - j)))  // counted already
        sums += g
        dots.addProduct(x - m, g)
      }
      var j = 0
      while j + 8 <= outWidth {
        group(j, from: j)
        j += 8
      }
      if j < outWidth { group(outWidth - 8, from: j) }
      return (sums.sum(), dots.sum())
    }
    // Narrower rows one window at a time, in order: a window whose output is not above
    // 0 adds +0 to both sums (selected, not branched on: the branch would be mispredicted
    // about every other window), which keeps the bits of skipping it, as sums that start
    // at +0 are never −0.
    for j in 0..<outWidth {
      let k = Int(index[j])
      let x = (k < 2 ? row0 : row1)[2 * j + (k & 1)]
      let kept = keep[j] > 0
      sum += kept ? dy[j] : 0
      dot += kept ? (x - mean) * dy[j] : 0
    }
    return (sum, dot)
  }
}
