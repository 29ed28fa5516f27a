/// The fast convolution: the same numbers as `ReferenceConvolution` (up to float
/// rounding), computed by the kernel that suits the geometry.
///
/// ```
/// out[n, o, i, j] = b[o] + Σ_{c ∈ group(o)} Σ_{u,v} x[n, c, i·S + u·D − P, j·S + v·D − P] · w[o, c − c0, u, v]
/// ```
/// Three kernels cover every geometry:
/// ```
/// C/groups = 1, S = 1          direct    depthwise layers, a first layer on 1 channel:
///                                        SIMD loops over zero-bordered planes
/// K = 1, S = 1, P = 0, groups 1 pointwise one matrix product over the batch,
///                                        out = w (N_out × C) · x (C × N·H·W)
/// anything else                im2col    unfold each image into columns, then
///                                        w (N_out/g × C/g·K²) · columns (C/g·K² × H_out·W_out)
/// ```
/// `threads: T` splits the batch into T contiguous parts, each running the whole
/// layer on its images (weight gradients go to per-part buffers and are added in
/// part order, so a given T gives the same bits on every run). `threads: 1`
/// never starts a thread. Scratch memory comes from a shared pool and is reused
/// from call to call.
/// ```
/// let y = Convolution.forward(input: x, weight: w, bias: b, geometry: .depthwise(32, kernel: 3, dilation: 2), threads: 2)
/// ```
public enum Convolution {
  /// Overwrites `output` (shape `(N, N_out, H_out, W_out)`, preallocated by the caller).
  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - weight: `(N_out, C/groups, K, K)`
  ///   - bias: `(N_out)` or nil
  public static func forward(
    input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry,
    output: inout Tensor, threads: Int = 1
  ) {
    ReferenceConvolution.checkShapes(input: input, weight: weight, bias: bias, geometry: geometry)
    let shape = ConvolutionShape(input: input, geometry: geometry)
    precondition(
      output.shape == shape.outputShape,
      "output shape \(output.shape) does not match \(shape.outputShape) for \(geometry) on input \(input.shape)")
    guard output.count > 0 else { return }
    let parts = Swift.max(1, Swift.min(threads, shape.batch))
    input.storage.withUnsafeBufferPointer { x in
      weight.storage.withUnsafeBufferPointer { w in
        withOptionalStorage(bias) { b in
          output.storage.withUnsafeMutableBufferPointer { y in
            let problem = ConvolutionProblem(
              shape: shape, input: x.baseAddress!, weight: w.baseAddress!, bias: b)
            let out = SendablePointer(y.baseAddress!)
            Parallel.forEachPart(parts) { part in
              let images = Parallel.slice(part, of: parts, count: shape.batch)
              switch shape.kernel {
              case .direct: DirectConvolution.forward(problem, images: images, output: out.base)
              case .pointwise: PointwiseConvolution.forward(problem, images: images, output: out.base)
              case .im2col: Im2colConvolution.forward(problem, images: images, output: out.base)
              }
            }
          }
        }
      }
    }
  }

  /// The forward pass of `images` (a range of the batch) on the calling thread, each
  /// output channel `o` finished with `epilogue` row `o` when one is given (an eval-mode
  /// BatchNorm and ReLU: the bits of the plain pass followed by the BatchNorm's own).
  /// `problem`'s pointers are the caller's; `output` is the whole batch's.
  static func forward(
    _ problem: ConvolutionProblem, images: Range<Int>, output: UnsafeMutablePointer<Float>,
    epilogue: RowEpilogue?
  ) {
    switch problem.shape.kernel {
    case .direct: DirectConvolution.forward(problem, images: images, output: output, epilogue: epilogue)
    case .pointwise: PointwiseConvolution.forward(problem, images: images, output: output, epilogue: epilogue)
    case .im2col: Im2colConvolution.forward(problem, images: images, output: output, epilogue: epilogue)
    }
  }

  /// Convenience that allocates the output.
  public static func forward(
    input: Tensor, weight: Tensor, bias: Tensor? = nil, geometry: Conv2DGeometry, threads: Int = 1
  ) -> Tensor {
    ReferenceConvolution.checkShapes(input: input, weight: weight, bias: bias, geometry: geometry)
    var output = Tensor(shape: ConvolutionShape(input: input, geometry: geometry).outputShape)
    forward(input: input, weight: weight, bias: bias, geometry: geometry, output: &output, threads: threads)
    return output
  }

