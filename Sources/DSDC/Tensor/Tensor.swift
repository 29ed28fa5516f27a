/// A dense array of `Float` values in row-major order.
///
/// Image tensors use one layout everywhere in dsdc, NCHW:
/// ```
/// x[n, c, h, w] = storage[((n·C + c)·H + h)·W + w]
/// ```
/// (the article's §3–4 write feature maps H×W×C, channels last; its §5 code and
/// this program are channels first). Weights of a convolution are OIHW: output
/// channel, input channel (per group), kernel row, kernel column — PyTorch's layout.
public struct Tensor: Sendable, Equatable {
  /// The extent of each dimension, outermost first, e.g. `[N, C, H, W]`.
  public private(set) var shape: [Int]
  /// The values, `shape.reduce(1, *)` of them, in row-major order.
  public var storage: [Float]

  /// A tensor of the given shape with every element set to `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
    self.shape = shape
    self.storage = [Float](repeating: value, count: shape.reduce(1, *))
  }

  /// A tensor of the given shape holding `storage` in row-major order.
  public init(shape: [Int], storage: [Float]) {
    precondition(
      shape.reduce(1, *) == storage.count,
      "Tensor shape \(shape) needs \(shape.reduce(1, *)) values, got \(storage.count)")
    self.shape = shape
    self.storage = storage
  }

  /// The number of elements.
  public var count: Int { storage.count }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The same values seen with another shape of equal element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, storage: storage)
  }

  /// Sets the outermost extent (the batch) to `extent`, the other extents kept. The
  /// storage keeps its capacity: the first images' values stay, added ones are 0, and
  /// shrinking, then growing back within the capacity, allocates nothing.
  mutating func setOutermost(_ extent: Int) {
    precondition(rank > 0 && extent >= 0, "Tensor \(shape): no outermost extent \(extent)")
    storage.resize(to: extent * shape.dropFirst().reduce(1, *), filling: 0)
    shape[0] = extent
  }

  /// The flat index of a multi-dimensional position.
  @inlinable
  public func offset(_ index: [Int]) -> Int {
    precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
    var flat = 0
    for (i, extent) in zip(index, shape) {
      precondition(i >= 0 && i < extent, "index \(index) is outside shape \(shape)")
      flat = flat * extent + i
    }
    return flat
  }

  /// Element access by multi-dimensional position, e.g. `x[[n, c, h, w]]`.
  public subscript(_ index: [Int]) -> Float {
    get { storage[offset(index)] }
    set { storage[offset(index)] = newValue }
  }

  /// Element access in a rank-4 NCHW tensor.
  public subscript(n n: Int, c c: Int, h h: Int, w w: Int) -> Float {
    get { storage[offset4(n, c, h, w)] }
    set { storage[offset4(n, c, h, w)] = newValue }
  }

  @inline(__always)
  private func offset4(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int {
    precondition(shape.count == 4, "4-index access into a tensor of shape \(shape)")
    precondition(
      n >= 0 && n < shape[0] && c >= 0 && c < shape[1] && h >= 0 && h < shape[2] && w >= 0
        && w < shape[3],
      "index [\(n), \(c), \(h), \(w)] is outside shape \(shape)")
    return ((n * shape[1] + c) * shape[2] + h) * shape[3] + w
  }

  /// One image (or one weight slice) along the first dimension, keeping its rank:
  /// `x.slice(n)` of an `(N, C, H, W)` tensor is `(1, C, H, W)`.
  public func slice(_ index: Int) -> Tensor {
    precondition(rank >= 1 && index >= 0 && index < shape[0], "slice \(index) of shape \(shape)")
    let size = count / shape[0]
    var newShape = shape
    newShape[0] = 1
    return Tensor(shape: newShape, storage: Array(storage[index * size..<(index + 1) * size]))
  }

  /// One channel of a rank-4 tensor as an `H × W` matrix (rank 2).
  public func plane(n: Int, c: Int) -> Tensor {
    precondition(rank == 4, "plane(n:c:) needs a rank-4 tensor, got \(shape)")
    let (h, w) = (shape[2], shape[3])
    let start = (n * shape[1] + c) * h * w
    return Tensor(shape: [h, w], storage: Array(storage[start..<start + h * w]))
  }

  /// The smallest and largest value (`(0, 0)` for an empty tensor).
  public var range: (min: Float, max: Float) {
    guard let first = storage.first else { return (0, 0) }
    var lo = first
    var hi = first
    for v in storage {
      lo = Swift.min(lo, v)
      hi = Swift.max(hi, v)
    }
    return (lo, hi)
  }

  /// The largest absolute elementwise difference to another tensor of the same shape.
  public func maxAbsDifference(_ other: Tensor) -> Float {
    precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
    var worst: Float = 0
    for (a, b) in zip(storage, other.storage) { worst = Swift.max(worst, abs(a - b)) }
    return worst
  }
}

extension Tensor {
  /// A tensor of independent normal samples, `mean + std·z`, drawn from `generator`.
  public static func randomNormal<G: RandomNumberGenerator>(
    shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout G
  ) -> Tensor {
    var t = Tensor(shape: shape)
    for i in 0..<t.count {
      t.storage[i] = mean + std * Float(generator.nextGaussian())
    }
    return t
  }

  /// A tensor of independent uniform samples in `[-bound, bound)`, drawn from `generator`.
  public static func randomUniform<G: RandomNumberGenerator>(
    shape: [Int], bound: Float, using generator: inout G
  ) -> Tensor {
    var t = Tensor(shape: shape)
    for i in 0..<t.count {
      t.storage[i] = Float.random(in: -bound..<bound, using: &generator)
    }
    return t
  }
}

extension Array {
  /// Removes elements from the end, or appends `value`, until there are `count`;
  /// removing keeps the capacity, so growing back within it allocates nothing.
  mutating func resize(to count: Int, filling value: Element) {
    if count < self.count {
      removeLast(self.count - count)
    } else if count > self.count {
      append(contentsOf: repeatElement(value, count: count - self.count))
    }
  }
}
