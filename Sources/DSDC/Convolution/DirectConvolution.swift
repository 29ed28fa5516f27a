/// Convolutions in which every output channel reads exactly one input channel
/// (`C/groups = 1`) at stride 1: the depthwise layers (groups = C = N) and a first
/// layer on a one-channel image (C = 1, N filters). Output channel `o` reads input
/// channel `c = o / (N/groups)`.
///
/// Each plane is copied into a zero-bordered scratch plane laid out with a row
/// pitch `p`, and the whole plane is then computed as one long 1-D sum over the
/// flat index `q = i·p + j`, sixteen outputs per vector:
/// ```
/// flat[q] = b[o] + Σ_{u,v} w[o, 0, u, v] · padded[q + u·D·p + v·D]
/// ```
/// The zero border makes every tap a plain unaligned load (no bounds checks, no
/// special edges), and the same code serves 28-, 14- and 7-wide planes: the
/// columns `j ≥ W_out` of each flat row are computed and dropped when the plane
/// is copied out. The pitch `p = W + P` lets the right border of one row share
/// the zeros of the next row's left border. 3×3 kernels on planes wide enough
/// (`D·p ≥ 16`) slide down the rows and load each input vector once instead of
/// three times (`DirectConvolutionKernels.swift`).
enum DirectConvolution {
  /// The sizes both passes read off `shape`: kernel `K`, dilation `D`, padding `P`, the
  /// input plane `H×W`, the output plane `outH×outW`, the `K²` taps of a kernel and
  /// the output channels of a group.
  private static func sizes(_ shape: ConvolutionShape) -> (
    K: Int, D: Int, P: Int, H: Int, W: Int, outH: Int, outW: Int, taps: Int, perGroup: Int
  ) {
    let g = shape.geometry
    return (
      g.kernel, g.dilation, g.padding, shape.height, shape.width, shape.outHeight, shape.outWidth,
      g.kernel * g.kernel, g.outChannelsPerGroup
    )
  }

  static func forward(
    _ problem: ConvolutionProblem, images: Range<Int>, output: UnsafeMutablePointer<Float>,
    epilogue: RowEpilogue? = nil
  ) {
    let shape = problem.shape
    let g = shape.geometry
    let (K, D, P, H, W, outH, outW, taps, perGroup) = sizes(shape)
    // padded[(y + P)·p + (x + P)] = x[y, x]; reads of the last columns wrap into the
    // next row's left border, and the last row's into one extra zero row.
    let pitch = W + P
    // 3×3 kernels slide down the rows (three loads per output vector instead of nine)
    // when D rows span at least one vector.
    let slide = K == 3 && D * pitch >= 16
    // Eight lanes per vector where the CPU's vector registers hold eight floats (AVX2):
    // sixteen-lane vectors there take two registers each, and the nine weights of a 3×3
    // kernel no longer fit in the sixteen registers. The same bits either way.
    let narrow = RegisterTile.selected.vectorFloats == 8
    let flatCount = (outH * pitch + 15) / 16 * 16
    let paddedCount = Swift.max((H + 2 * P + 1) * pitch, flatCount + (K - 1) * D * (pitch + 1)) + 16

    var layout = ScratchLayout()
    layout.floats(paddedCount)
    layout.floats(flatCount + 16)
    layout.ints(taps)
    ScratchPool.shared.withScratch(layout) { scratch in
      let padded = scratch.floats(paddedCount, zeroed: true)
      let flat = scratch.floats(flatCount + 16)
      let offsets = scratch.ints(taps)
      for u in 0..<K {
        for v in 0..<K { offsets[u * K + v] = u * D * pitch + v * D }
      }
      for n in images {
        for c in 0..<g.inChannels {
          let plane = problem.input + (n * g.inChannels + c) * shape.inputPlane
          for y in 0..<H {
            copyFloats(plane + y * W, to: padded + (y + P) * pitch + P, count: W)
          }
          for o in c * perGroup..<(c + 1) * perGroup {
            let (weights, initial) = (problem.weight + o * taps, problem.bias?[o] ?? 0)
            if slide {
              correlate3x3(
                narrow: narrow, count: outH * pitch, source: padded, rowStep: D * pitch, columnStep: D,
                weights: weights, initial: initial, into: flat)
            } else {
              correlate(
                narrow: narrow, count: flatCount, source: padded, offsets: offsets, weights: weights,
                taps: taps, initial: initial, into: flat)
            }
            let out = output + (n * g.outChannels + o) * shape.outputPlane
            for i in 0..<outH {
              if let epilogue {
                epilogue.apply(flat + i * pitch, to: out + i * outW, count: outW, row: o)
              } else {
                copyFloats(flat + i * pitch, to: out + i * outW, count: outW)
              }
            }
          }
        }
      }
    }
  }

