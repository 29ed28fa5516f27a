/// A trainable tensor together with its gradient, named as in PyTorch's `state_dict`
/// (`block1.pointwise.weight`).
///
/// Backward passes accumulate into `gradient` (`+=`); a training step zeroes it first.
/// A frozen parameter gets no gradient and is never changed by an optimiser: layers
/// skip its weight-gradient computation and optimisers skip its update. That is how
/// fine-tuning trains only the head, or only the pointwise kernels.
public final class Parameter {
  /// The `state_dict` name, e.g. `stem.weight`.
  public let name: String
  /// The current values.
  public var value: Tensor
  /// `∂L/∂value`, accumulated by backward passes; same shape as `value`.
  public var gradient: Tensor
  /// When true, no gradient is computed for this tensor and optimisers leave it alone.
  public var isFrozen: Bool
  /// Multiplies the optimiser's learning rate for this tensor alone (1: the rate
  /// itself). Fine-tuning gives a pretrained backbone a smaller rate than a new head.
  public var learningRateScale: Double

  public init(name: String, value: Tensor, isFrozen: Bool = false, learningRateScale: Double = 1) {
    self.name = name
    self.value = value
    self.gradient = Tensor(shape: value.shape)
    self.isFrozen = isFrozen
    self.learningRateScale = learningRateScale
  }

  /// The shape of `value` (and of `gradient`).
  public var shape: [Int] { value.shape }

  /// The number of trainable numbers.
  public var count: Int { value.count }

  /// Sets every gradient element to 0.
  public func zeroGradient() {
    gradient.storage.withUnsafeMutableBufferPointer { g in
      g.update(repeating: 0)
    }
  }

  /// Replaces the values with `tensor` (same shape), keeping the gradient buffer.
  public func assign(_ tensor: Tensor) {
    precondition(
      tensor.shape == value.shape,
      "parameter \(name) has shape \(value.shape), cannot assign \(tensor.shape)")
    value = tensor
  }
}

extension Parameter {
  /// PyTorch's default initialisation of convolution and linear layers,
  /// `kaiming_uniform_(w, a=√5)`, which works out to a plain uniform bound:
  /// ```
  /// gain  = √(2 / (1 + a²)) = √(1/3)
  /// bound = gain · √(3 / fan_in) = 1 / √fan_in,     w ~ U(−bound, bound)
  /// ```
  /// `fan_in` is the number of inputs one output reads: `(C/groups)·K²` for a
  /// convolution, `in_features` for a linear layer. PyTorch draws a linear layer's
  /// bias from the same `U(−1/√fan_in, 1/√fan_in)`.
  public static func kaimingUniformBound(fanIn: Int) -> Float {
    precondition(fanIn > 0, "fan_in must be positive, got \(fanIn)")
    return 1 / Float(fanIn).squareRoot()
  }
}
