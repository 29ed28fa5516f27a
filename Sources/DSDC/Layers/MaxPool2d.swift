/// Max pooling over 2×2 windows with stride 2 (PyTorch's `MaxPool2d(2)`, floor mode):
/// ```
/// y[n, c, i, j] = max_{u,v ∈ {0,1}} x[n, c, 2i + u, 2j + v]
/// H_out = ⌊H / 2⌋,  W_out = ⌊W / 2⌋
/// ```
/// Ties go to the first maximum in the window's row-major order (u, then v), as in
/// PyTorch, which only moves on for a strictly larger value. The forward pass records
/// which of the four positions won (`argmax`, `2u + v`); the backward pass sends each
/// output gradient to that position:
/// ```
/// dInput[n, c, 2i + u*, 2j + v*] += dOutput[n, c, i, j]
/// ```
public struct MaxPool2d: Sendable {
  public init() {}

  /// The output shape for an input of shape `(N, C, H, W)`.
  public func outputShape(input shape: [Int]) -> [Int] {
    precondition(shape.count == 4, "MaxPool2d input must be (N, C, H, W), got \(shape)")
    return [shape[0], shape[1], shape[2] / 2, shape[3] / 2]
  }

  /// Whether `output` has the shape pooling `input` gives (checked without building
  /// an array, so that a training step allocates nothing).
  static func fits(input: [Int], output: [Int]) -> Bool {
    input.count == 4 && output.count == 4 && output[0] == input[0] && output[1] == input[1]
      && output[2] == input[2] / 2 && output[3] == input[3] / 2
  }

  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - output: `(N, C, H/2, W/2)` (overwritten)
  ///   - argmax: one entry per output element (overwritten), the winner `2u + v`
  public func forward(input: Tensor, output: inout Tensor, argmax: inout [UInt8], threads: Int = 1) {
    precondition(Self.fits(input: input.shape, output: output.shape),
      "MaxPool2d: input \(input.shape) needs output \(outputShape(input: input.shape)), got \(output.shape)")
    precondition(argmax.count == output.count, "MaxPool2d argmax holds \(argmax.count), output has \(output.count)")
    let (height, width) = (input.shape[2], input.shape[3])
    let (outH, outW) = (height / 2, width / 2)
    let planes = input.shape[0] * input.shape[1]
    input.storage.withUnsafeBufferPointer { xBuffer in
      output.storage.withUnsafeMutableBufferPointer { yBuffer in
        argmax.withUnsafeMutableBufferPointer { indexBuffer in
          let (x, y, index) = (xBuffer.baseAddress!, yBuffer.baseAddress!, indexBuffer.baseAddress!)
          LayerThreads.forEachSlice(planes, threads: threads, work: input.count) { _, range in
            for plane in range {
              for i in 0..<outH {
                let row0 = x + plane * height * width + 2 * i * width
                let row1 = row0 + width
                let out = plane * outH * outW + i * outW
                MaxPool2d.poolRow(row0, row1, y + out, index + out, outWidth: outW)
              }
            }
          }
        }
      }
    }
  }

