/// The general convolution (any stride, padding, dilation, groups) as matrix
/// products over chunks of images, after unfolding each image into columns:
/// ```
/// columns[(c, u, v), (n, i, j)] = x[n, c0 + c, i·S + u·D − P, j·S + v·D − P]     (0 in the padding)
/// out_g  (N_out/g × B·H_out·W_out)   = w_g (N_out/g × C/g·K²) · columns (C/g·K² × B·H_out·W_out) + b_g
/// dw_gᵀ  (C/g·K² × N_out/g)         += columns · dOut_gᵀ (B·H_out·W_out × N_out/g)
/// dCols  (C/g·K² × B·H_out·W_out)    = w_gᵀ · dOut_g,  then folded back (summed) into dx
/// ```
/// `B` images of a part of the batch are unfolded side by side (a chunk), so one
/// product covers `B·H_out·W_out` columns: the small late-layer planes (14×14, 7×7)
/// fill whole register tiles and the weights are packed once per chunk, not per
/// image. The output and `dOut` are read and written in place, as matrices whose
/// columns jump by one image's floats from one image to the next (blocked axes).
/// `ReferenceConvolution` holds the plain loops these products are tested against.
enum Im2colConvolution {
  /// About this many output pixels per chunk: enough for one `ncMax` block of the
  /// product's columns, while the columns (`C/g·K²` rows of them) stay a few MB.
  static let chunkColumns = 512

  /// Images per chunk for `shape`, at most `count`: `⌈chunkColumns / (H_out·W_out)⌉`.
  static func chunkImages(_ shape: ConvolutionShape, count: Int) -> Int {
    Swift.max(1, Swift.min(count, (chunkColumns + shape.outputPlane - 1) / shape.outputPlane))
  }

  /// The sizes both passes work in: the rows `C/g·K²` of a group's columns matrix, the
  /// output channels of a group, the pixels `H_out·W_out` of an output plane, and the
  /// images per chunk (`chunkImages`) out of `images`.
  private static func sizes(_ shape: ConvolutionShape, images: Int) -> (
    rows: Int, perGroup: Int, pixels: Int, chunk: Int
  ) {
    let g = shape.geometry
    return (
      g.inChannelsPerGroup * g.kernel * g.kernel, g.outChannelsPerGroup, shape.outputPlane,
      chunkImages(shape, count: images)
    )
  }

