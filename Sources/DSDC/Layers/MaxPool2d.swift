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
    precondition(
      Self.fits(input: input.shape, output: output.shape),
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
  /// input columns (even and odd lanes are the window's two columns), with an
  /// overlapping last group; a row of fewer than 8 outputs is one group, loaded whole
  /// when `readable` (the floats that may be read from each row) is at least
  /// `wideRead`, else
  /// gathered lane by lane. Each window's four values are compared in the order of the
  /// plain loop, with `>`: the first of equal maxima wins, and NaN never does.
  @inline(__always)
  static func poolRow(
    _ row0: UnsafePointer<Float>, _ row1: UnsafePointer<Float>,
    _ y: UnsafeMutablePointer<Float>, _ index: UnsafeMutablePointer<UInt8>, outWidth: Int, readable: Int = 0
  ) {
    @inline(__always) func maxima(_ top: SIMD16<Float>, _ bottom: SIMD16<Float>) -> (SIMD8<Float>, SIMD8<Int32>) {
      var best = top.evenHalf
      var winner = SIMD8<Int32>(repeating: 0)
      @inline(__always) func consider(_ candidate: SIMD8<Float>, _ k: Int32) {
        let better = candidate .> best
        best.replace(with: candidate, where: better)
        winner.replace(with: k, where: better)
      }
      consider(top.oddHalf, 1)
      consider(bottom.evenHalf, 2)
      consider(bottom.oddHalf, 3)
      return (best, winner)
    }
    @inline(__always) func group(_ j: Int) {
      let (best, winner) = maxima(load16(row0 + 2 * j), load16(row1 + 2 * j))
      store8(best, y + j)
      storeWinners(winner, index + j)
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
    // (no branch per window, which would be mispredicted about every other time;
    // lanes past the row's windows are computed from whatever follows it, and dropped)
    var (top, bottom) = (SIMD16<Float>(), SIMD16<Float>())
    if readable >= wideRead {
      (top, bottom) = (load16(row0), load16(row1))
    } else {
      for lane in 0..<(2 * outWidth) {
        top[lane] = row0[lane]
        bottom[lane] = row1[lane]
      }
    }
    let (best, winner) = maxima(top, bottom)
    for j in 0..<outWidth {
      y[j] = best[j]
      index[j] = UInt8(truncatingIfNeeded: winner[j])
    }
  }

  /// One output row from two input rows holding a ReLU's output, without recording the
  /// winners (eval-mode inference needs no backward): the maximum of each window taken
  /// down the columns first, then across,
  /// ```
  /// y[j] = max(max(x0[2j], x1[2j]), max(x0[2j+1], x1[2j+1]))
  /// ```
  /// which for such values (never NaN, never −0) is bit for bit `poolRow`'s maximum,
  /// with half its shuffles. Eight outputs at a time, or four for widths 4 to 7, with an
  /// overlapping last group.
  @inline(__always)
  static func maxRowAfterReLU(
    _ row0: UnsafePointer<Float>, _ row1: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, outWidth: Int
  ) {
    // (named vectors: `b .> a` then compiles to one `vmaxps`, not a lane-by-lane loop)
    @inline(__always) func group8(_ j: Int) {
      let (top, bottom) = (load16(row0 + 2 * j), load16(row1 + 2 * j))
      let column = top.replacing(with: bottom, where: bottom .> top)
      let (even, odd) = (column.evenHalf, column.oddHalf)
      store8(even.replacing(with: odd, where: odd .> even), y + j)
    }
    @inline(__always) func group4(_ j: Int) {
      let (top, bottom) = (load8(row0 + 2 * j), load8(row1 + 2 * j))
      let column = top.replacing(with: bottom, where: bottom .> top)
      let (even, odd) = (column.evenHalf, column.oddHalf)
      store4(even.replacing(with: odd, where: odd .> even), y + j)
    }
    guard !inGroups(outWidth: outWidth, group8, group4) else { return }
    for j in 0..<outWidth {
      let (left, right) = (max(row0[2 * j], row1[2 * j]), max(row0[2 * j + 1], row1[2 * j + 1]))
      y[j] = max(left, right)
    }
  }

  /// The floats `poolRow` loads from each row of fewer than 8 windows when it may.
  static var wideRead: Int { SIMD16<Float>.scalarCount }

  /// The winners of the eight windows `index[0..<8]`, one to a 32-bit lane. Spelt
  /// out rather than through `SIMD8<Int32>(truncatingIfNeeded:)`, which the compiler
  /// leaves as a call, around which every live vector register goes to the stack.
  @inline(__always)
  static func loadWinners(_ index: UnsafePointer<UInt8>) -> SIMD8<Int32> {
    let raw = UnsafeRawPointer(index)
    let low = Int32(bitPattern: raw.loadUnaligned(as: UInt32.self))
    let high = Int32(bitPattern: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    let words = SIMD8<Int32>(lowHalf: SIMD4(repeating: low), highHalf: SIMD4(repeating: high))
    return (words &>> SIMD8<Int32>(0, 8, 16, 24, 0, 8, 16, 24)) & SIMD8<Int32>(repeating: 0xFF)
  }

  /// The winners of four windows, `index[0..<4]`, as `loadWinners` reads eight.
  @inline(__always)
  static func loadWinners4(_ index: UnsafePointer<UInt8>) -> SIMD4<Int32> {
    let word = Int32(bitPattern: UnsafeRawPointer(index).loadUnaligned(as: UInt32.self))
    return (SIMD4(repeating: word) &>> SIMD4<Int32>(0, 8, 16, 24)) & SIMD4<Int32>(repeating: 0xFF)
  }

  /// Stores eight winners (each 0…3) as the bytes `index[0..<8]`: `loadWinners`'s inverse.
  @inline(__always)
  static func storeWinners(_ winner: SIMD8<Int32>, _ index: UnsafeMutablePointer<UInt8>) {
    let shifted = winner &<< SIMD8<Int32>(0, 8, 16, 24, 0, 8, 16, 24)
    let pairs = shifted.evenHalf | shifted.oddHalf  // bytes of windows (0, 1), (2, 3), (4, 5), (6, 7)
    UnsafeMutableRawPointer(index).storeBytes(of: pairs.evenHalf | pairs.oddHalf, as: SIMD2<Int32>.self)
  }

  /// Covers a row of `outWidth` outputs in vector groups: `group8(j)` (outputs
  /// `j..<j+8`) when the row has 8 or more, else `group4(j)` when it has 4 to 7; a
  /// last, overlapping group covers the rest. A row narrower than 4 runs nothing and
  /// returns false: the caller goes lane by lane.
  @inline(__always)
  static func inGroups(outWidth: Int, _ group8: (Int) -> Void, _ group4: (Int) -> Void) -> Bool {
    let width = outWidth >= 8 ? 8 : outWidth >= 4 ? 4 : 0
    guard width > 0 else { return false }
    var j = 0
    while j + width <= outWidth {
      if width == 8 { group8(j) } else { group4(j) }
      j += width
    }
    if j < outWidth {
      if width == 8 { group8(outWidth - 8) } else { group4(outWidth - 4) }
    }
    return true
  }

  /// - Parameters:
  ///   - dOutput: `(N, C, H/2, W/2)`
  ///   - argmax: as recorded by `forward`
  ///   - dInput: `(N, C, H, W)`, accumulated
  public func backward(dOutput: Tensor, argmax: [UInt8], dInput: inout Tensor, threads: Int = 1) {
    precondition(
      Self.fits(input: dInput.shape, output: dOutput.shape) && argmax.count == dOutput.count,
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
