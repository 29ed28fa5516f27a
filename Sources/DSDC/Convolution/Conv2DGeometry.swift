/// The shape of a 2-D convolution: channels, square kernel, stride, padding,
/// dilation and groups — everything but the weights.
///
/// All four kinds the article teaches are one geometry with different numbers:
/// ```
/// standard     groups = 1
/// depthwise    groups = C = N          (one K×K kernel per channel)
/// pointwise    K = 1                   (mixes channels at one pixel)
/// dilated      D ≥ 2                   (kernel taps D pixels apart)
/// ```
/// Output size, parameter count, multiply-add count and receptive field are
/// computed here and nowhere else; lessons, the model summary and tests use them.
public struct Conv2DGeometry: Sendable, Hashable, CustomStringConvertible {
  /// `C`, input channels.
  public var inChannels: Int
  /// `N`, output channels (the article's N).
  public var outChannels: Int
  /// `K`, the kernel's height and width.
  public var kernel: Int
  /// `S`, the step between neighbouring outputs.
  public var stride: Int
  /// `P`, zero rows/columns added on every side.
  public var padding: Int
  /// `D`, the spacing of kernel taps (1 = an ordinary convolution, PyTorch's convention).
  public var dilation: Int
  /// Channel groups: each output channel reads `C / groups` input channels.
  public var groups: Int

  public init(
    inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
    dilation: Int = 1, groups: Int = 1
  ) {
    precondition(inChannels > 0 && outChannels > 0, "channels must be positive, got C=\(inChannels) N=\(outChannels)")
    precondition(
      kernel > 0 && stride > 0 && dilation > 0 && padding >= 0,
      "bad convolution numbers K=\(kernel) S=\(stride) P=\(padding) D=\(dilation)")
    precondition(
      groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
      "groups=\(groups) must divide C=\(inChannels) and N=\(outChannels)")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.groups = groups
  }

  /// A standard convolution (groups 1) whose padding keeps the size for odd K at stride 1.
  public static func standard(_ inChannels: Int, _ outChannels: Int, kernel: Int, dilation: Int = 1) -> Self {
    Self(
      inChannels: inChannels, outChannels: outChannels, kernel: kernel,
      padding: samePadding(kernel: kernel, dilation: dilation), dilation: dilation)
  }

  /// A depthwise convolution (groups = C = N), size-keeping padding as in the article's §5.
  public static func depthwise(_ channels: Int, kernel: Int, dilation: Int = 1) -> Self {
    Self(
      inChannels: channels, outChannels: channels, kernel: kernel,
      padding: samePadding(kernel: kernel, dilation: dilation), dilation: dilation, groups: channels)
  }

  /// A pointwise (1×1) convolution.
  public static func pointwise(_ inChannels: Int, _ outChannels: Int) -> Self {
    Self(inChannels: inChannels, outChannels: outChannels, kernel: 1)
  }

  /// The article's §5 padding, `P = D·(K−1)/2` (integer division): it keeps
  /// `H_out = H` at stride 1 exactly when `D·(K−1)` is even — always for odd K.
  public static func samePadding(kernel: Int, dilation: Int) -> Int {
    dilation * (kernel - 1) / 2
  }

  /// Input channels each output channel reads, `C / groups`.
  public var inChannelsPerGroup: Int { inChannels / groups }
  /// Output channels each group produces, `N / groups`.
  public var outChannelsPerGroup: Int { outChannels / groups }
  /// True for groups = C = N.
  public var isDepthwise: Bool { groups == inChannels && groups == outChannels }
  /// True for a 1×1 kernel.
  public var isPointwise: Bool { kernel == 1 }

  /// The span of input one output reads along an axis: `D·(K−1) + 1`.
  public var receptiveField: Int { dilation * (kernel - 1) + 1 }

  /// Output length along one axis:
  /// ```
  /// L_out = ⌊(L + 2P − D·(K−1) − 1) / S⌋ + 1
  /// ```
  public func outputLength(_ length: Int) -> Int {
    let span = length + 2 * padding - dilation * (kernel - 1) - 1
    return span < 0 ? 0 : span / stride + 1
  }

  /// Output height and width for an `H × W` input.
  public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
    (outputLength(height), outputLength(width))
  }

  /// The weight tensor's shape, OIHW: `(N, C/groups, K, K)`.
  public var weightShape: [Int] { [outChannels, inChannelsPerGroup, kernel, kernel] }

  /// Trainable numbers: `N · (C/groups) · K²` weights, plus `N` biases if present.
  public func parameterCount(bias: Bool = false) -> Int {
    outChannels * inChannelsPerGroup * kernel * kernel + (bias ? outChannels : 0)
  }

  /// Multiply-adds for one image: every output element costs `(C/groups)·K²` of them.
  /// ```
  /// MACs = N · H_out · W_out · (C/groups) · K²
  /// ```
  /// (Taps that land in the zero padding are counted, as every framework counts them.)
  public func multiplyAdds(height: Int, width: Int) -> Int {
    let (ho, wo) = outputSize(height: height, width: width)
    return outChannels * ho * wo * inChannelsPerGroup * kernel * kernel
  }

  public var description: String {
    "Conv2D(C=\(inChannels), N=\(outChannels), K=\(kernel), S=\(stride), P=\(padding), D=\(dilation), groups=\(groups))"
  }
}
