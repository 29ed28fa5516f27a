/// The general convolution (any stride, padding, dilation, groups) as one matrix
/// product per image and group, after unfolding the input into columns:
/// ```
/// columns[(c, u, v), (i, j)] = x[n, c0 + c, i·S + u·D − P, j·S + v·D − P]     (0 in the padding)
/// out_g  (N_out/g × H_out·W_out)   = w_g (N_out/g × C/g·K²) · columns (C/g·K² × H_out·W_out) + b_g
/// dw_g   (N_out/g × C/g·K²)       += dOut_g · columnsᵀ
/// dCols  (C/g·K² × H_out·W_out)    = w_gᵀ · dOut_g,  then folded back (summed) into dx
/// ```
enum Im2colConvolution {
  static func forward(_ problem: ConvolutionProblem, images: Range<Int>, output: UnsafeMutablePointer<Float>) {
    let shape = problem.shape
    let g = shape.geometry
    let rows = g.inChannelsPerGroup * g.kernel * g.kernel
    let perGroup = g.outChannelsPerGroup
    var layout = ScratchLayout()
    layout.floats(rows * shape.outputPlane)
    ScratchPool.shared.withScratch(layout) { scratch in
      let columns = scratch.floats(rows * shape.outputPlane)
      for n in images {
        for group in 0..<g.groups {
          unfold(problem, image: n, group: group, into: columns)
          let w = MatrixOperand(base: problem.weight + group * perGroup * rows, rows: .plain(rows), columns: .plain(1))
          let b = MatrixOperand(base: columns, rows: .plain(shape.outputPlane), columns: .plain(1))
          let out = MatrixDestination(
            base: output + n * shape.outputImage + group * perGroup * shape.outputPlane,
            rows: .plain(shape.outputPlane), columns: .plain(1))
          MatrixMultiply.product(
            m: perGroup, n: shape.outputPlane, k: rows, a: w, b: b, c: out,
            accumulate: false, rowBias: problem.bias.map { $0 + group * perGroup })
        }
      }
    }
  }