  /// One output row from two input rows: eight outputs at a time from sixteen
  /// input columns (even and odd lanes are the window's two columns); a last,
  /// overlapping group of eight covers widths that are not a multiple of 8.
  @inline(__always)
  static func poolRow(
    _ row0: UnsafePointer<Float>, _ row1: UnsafePointer<Float>,
    _ y: UnsafeMutablePointer<Float>, _ index: UnsafeMutablePointer<UInt8>, outWidth: Int
  ) {
    typealias V16 = SIMD16<Float>
    typealias V8 = SIMD8<Float>
    func group(_ j: Int) {
      let top = UnsafeRawPointer(row0 + 2 * j).loadUnaligned(as: V16.self)
      let bottom = UnsafeRawPointer(row1 + 2 * j).loadUnaligned(as: V16.self)
      var best: V8 = top.evenHalf
      var winner = SIMD8<Int32>(repeating: 0)
      @inline(__always) func consider(_ candidate: V8, _ k: Int32) {
        let better = candidate .> best
        best.replace(with: candidate, where: better)
        winner.replace(with: k, where: better)
      }
      consider(top.oddHalf, 1)
      consider(bottom.evenHalf, 2)
      consider(bottom.oddHalf, 3)
      UnsafeMutableRawPointer(y + j).storeBytes(of: best, as: V8.self)
      UnsafeMutableRawPointer(index + j).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: winner), as: SIMD8<UInt8>.self)
    }
    if outWidth >= 8 {
      var j = 0
      while j + 8 <= outWidth {
        group(j)
        j += 8
      }
      if j < outWidth { group(outWidth - 8) }
      return
    }
    for j in 0..<outWidth {
      var best = row0[2 * j]
      var winner: UInt8 = 0
      if row0[2 * j + 1] > best { best = row0[2 * j + 1]; winner = 1 }
      if row1[2 * j] > best { best = row1[2 * j]; winner = 2 }
      if row1[2 * j + 1] > best { best = row1[2 * j + 1]; winner = 3 }
      y[j] = best
      index[j] = winner
    }
  }

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
    func group8(_ j: Int) {
      let k = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(index + j).loadUnaligned(as: SIMD8<UInt8>.self))
      let zero = SIMD8<Float>()
      // (comparing with a vector, not a scalar: the scalar overload is a lane-by-lane loop)
      let (k0, k1, k2, k3) = (SIMD8<Int32>(repeating: 0), SIMD8<Int32>(repeating: 1), SIMD8<Int32>(repeating: 2), SIMD8<Int32>(repeating: 3))
      let g = zero.replacing(with: UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD8<Float>.self),
                             where: UnsafeRawPointer(keep + j).loadUnaligned(as: SIMD8<Float>.self) .> zero)
      let (a, b) = (zero.replacing(with: g, where: k .== k0), zero.replacing(with: g, where: k .== k1))
      let (c, d) = (zero.replacing(with: g, where: k .== k2), zero.replacing(with: g, where: k .== k3))
      UnsafeMutableRawPointer(row0 + 2 * j).storeBytes(of: interleave8(a, b), as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(row1 + 2 * j).storeBytes(of: interleave8(c, d), as: SIMD16<Float>.self)
    }
    func group4(_ j: Int) {
      var kBytes = SIMD4<UInt8>()
      for lane in 0..<4 { kBytes[lane] = index[j + lane] }
      let k = SIMD4<Int32>(truncatingIfNeeded: kBytes)
      let zero = SIMD4<Float>()
      // (comparing with a vector, not a scalar: the scalar overload is a lane-by-lane loop)
      let (k0, k1, k2, k3) = (SIMD4<Int32>(repeating: 0), SIMD4<Int32>(repeating: 1), SIMD4<Int32>(repeating: 2), SIMD4<Int32>(repeating: 3))
      let g = zero.replacing(with: UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD4<Float>.self),
                             where: UnsafeRawPointer(keep + j).loadUnaligned(as: SIMD4<Float>.self) .> zero)
      let (a, b) = (zero.replacing(with: g, where: k .== k0), zero.replacing(with: g, where: k .== k1))
      let (c, d) = (zero.replacing(with: g, where: k .== k2), zero.replacing(with: g, where: k .== k3))
      UnsafeMutableRawPointer(row0 + 2 * j).storeBytes(of: interleave4(a, b), as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(row1 + 2 * j).storeBytes(of: interleave4(c, d), as: SIMD8<Float>.self)
    }
    let width = outWidth >= 8 ? 8 : outWidth >= 4 ? 4 : 0
    if width > 0 {
      // Groups of `width` outputs; a last, overlapping group covers the rest.
      var j = 0
      while j + width <= outWidth {
        if width == 8 { group8(j) } else { group4(j) }
        j += width
      }
      if j < outWidth {
        if width == 8 { group8(outWidth - 8) } else { group4(outWidth - 4) }
      }
      return
    }
    for j in 0..<outWidth {
      let g = keep[j] > 0 ? dy[j] : 0
      let k = Int(index[j])
      row0[2 * j] = k == 0 ? g : 0
      row0[2 * j + 1] = k == 1 ? g : 0
      row1[2 * j] = k == 2 ? g : 0
      row1[2 * j + 1] = k == 3 ? g : 0
    }
  }

  /// - Parameters:
  ///   - dOutput: `(N, C, H/2, W/2)`
  ///   - argmax: as recorded by `forward`
  ///   - dInput: `(N, C, H, W)`, accumulated
  public func backward(dOutput: Tensor, argmax: [UInt8], dInput: inout Tensor, threads: Int = 1) {
    precondition(Self.fits(input: dInput.shape, output: dOutput.shape) && argmax.count == dOutput.count,
      "MaxPool2d backward: dOutput \(dOutput.shape), dInput \(dInput.shape), argmax \(argmax.count)")
    let (height, width) = (dInput.shape[2], dInput.shape[3])
    let (outH, outW) = (height / 2, width / 2)
    let planes = dInput.shape[0] * dInput.shape[1]
    let work = dInput.count
    dOutput.storage.withUnsafeBufferPointer { dyBuffer in
      argmax.withUnsafeBufferPointer { indexBuffer in
        dInput.storage.withUnsafeMutableBufferPointer { dxBuffer in
          let (dy, index, dx) = (dyBuffer.baseAddress!, indexBuffer.baseAddress!, dxBuffer.baseAddress!)
          LayerThreads.forEachSlice(planes, threads: threads, work: work) { _, range in
            for plane in range {
              for i in 0..<outH {
                let out = plane * outH * outW + i * outW
                let inRow = plane * height * width + 2 * i * width
                for j in 0..<outW {
                  let k = Int(index[out + j])
                  dx[inRow + (k >> 1) * width + 2 * j + (k & 1)] += dy[out + j]
                }
              }
            }
          }
        }
      }
    }
  }
}