  /// The walk both passes make: chunks of `chunk` images out of `images`, and in each
  /// chunk every group, the chunk's images unfolded side by side into `columns` (rows
  /// `width = count·H_out·W_out` floats apart) before `body(first, count, width, group)`.
  @inline(__always)
  private static func unfoldChunks(
    _ problem: ConvolutionProblem, images: Range<Int>, chunk: Int, into columns: UnsafeMutablePointer<Float>,
    _ body: (_ first: Int, _ count: Int, _ width: Int, _ group: Int) -> Void
  ) {
    let pixels = problem.shape.outputPlane
    for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
      let count = Swift.min(chunk, images.upperBound - first)
      let width = count * pixels
      for group in 0..<problem.shape.geometry.groups {
        for n in first..<(first + count) {
          unfold(problem, image: n, group: group, into: columns + (n - first) * pixels, rowStride: width)
        }
        body(first, count, width, group)
      }
    }
  }

  static func forward(
    _ problem: ConvolutionProblem, images: Range<Int>, output: UnsafeMutablePointer<Float>,
    epilogue: RowEpilogue? = nil
  ) {
    let shape = problem.shape
    let (rows, perGroup, pixels, chunk) = sizes(shape, images: images.count)
    var layout = ScratchLayout()
    layout.floats(rows * chunk * pixels)
    ScratchPool.shared.withScratch(layout) { scratch in
      let columns = scratch.floats(rows * chunk * pixels)  // (C/g·K², B·H_out·W_out)
      unfoldChunks(problem, images: images, chunk: chunk, into: columns) { first, count, width, group in
        let w = MatrixOperand(base: problem.weight + group * perGroup * rows, rows: .plain(rows), columns: .plain(1))
        let b = MatrixOperand(base: columns, rows: .plain(width), columns: .plain(1))
        let out = MatrixDestination(
          base: output + first * shape.outputImage + group * perGroup * pixels,
          rows: .plain(pixels), columns: .blocked(stride: 1, blockLength: pixels, blockStride: shape.outputImage))
        MatrixMultiply.product(
          m: perGroup, n: width, k: rows, a: w, b: b, c: out,
          accumulate: false, rowBias: problem.bias.map { $0 + group * perGroup },
          epilogue: epilogue?.droppingRows(group * perGroup))
      }
    }
  }

  static func backward(_ problem: ConvolutionProblem, images: Range<Int>, _ gradients: ConvolutionGradients) {
    let shape = problem.shape
    let g = shape.geometry
    let (rows, perGroup, pixels, chunk) = sizes(shape, images: images.count)
    // dw_gᵀ += columns · dOut_gᵀ into a zeroed (C/g·K² × N_out/g) buffer per group,
    // added into dw at the end; or dw_g += dOut_g · columnsᵀ directly when that wastes
    // less of an 8×32 register tile (e.g. 2 filters per group, 288 rows). Counted in
    // 8×32 tiles whatever tile the CPU uses: the two ways round the sums differently,
    // so the choice must not depend on the machine.
    func tiles(_ m: Int, _ n: Int) -> Int { (m + 7) / 8 * ((n + 31) / 32) }
    let transposed = tiles(rows, perGroup) <= tiles(perGroup, rows)
    let weightCount = g.outChannels * rows
    var layout = ScratchLayout()
    layout.floats(rows * chunk * pixels)
    layout.floats(gradients.dInput == nil ? 0 : rows * chunk * pixels)
    layout.floats(transposed ? weightCount : 0)
    ScratchPool.shared.withScratch(layout) { scratch in
      let columns = scratch.floats(rows * chunk * pixels)  // (C/g·K², B·H_out·W_out)
      let dColumns = scratch.floats(gradients.dInput == nil ? 0 : rows * chunk * pixels)
      let dwT = scratch.floats(transposed ? weightCount : 0, zeroed: true)  // (g, C/g·K², N_out/g)
      unfoldChunks(problem, images: images, chunk: chunk, into: columns) { first, count, width, group in
        let dOut = gradients.dOutput + first * shape.outputImage + group * perGroup * pixels
        // dOut_g (N_out/g × B·H_out·W_out), blocked by image.
        let dOutColumns = MatrixAxis.blocked(stride: 1, blockLength: pixels, blockStride: shape.outputImage)
        if transposed {
          MatrixMultiply.product(
            m: rows, n: perGroup, k: width,
            a: MatrixOperand(base: columns, rows: .plain(width), columns: .plain(1)),
            b: MatrixOperand(base: dOut, rows: dOutColumns, columns: .plain(pixels)),
            c: MatrixDestination(base: dwT + group * rows * perGroup, rows: .plain(perGroup), columns: .plain(1)),
            accumulate: true)
        } else {
          MatrixMultiply.product(
            m: perGroup, n: rows, k: width,
            a: MatrixOperand(base: dOut, rows: .plain(pixels), columns: dOutColumns),
            b: MatrixOperand(base: columns, rows: .plain(1), columns: .plain(width)),
            c: MatrixDestination(
              base: gradients.dWeight + group * perGroup * rows, rows: .plain(rows), columns: .plain(1)),
            accumulate: true)
        }
        if let dBias = gradients.dBias {
          for n in 0..<count {
            let image = dOut + n * shape.outputImage
            for o in 0..<perGroup { dBias[group * perGroup + o] += sumFloats(image + o * pixels, count: pixels) }
          }
        }
        if let dInput = gradients.dInput {
          MatrixMultiply.product(
            m: rows, n: width, k: perGroup,
            a: MatrixOperand(base: problem.weight + group * perGroup * rows, rows: .plain(1), columns: .plain(rows)),
            b: MatrixOperand(base: dOut, rows: .plain(pixels), columns: dOutColumns),
            c: MatrixDestination(base: dColumns, rows: .plain(width), columns: .plain(1)), accumulate: false)
          for n in first..<(first + count) {
            fold(
              problem, columns: dColumns + (n - first) * pixels, rowStride: width, image: n, group: group,
              into: dInput)
          }
        }
      }
      guard transposed else { return }
      // dw[g·N_out/g + o, r] += dw_gᵀ[r, o]
      for group in 0..<g.groups {
        let source = dwT + group * rows * perGroup
        let target = gradients.dWeight + group * perGroup * rows
        for o in 0..<perGroup {
          for r in 0..<rows { target[o * rows + r] += source[r * perGroup + o] }
        }
      }
    }
  }

  /// The output columns `j` whose tap at kernel column `v` lands inside the input:
  /// `0 ≤ j·S + v·D − P < W`.
  private static func insideRange(_ v: Int, length: Int, outLength: Int, geometry g: Conv2DGeometry) -> Range<Int> {
    let shift = v * g.dilation - g.padding
    // Smallest j with j·S + shift ≥ 0, and one past the largest with j·S + shift ≤ length − 1.
    let low = shift >= 0 ? 0 : (-shift + g.stride - 1) / g.stride
    let last = length - 1 - shift
    let high = last < 0 ? 0 : Swift.min(outLength, last / g.stride + 1)
    return low < high ? low..<high : 0..<0
  }

  /// `columns[(c, u, v), (i, j)] = x[n, c0 + c, i·S + u·D − P, j·S + v·D − P]`, zero outside;
  /// row `(c, u, v)` of `columns` starts `rowStride` floats after the previous one.
  static func unfold(
    _ problem: ConvolutionProblem, image n: Int, group: Int, into columns: UnsafeMutablePointer<Float>,
    rowStride: Int
  ) {
    let shape = problem.shape
    let (S, outW) = (shape.geometry.stride, shape.outWidth)
    walkTaps(problem, image: n, group: group) { row in
      (columns + row * rowStride).initialize(repeating: 0, count: shape.outputPlane)
    } line: { row, i, offset, inside in
      let source = problem.input + offset
      let out = columns + row * rowStride + i * outW
      if S == 1 {
        copyFloats(source + inside.lowerBound, to: out + inside.lowerBound, count: inside.count)
      } else {
        for j in inside { out[j] = source[j * S] }
      }
    }
  }

  /// The transpose of `unfold`: `dx[n, c0 + c, i·S + u·D − P, j·S + v·D − P] += columns[(c, u, v), (i, j)]`.
  static func fold(
    _ problem: ConvolutionProblem, columns: UnsafePointer<Float>, rowStride: Int, image n: Int, group: Int,
    into dInput: UnsafeMutablePointer<Float>
  ) {
    let shape = problem.shape
    let (S, outW) = (shape.geometry.stride, shape.outWidth)
    walkTaps(problem, image: n, group: group) { _ in
    } line: { row, i, offset, inside in
      let target = dInput + offset
      let source = columns + row * rowStride + i * outW
      if S == 1 {
        addFloats(source + inside.lowerBound, to: target + inside.lowerBound, count: inside.count)
      } else {
        for j in inside { target[j * S] += source[j] }
      }
    }
  }

  /// The walk `unfold` and `fold` share over the rows `(c, u, v)` of image `n`'s
  /// columns matrix for `group`: `tap(row)` for each row, `row = (c·K + u)·K + v`; then
  /// `line(row, i, offset, inside)` for each output row `i` whose taps at kernel row `u`
  /// land inside the input, where `offset` is the index, among the input's floats, of
  /// `x[n, c0 + c, i·S + u·D − P, v·D − P]` (output column 0's tap, possibly outside the
  /// row) and `inside` the output columns `j` whose tap lands inside the row.
  @inline(__always)
  static func walkTaps(
    _ problem: ConvolutionProblem, image n: Int, group: Int, tap: (_ row: Int) -> Void,
    line: (_ row: Int, _ i: Int, _ offset: Int, _ inside: Range<Int>) -> Void
  ) {
    let shape = problem.shape
    let g = shape.geometry
    let (K, S) = (g.kernel, g.stride)
    for c in 0..<g.inChannelsPerGroup {
      let plane = (n * g.inChannels + group * g.inChannelsPerGroup + c) * shape.inputPlane
      for u in 0..<K {
        let rowsInside = insideRange(u, length: shape.height, outLength: shape.outHeight, geometry: g)
        for v in 0..<K {
          let colsInside = insideRange(v, length: shape.width, outLength: shape.outWidth, geometry: g)
          let row = (c * K + u) * K + v
          tap(row)
          let dx = v * g.dilation - g.padding
          for i in rowsInside {
            line(row, i, plane + (i * S + u * g.dilation - g.padding) * shape.width + dx, colsInside)
          }
        }
      }
    }
  }
}
