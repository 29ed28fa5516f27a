/// A convolution layer: a `Conv2DGeometry`, its weights (and optional bias) as
/// parameters, and forward/backward passes through the fast `Convolution` kernels.
///
/// ```
/// out[n, o, i, j] = b[o] + Σ_{c ∈ group(o)} Σ_{u,v} x[n, c, i·S + u·D − P, j·S + v·D − P] · w[o, c − c0, u, v]
/// ```
/// Standard, depthwise (groups = C = N), pointwise (K = 1) and dilated (D ≥ 2)
/// convolutions are all this one layer with a different geometry.
public final class Conv2D {
  /// The `state_dict` prefix, e.g. `block1.depthwise`.
  public let name: String
  /// Channels, kernel, stride, padding, dilation and groups.
  public let geometry: Conv2DGeometry
  /// `(N_out, C/groups, K, K)`, OIHW.
  public let weight: Parameter
  /// `(N_out)`, or nil for a layer without bias (all of DSDC-Net's convolutions).
  public let bias: Parameter?
  /// Where the weight gradient goes when the layer is frozen but its input gradient
  /// is still needed (the kernels always produce both); never read.
  private var discardedWeightGradient = Tensor(shape: [0])

  /// A layer with PyTorch's default initialisation, drawn from `generator`:
  /// ```
  /// w, b ~ U(−1/√fan_in, 1/√fan_in),     fan_in = (C/groups)·K²
  /// ```
  /// - Parameter name: the `state_dict` prefix, e.g. `block1.depthwise`.
  public init<G: RandomNumberGenerator>(
    name: String, geometry: Conv2DGeometry, bias: Bool = false, using generator: inout G
  ) {
    self.name = name
    self.geometry = geometry
    let bound = Parameter.kaimingUniformBound(fanIn: geometry.inChannelsPerGroup * geometry.kernel * geometry.kernel)
    weight = Parameter(
      name: name + ".weight",
      value: .randomUniform(shape: geometry.weightShape, bound: bound, using: &generator))
    self.bias =
      bias
      ? Parameter(
        name: name + ".bias",
        value: .randomUniform(shape: [geometry.outChannels], bound: bound, using: &generator))
      : nil
  }

  /// True when no parameter of the layer is trainable.
  public var isFrozen: Bool { weight.isFrozen && (bias?.isFrozen ?? true) }

  /// The output shape for an input of shape `(N, C, H, W)`.
  public func outputShape(input shape: [Int]) -> [Int] {
    precondition(shape.count == 4, "Conv2D input must be (N, C, H, W), got \(shape)")
    let (h, w) = geometry.outputSize(height: shape[2], width: shape[3])
    return [shape[0], geometry.outChannels, h, w]
  }

  /// Forward pass into a preallocated output (overwritten).
  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - output: `(N, N_out, H_out, W_out)`
  public func forward(input: Tensor, output: inout Tensor, threads: Int = 1) {
    Convolution.forward(
      input: input, weight: weight.value, bias: bias?.value, geometry: geometry,
      output: &output, threads: threads)
  }

  /// Backward pass, accumulating (`accumulate: false` overwrites `dInput` instead):
  /// ```
  /// dInput[n, c, r, s]       += Σ dOutput[n, o, i, j] · w[o, c − c0, u, v]   over taps that read (r, s)
  /// dWeight[o, c − c0, u, v] += Σ_{n,i,j} dOutput[n, o, i, j] · x[n, c, i·S + u·D − P, j·S + v·D − P]
  /// dBias[o]                 += Σ_{n,i,j} dOutput[n, o, i, j]
  /// ```
  /// `dWeight` and `dBias` are the parameters' `gradient`s, skipped when frozen.
  /// - Parameters:
  ///   - input: `(N, C, H, W)`, the forward pass's input
  ///   - dOutput: `(N, N_out, H_out, W_out)`
  ///   - dInput: `(N, C, H, W)`, or nil when the input needs no gradient (the first layer)
  public func backward(
    input: Tensor, dOutput: Tensor, dInput: inout Tensor?, accumulate: Bool = true, threads: Int = 1
  ) {
    withGradients(dInput: &dInput) { dInput, dWeight, dBias in
      Convolution.backward(
        input: input, weight: weight.value, dOutput: dOutput, geometry: geometry, dInput: &dInput,
        dWeight: &dWeight, dBias: &dBias, accumulate: accumulate, threads: threads)
    }
  }

  /// The backward pass of a pointwise layer whose output gradient `outputGradient`
  /// writes a few images at a time (see `Convolution.backward(input:weight:outputGradient:…)`).
  public func backward(
    input: Tensor, outputGradient: @escaping OutputGradientSource, dInput: inout Tensor?, accumulate: Bool = true,
    threads: Int = 1
  ) {
    withGradients(dInput: &dInput) { dInput, dWeight, dBias in
      Convolution.backward(
        input: input, weight: weight.value, outputGradient: outputGradient, geometry: geometry, dInput: &dInput,
        dWeight: &dWeight, dBias: &dBias, accumulate: accumulate, threads: threads)
    }
  }

  /// Runs `pass(dInput, dWeight, dBias)` with the gradients it adds into: the
  /// parameters' own, or a scratch weight gradient that is thrown away when the weight
  /// is frozen (the input gradient still needs the pass); nothing when all is frozen
  /// and no input gradient is wanted.
  private func withGradients(
    dInput: inout Tensor?, _ pass: (_ dInput: inout Tensor?, _ dWeight: inout Tensor, _ dBias: inout Tensor?) -> Void
  ) {
    if isFrozen && dInput == nil { return }
    var dBias: Tensor? = nil
    if let bias, !bias.isFrozen { dBias = Conv2D.take(&bias.gradient) }
    if weight.isFrozen {
      if discardedWeightGradient.shape != weight.shape {
        discardedWeightGradient = Tensor(shape: weight.shape)
      }
      discardedWeightGradient.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
      pass(&dInput, &discardedWeightGradient, &dBias)
    } else {
      pass(&dInput, &weight.gradient, &dBias)
    }
    if let bias, let dBias { bias.gradient = dBias }
  }

  /// Moves a tensor out of its storage place (leaving an empty one), so that it can
  /// be mutated as an optional without a copy.
  private static func take(_ tensor: inout Tensor) -> Tensor {
    let moved = tensor
    tensor = emptyTensor
    return moved
  }

  private static let emptyTensor = Tensor(shape: [0])
}