  static func backward(_ problem: ConvolutionProblem, images: Range<Int>, _ gradients: ConvolutionGradients) {
    let shape = problem.shape
    let g = shape.geometry
    let rows = g.inChannelsPerGroup * g.kernel * g.kernel
    let perGroup = g.outChannelsPerGroup
    let pixels = shape.outputPlane
    // dw_g += dOut_g · columnsᵀ, or the same product transposed when that wastes
    // less of the 8×32 register tile (e.g. 32 filters of a 1-channel 3×3 layer).
    func tiles(_ m: Int, _ n: Int) -> Int { (m + 7) / 8 * ((n + 31) / 32) }
    let transposed = tiles(rows, perGroup) < tiles(perGroup, rows)
    var layout = ScratchLayout()
    layout.floats(rows * pixels)
    layout.floats(gradients.dInput == nil ? 0 : rows * pixels)
    ScratchPool.shared.withScratch(layout) { scratch in
      let columns = scratch.floats(rows * pixels)
      let dColumns = scratch.floats(gradients.dInput == nil ? 0 : rows * pixels)
      for n in images {
        for group in 0..<g.groups {
          unfold(problem, image: n, group: group, into: columns)
          let dOut = gradients.dOutput + n * shape.outputImage + group * perGroup * pixels
          let dw = gradients.dWeight + group * perGroup * rows
          if transposed {
            MatrixMultiply.product(
              m: rows, n: perGroup, k: pixels,
              a: MatrixOperand(base: columns, rows: .plain(pixels), columns: .plain(1)),
              b: MatrixOperand(base: dOut, rows: .plain(1), columns: .plain(pixels)),
              c: MatrixDestination(base: dw, rows: .plain(1), columns: .plain(rows)), accumulate: true)
          } else {
            MatrixMultiply.product(
              m: perGroup, n: rows, k: pixels,
              a: MatrixOperand(base: dOut, rows: .plain(pixels), columns: .plain(1)),
              b: MatrixOperand(base: columns, rows: .plain(1), columns: .plain(pixels)),
              c: MatrixDestination(base: dw, rows: .plain(rows), columns: .plain(1)), accumulate: true)
          }
          if let dBias = gradients.dBias {
            for o in 0..<perGroup { dBias[group * perGroup + o] += sumFloats(dOut + o * pixels, count: pixels) }
          }
          if let dInput = gradients.dInput {
            MatrixMultiply.product(
              m: rows, n: pixels, k: perGroup,
              a: MatrixOperand(base: problem.weight + group * perGroup * rows, rows: .plain(1), columns: .plain(rows)),
              b: MatrixOperand(base: dOut, rows: .plain(pixels), columns: .plain(1)),
              c: MatrixDestination(base: dColumns, rows: .plain(pixels), columns: .plain(1)), accumulate: false)
            fold(problem, columns: dColumns, image: n, group: group, into: dInput)
          }
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

  /// `columns[(c, u, v), (i, j)] = x[n, c0 + c, i·S + u·D − P, j·S + v·D − P]`, zero outside.
  static func unfold(_ problem: ConvolutionProblem, image n: Int, group: Int, into columns: UnsafeMutablePointer<Float>) {
    let shape = problem.shape
    let g = shape.geometry
    let (K, S) = (g.kernel, g.stride)
    let (outH, outW) = (shape.outHeight, shape.outWidth)
    for c in 0..<g.inChannelsPerGroup {
      let plane = problem.input + (n * g.inChannels + group * g.inChannelsPerGroup + c) * shape.inputPlane
      for u in 0..<K {
        let rowsInside = insideRange(u, length: shape.height, outLength: outH, geometry: g)
        for v in 0..<K {
          let colsInside = insideRange(v, length: shape.width, outLength: outW, geometry: g)
          let target = columns + ((c * K + u) * K + v) * shape.outputPlane
          target.initialize(repeating: 0, count: shape.outputPlane)
          let dx = v * g.dilation - g.padding
          for i in rowsInside {
            let source = plane + (i * S + u * g.dilation - g.padding) * shape.width + dx
            let out = target + i * outW
            if S == 1 {
              copyFloats(source + colsInside.lowerBound, to: out + colsInside.lowerBound, count: colsInside.count)
            } else {
              for j in colsInside { out[j] = source[j * S] }
            }
          }
        }
      }
    }
  }

  /// The transpose of `unfold`: `dx[n, c0 + c, i·S + u·D − P, j·S + v·D − P] += columns[(c, u, v), (i, j)]`.
  static func fold(
    _ problem: ConvolutionProblem, columns: UnsafePointer<Float>, image n: Int, group: Int,
    into dInput: UnsafeMutablePointer<Float>
  ) {
    let shape = problem.shape
    let g = shape.geometry
    let (K, S) = (g.kernel, g.stride)
    let (outH, outW) = (shape.outHeight, shape.outWidth)
    for c in 0..<g.inChannelsPerGroup {
      let plane = dInput + (n * g.inChannels + group * g.inChannelsPerGroup + c) * shape.inputPlane
      for u in 0..<K {
        let rowsInside = insideRange(u, length: shape.height, outLength: outH, geometry: g)
        for v in 0..<K {
          let colsInside = insideRange(v, length: shape.width, outLength: outW, geometry: g)
          let source = columns + ((c * K + u) * K + v) * shape.outputPlane
          let dx = v * g.dilation - g.padding
          for i in rowsInside {
            let target = plane + (i * S + u * g.dilation - g.padding) * shape.width + dx
            let row = source + i * outW
            if S == 1 {
              addFloats(row + colsInside.lowerBound, to: target + colsInside.lowerBound, count: colsInside.count)
            } else {
              for j in colsInside { target[j * S] += row[j] }
            }
          }
        }
      }
    }
  }
}
