/// The 1×1 convolution (K = 1, S = 1, P = 0, groups 1) as matrix products over a
/// whole part of the batch at once.
///
/// Image `n` of `x` is a `C × HW` matrix, and the images of a part side by side
/// form one `C × (images·HW)` matrix whose columns jump by `C·HW` floats from one
/// image to the next (a blocked `MatrixAxis`), so no data is copied:
/// ```
/// out  (N_out × images·HW)  = w (N_out × C) · x (C × images·HW) + b
/// dx   (C × images·HW)     += wᵀ (C × N_out) · dOut (N_out × images·HW)
/// dw   (N_out × C)         += dOut (N_out × images·HW) · xᵀ (images·HW × C)
/// ```
/// The input gradient and the weight gradient each need every chunk of `dOut`; the
/// backward pass runs both products chunk by chunk to read it from memory once.
enum PointwiseConvolution {
  static func forward(
    _ problem: ConvolutionProblem, images: Range<Int>, output: UnsafeMutablePointer<Float>,
    epilogue: RowEpilogue? = nil
  ) {
    let shape = problem.shape
    let g = shape.geometry
    let plane = shape.inputPlane
    let x = MatrixOperand(
      base: problem.input + images.lowerBound * shape.inputImage,
      rows: .plain(plane), columns: .blocked(stride: 1, blockLength: plane, blockStride: shape.inputImage))
    let out = MatrixDestination(
      base: output + images.lowerBound * shape.outputImage,
      rows: .plain(plane), columns: .blocked(stride: 1, blockLength: plane, blockStride: shape.outputImage))
    let w = MatrixOperand(base: problem.weight, rows: .plain(g.inChannels), columns: .plain(1))
    MatrixMultiply.product(
      m: g.outChannels, n: images.count * plane, k: g.inChannels, a: w, b: x, c: out,
      accumulate: false, rowBias: problem.bias, epilogue: epilogue)
  }

  /// The backward products run over chunks of about `chunkColumns` pixels (whole
  /// images), so that each chunk of `dOut` is read from memory once and used twice
  /// while it is still in cache: for `dx` and for `dw`.
  static let chunkColumns = 512

  /// An output gradient `written` chunk by chunk is written into a scratch buffer of
  /// the thread's own just before the products read it.
  static func backward(_ problem: ConvolutionProblem, images: Range<Int>, _ gradients: ConvolutionGradients) {
    let shape = problem.shape
    let perChunk = Swift.max(1, chunkColumns / shape.inputPlane)
    guard case .written(let source) = gradients.output else {
      backward(problem, images: images, perChunk: perChunk, gradients) { first, _ in
        gradients.dOutput + first * shape.outputImage
      }
      return
    }
    var layout = ScratchLayout()
    layout.floats(perChunk * shape.outputImage)
    ScratchPool.shared.withScratch(layout) { scratch in
      let chunk = scratch.floats(perChunk * shape.outputImage)
      backward(problem, images: images, perChunk: perChunk, gradients) { first, count in
        source(first..<(first + count), chunk)
        return UnsafePointer(chunk)
      }
    }
  }

  /// The products over chunks of `perChunk` images; `chunkGradient(first, count)`
  /// gives the output gradient of images `first..<first + count`, one after the other.
  private static func backward(
    _ problem: ConvolutionProblem, images: Range<Int>, perChunk: Int, _ gradients: ConvolutionGradients,
    chunkGradient: (_ first: Int, _ count: Int) -> UnsafePointer<Float>
  ) {
    let shape = problem.shape
    let g = shape.geometry
    let plane = shape.inputPlane
    let wT = MatrixOperand(base: problem.weight, rows: .plain(1), columns: .plain(g.inChannels))
    let dw = MatrixDestination(base: gradients.dWeight, rows: .plain(g.inChannels), columns: .plain(1))
    for first in stride(from: images.lowerBound, to: images.upperBound, by: perChunk) {
      let count = Swift.min(perChunk, images.upperBound - first)
      let columns = count * plane
      let chunk = chunkGradient(first, count)
      let dOut = MatrixOperand(
        base: chunk,
        rows: .plain(plane), columns: .blocked(stride: 1, blockLength: plane, blockStride: shape.outputImage))
      if let dInput = gradients.dInput {
        let dx = MatrixDestination(
          base: dInput + first * shape.inputImage,
          rows: .plain(plane), columns: .blocked(stride: 1, blockLength: plane, blockStride: shape.inputImage))
        MatrixMultiply.product(
          m: g.inChannels, n: columns, k: g.outChannels, a: wT, b: dOut, c: dx,
          accumulate: gradients.accumulatesInput)
      }
      // xᵀ: row (n, p) is pixel p of image n, column c is channel c.
      let xT = MatrixOperand(
        base: problem.input + first * shape.inputImage,
        rows: .blocked(stride: 1, blockLength: plane, blockStride: shape.inputImage), columns: .plain(plane))
      MatrixMultiply.product(
        m: g.outChannels, n: g.inChannels, k: columns, a: dOut, b: xT, c: dw, accumulate: true)
      if let dBias = gradients.dBias {
        for n in 0..<count {
          let image = chunk + n * shape.outputImage
          for o in 0..<g.outChannels { dBias[o] += sumFloats(image + o * plane, count: plane) }
        }
      }
    }
  }
}