  /// Backward pass: accumulates (+=) into `dInput` (if non-nil; nil skips the input
  /// gradient, e.g. for the first layer; `accumulate: false` overwrites it instead,
  /// which spares the caller zeroing it first), `dWeight`, and `dBias` (if non-nil):
  /// ```
  /// dInput[n, c, r, s]       += Σ dOutput[n, o, i, j] · w[o, c − c0, u, v]   over taps that read (r, s)
  /// dWeight[o, c − c0, u, v] += Σ_{n,i,j} dOutput[n, o, i, j] · x[n, c, i·S + u·D − P, j·S + v·D − P]
  /// dBias[o]                 += Σ_{n,i,j} dOutput[n, o, i, j]
  /// ```
  public static func backward(
    input: Tensor, weight: Tensor, dOutput: Tensor, geometry: Conv2DGeometry,
    dInput: inout Tensor?, dWeight: inout Tensor, dBias: inout Tensor?, accumulate: Bool = true,
    threads: Int = 1
  ) {
    ReferenceConvolution.checkShapes(input: input, weight: weight, bias: dBias, geometry: geometry)
    let shape = ConvolutionShape(input: input, geometry: geometry)
    precondition(
      dOutput.shape == shape.outputShape,
      "dOutput shape \(dOutput.shape) does not match output \(shape.outputShape)")
    dOutput.storage.withUnsafeBufferPointer { dy in
      backward(
        input: input, weight: weight, geometry: geometry, .stored(dy), dInput: &dInput,
        dWeight: &dWeight, dBias: &dBias, accumulate: accumulate, threads: threads)
    }
  }

  /// The backward pass of a pointwise convolution whose output gradient is never
  /// stored whole: `outputGradient(images, target)`, called on any thread, writes the
  /// output gradient of `images` (image `images.lowerBound + i` at
  /// `target + i·N_out·H_out·W_out`) just before the kernel reads it, a few images at
  /// a time into a buffer in cache. Otherwise as `backward(input:weight:dOutput:…)`.
  public static func backward(
    input: Tensor, weight: Tensor, outputGradient: @escaping OutputGradientSource, geometry: Conv2DGeometry,
    dInput: inout Tensor?, dWeight: inout Tensor, dBias: inout Tensor?, accumulate: Bool = true,
    threads: Int = 1
  ) {
    ReferenceConvolution.checkShapes(input: input, weight: weight, bias: dBias, geometry: geometry)
    precondition(
      ConvolutionShape(input: input, geometry: geometry).kernel == .pointwise,
      "only a pointwise convolution takes its output gradient chunk by chunk, not \(geometry)")
    backward(
      input: input, weight: weight, geometry: geometry, .written(outputGradient), dInput: &dInput,
      dWeight: &dWeight, dBias: &dBias, accumulate: accumulate, threads: threads)
  }

  /// The backward pass of either kind, its input, weight and bias shapes checked.
  private static func backward(
    input: Tensor, weight: Tensor, geometry: Conv2DGeometry, _ outputGradient: OutputGradientInput,
    dInput: inout Tensor?, dWeight: inout Tensor, dBias: inout Tensor?, accumulate: Bool, threads: Int
  ) {
    let shape = ConvolutionShape(input: input, geometry: geometry)
    if let dInput { precondition(dInput.shape == input.shape, "dInput shape \(dInput.shape) != input \(input.shape)") }
    precondition(dWeight.shape == weight.shape, "dWeight shape \(dWeight.shape) != weight \(weight.shape)")
    guard shape.batch * shape.outputImage > 0 else {
      // No output: every gradient is zero; an overwritten input gradient says so.
      if !accumulate { dInput?.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
      return
    }
    let parts = Swift.max(1, Swift.min(threads, shape.batch))
    let weightCount = weight.count
    let biasCount = dBias == nil ? 0 : geometry.outChannels

    input.storage.withUnsafeBufferPointer { x in
      weight.storage.withUnsafeBufferPointer { w in
        withOptionalMutableStorage(&dInput) { dx in
          dWeight.storage.withUnsafeMutableBufferPointer { dw in
            withOptionalMutableStorage(&dBias) { db in
              let problem = ConvolutionProblem(
                shape: shape, input: x.baseAddress!, weight: w.baseAddress!, bias: nil)
              let gradients = ConvolutionGradients(
                output: outputGradient, dInput: dx, accumulatesInput: accumulate,
                dWeight: dw.baseAddress!, dBias: db)
              if parts == 1 {
                backwardPart(problem, images: 0..<shape.batch, gradients)
                return
              }
              // Every part adds its weight and bias gradients into its own zeroed
              // slice of `partials`; the slices are then added in part order.
              let stride = weightCount + biasCount
              var layout = ScratchLayout()
              layout.floats(parts * stride)
              ScratchPool.shared.withScratch(layout) { scratch in
                let partials = SendablePointer(scratch.floats(parts * stride, zeroed: true))
                Parallel.forEachPart(parts) { part in
                  var own = gradients
                  own.dWeight = partials.base + part * stride
                  own.dBias = gradients.dBias == nil ? nil : own.dWeight + weightCount
                  backwardPart(problem, images: Parallel.slice(part, of: parts, count: shape.batch), own)
                }
                for part in 0..<parts {
                  let partial = partials.base + part * stride
                  addFloats(partial, to: dw.baseAddress!, count: weightCount)
                  if let db { addFloats(partial + weightCount, to: db, count: biasCount) }
                }
              }
            }
          }
        }
      }
    }
  }

  private static func backwardPart(
    _ problem: ConvolutionProblem, images: Range<Int>, _ gradients: ConvolutionGradients
  ) {
    switch problem.shape.kernel {
    case .direct: DirectConvolution.backward(problem, images: images, gradients)
    case .pointwise: PointwiseConvolution.backward(problem, images: images, gradients)
    case .im2col:
      // Its columns fold back into overlapping windows, always adding.
      if let dInput = gradients.dInput, !gradients.accumulatesInput {
        let image = problem.shape.inputImage
        (dInput + images.lowerBound * image).update(repeating: 0, count: images.count * image)
      }
      Im2colConvolution.backward(problem, images: images, gradients)
    }
  }
}

// MARK: - What the kernels share

/// Sizes of one convolution call and the kernel chosen for them.
struct ConvolutionShape: Sendable {
  enum Kernel: Sendable { case direct, pointwise, im2col }

