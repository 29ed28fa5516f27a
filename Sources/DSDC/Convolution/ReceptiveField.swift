/// How much of the input one output of a stack of layers can see, along one axis.
///
/// Walking through the stack layer by layer, with `r` the receptive field (in input
/// pixels), `j` the jump (input pixels between neighbouring outputs) and `s` the
/// input position of output 0's first pixel:
/// ```
/// r_0 = 1,  j_0 = 1,  s_0 = 0                      (the input itself)
/// r_l = r_{l−1} + D_l·(K_l − 1)·j_{l−1}
/// j_l = j_{l−1}·S_l
/// s_l = s_{l−1} − P_l·j_{l−1}
/// ```
/// Output `i` of layer `l` then reads input pixels `s_l + i·j_l … s_l + i·j_l + r_l − 1`
/// (positions below 0 or past the edge are padding). One layer alone gives
/// `r = D·(K − 1) + 1`, `Conv2DGeometry.receptiveField`.
public struct ReceptiveField: Sendable, Equatable {
  /// One layer as the receptive field sees it: a window of `K` taps, `D` apart,
  /// moved `S` at a time over an input with `P` pixels of padding.
  public struct Layer: Sendable, Equatable {
    /// A short name for tables, e.g. `block1 depthwise`.
    public var name: String
    /// `K`, the window's taps along one axis.
    public var kernel: Int
    /// `S`, the step between neighbouring outputs.
    public var stride: Int
    /// `P`, the padding on each side.
    public var padding: Int
    /// `D`, the spacing of the taps.
    public var dilation: Int

    public init(name: String, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1) {
      precondition(
        kernel > 0 && stride > 0 && padding >= 0 && dilation > 0,
        "bad layer \(name): K=\(kernel) S=\(stride) P=\(padding) D=\(dilation)")
      self.name = name
      self.kernel = kernel
      self.stride = stride
      self.padding = padding
      self.dilation = dilation
    }

    /// A convolution layer with the window of `geometry`.
    public init(name: String, geometry: Conv2DGeometry) {
      self.init(
        name: name, kernel: geometry.kernel, stride: geometry.stride, padding: geometry.padding,
        dilation: geometry.dilation)
    }

    /// A `size × size` pooling layer with stride `size` (max or average: the window is the same).
    public static func pool(name: String, size: Int) -> Layer {
      Layer(name: name, kernel: size, stride: size)
    }
  }

  /// `r`, input pixels one output depends on along an axis.
  public var size: Int
  /// `j`, input pixels between two neighbouring outputs.
  public var jump: Int
  /// `s`, the input position of the first pixel output 0 reads (negative inside the padding).
  public var start: Int

  public init(size: Int, jump: Int, start: Int) {
    self.size = size
    self.jump = jump
    self.start = start
  }

  /// The input before any layer: each pixel sees itself.
  public static let input = ReceptiveField(size: 1, jump: 1, start: 0)

  /// The receptive field after one more layer:
  /// `r + D·(K−1)·j`, `j·S`, `s − P·j`.
  public func through(_ layer: Layer) -> ReceptiveField {
    ReceptiveField(
      size: size + layer.dilation * (layer.kernel - 1) * jump,
      jump: jump * layer.stride,
      start: start - layer.padding * jump)
  }

  /// The receptive field after each layer of a stack, in order (`input` not included).
  public static func trace(_ layers: [Layer]) -> [ReceptiveField] {
    var current = ReceptiveField.input
    return layers.map { layer in
      current = current.through(layer)
      return current
    }
  }

  /// The input pixels output `index` reads along this axis (may reach into the padding).
  public func window(_ index: Int) -> ClosedRange<Int> {
    let first = start + index * jump
    return first...(first + size - 1)
  }
}