  /// Input and weight gradients in one pass over each plane. The gradient of output
  /// plane `o` is placed in a zero-bordered plane `padded` of pitch `p`, shifted down
  /// and right by `e` zeros, and with the flat input index `q = r·p + s`:
  /// ```
  /// dInput[q]           += Σ_{u,v} w[o, 0, u, v] · padded[q + off(u, v)]
  /// dWeight[o, 0, u, v] += Σ_q x[q] · padded[q + off(u, v)]
  /// off(u, v) = (e + P − u·D)·p + (e + P − v·D)
  /// ```
  /// where `x` is the input plane laid out at the same pitch, zero in the columns
  /// `s ≥ W` so that the dropped columns add nothing to the weight gradient.
  static func backward(_ problem: ConvolutionProblem, images: Range<Int>, _ gradients: ConvolutionGradients) {
    let shape = problem.shape
    let g = shape.geometry
    let (K, D, P, H, W, outH, outW, taps, perGroup) = sizes(shape)
    // e zero rows/columns before the data so that the farthest tap back stays inside.
    let e = Swift.max(0, (K - 1) * D - P)
    let pitch = Swift.max(W + P, e + outW)
    let count = H * pitch
    let flatCount = (count + 15) / 16 * 16
    let paddedRows = Swift.max(H + P + e, e + outH) + 1
    let paddedCount = Swift.max(paddedRows * pitch, flatCount + (P + e) * (pitch + 1)) + 48
    // Without an input gradient (a first layer), 3×3 kernels slide down the rows as in
    // the forward pass, over `padded` from the tap of the last kernel row and column,
    // `shift = (e + P − 2D)·(p + 1)`. With it, one pass computes both gradients
    // from the same nine loads, which is faster than two sliding passes.
    let slide = K == 3 && D * pitch >= 16 && gradients.dInput == nil
    let shift = slide ? (e + P - 2 * D) * (pitch + 1) : 0

    var layout = ScratchLayout()
    layout.floats(paddedCount)  // the output gradient, zero-bordered
    layout.floats(flatCount + 16)  // the input plane at the same pitch
    layout.floats(flatCount + 16)  // the input gradient of one plane
    layout.floats(g.outChannels * taps * 16)  // 16-lane weight-gradient sums
    layout.ints(taps)
    ScratchPool.shared.withScratch(layout) { scratch in
      let padded = scratch.floats(paddedCount, zeroed: true)
      let x = scratch.floats(flatCount + 16, zeroed: true)
      let dx = scratch.floats(flatCount + 16)
      let lanes = scratch.floats(g.outChannels * taps * 16, zeroed: true)
      let offsets = scratch.ints(taps)
      for u in 0..<K {
        for v in 0..<K { offsets[u * K + v] = (e + P - u * D) * pitch + (e + P - v * D) }
      }
      for n in images {
        for c in 0..<g.inChannels {
          let plane = problem.input + (n * g.inChannels + c) * shape.inputPlane
          for r in 0..<H {
            copyFloats(plane + r * W, to: x + r * pitch, count: W)
          }
          if gradients.dInput != nil { dx.initialize(repeating: 0, count: flatCount) }
          for o in c * perGroup..<(c + 1) * perGroup {
            let dOut = gradients.dOutput + (n * g.outChannels + o) * shape.outputPlane
            for i in 0..<outH {
              copyFloats(dOut + i * outW, to: padded + (e + i) * pitch + e, count: outW)
            }
            if let dBias = gradients.dBias { dBias[o] += sumFloats(dOut, count: shape.outputPlane) }
            if slide {
              weightGradient3x3(
                count: count, input: x, gradient: padded + shift, rowStep: D * pitch, columnStep: D,
                lanes: lanes + o * taps * 16)
            } else {
              correlateBackward(
                count: flatCount, gradient: padded, offsets: offsets, weights: problem.weight + o * taps,
                taps: taps, input: x, dInput: gradients.dInput == nil ? nil : dx, lanes: lanes + o * taps * 16)
            }
          }
          if let dInput = gradients.dInput {
            let target = dInput + (n * g.inChannels + c) * shape.inputPlane
            for r in 0..<H {
              if gradients.accumulatesInput {
                addFloats(dx + r * pitch, to: target + r * W, count: W)
              } else {
                copyFloats(dx + r * pitch, to: target + r * W, count: W)
              }
            }
          }
        }
      }
      for t in 0..<(g.outChannels * taps) {
        gradients.dWeight[t] += load16(lanes + t * 16).sum()
      }
    }
  }
}