  let geometry: Conv2DGeometry
  /// `N`, `H`, `W` of the input; `H_out`, `W_out` of the output.
  let batch: Int, height: Int, width: Int
  let outHeight: Int, outWidth: Int
  let kernel: Kernel

  init(input: Tensor, geometry g: Conv2DGeometry) {
    self.init(batch: input.shape[0], height: input.shape[2], width: input.shape[3], geometry: g)
  }

  init(batch: Int, height: Int, width: Int, geometry g: Conv2DGeometry) {
    geometry = g
    (self.batch, self.height, self.width) = (batch, height, width)
    (outHeight, outWidth) = g.outputSize(height: height, width: width)
    if g.stride == 1 && g.inChannelsPerGroup == 1 {
      kernel = .direct
    } else if g.kernel == 1 && g.stride == 1 && g.padding == 0 && g.groups == 1 {
      kernel = .pointwise
    } else {
      kernel = .im2col
    }
  }

  var outputShape: [Int] { [batch, geometry.outChannels, outHeight, outWidth] }
  /// Floats in one input channel plane, `H·W`, and one output plane, `H_out·W_out`.
  var inputPlane: Int { height * width }
  var outputPlane: Int { outHeight * outWidth }
  /// Floats in one input image, `C·H·W`, and one output image, `N_out·H_out·W_out`.
  var inputImage: Int { geometry.inChannels * inputPlane }
  var outputImage: Int { geometry.outChannels * outputPlane }
}

/// The read-only operands of one call as raw pointers (valid for the call only).
struct ConvolutionProblem: @unchecked Sendable {
  let shape: ConvolutionShape
  /// `(N, C, H, W)`, `(N_out, C/groups, K, K)`, `(N_out)` or nil.
  let input: UnsafePointer<Float>
  let weight: UnsafePointer<Float>
  let bias: UnsafePointer<Float>?
}

/// Writes the output gradient of a run of images into a buffer; see `Convolution.backward`.
public typealias OutputGradientSource = (_ images: Range<Int>, _ target: UnsafeMutablePointer<Float>) -> Void

/// Where a backward pass reads its output gradient `(N, N_out, H_out, W_out)`.
enum OutputGradientInput {
  /// Stored whole, in this buffer.
  case stored(UnsafeBufferPointer<Float>)
  /// Written a few images at a time by this source (the pointwise kernel only).
  case written(OutputGradientSource)
}

/// Where one part of the batch adds its gradients (valid for the call only).
struct ConvolutionGradients: @unchecked Sendable {
  let output: OutputGradientInput
  /// `(N, C, H, W)`, or nil to skip the input gradient.
  let dInput: UnsafeMutablePointer<Float>?
  /// Whether the kernel adds into `dInput` (+=) or overwrites it. The direct and
  /// pointwise kernels write each element of it once; im2col's callers zero it first.
  let accumulatesInput: Bool
  /// `(N_out, C/groups, K, K)` and `(N_out)` or nil.
  var dWeight: UnsafeMutablePointer<Float>
  var dBias: UnsafeMutablePointer<Float>?

  /// The stored output gradient, for the kernels that read all of it (every kernel
  /// but the pointwise one; the public entry points let only it take chunks), which
  /// run only when the output is not empty.
  var dOutput: UnsafePointer<Float> {
    guard case .stored(let buffer) = output, let base = buffer.baseAddress else {
      preconditionFailure("a kernel needs the output gradient stored, and not empty")
    }
    return base
  }
}

private func withOptionalStorage<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let tensor else { return body(nil) }
  return tensor.storage.withUnsafeBufferPointer { body($0.baseAddress) }
}

private func withOptionalMutableStorage<R>(
  _ tensor: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R
) -> R {
  guard tensor != nil else { return body(nil) }
  return tensor!.storage.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
