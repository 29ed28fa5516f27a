/// The standard input scaling of MNIST networks:
/// ```
/// x̂ = (x/255 − μ) / σ
/// ```
/// with μ and σ the mean and standard deviation of the training pixels scaled to
/// [0, 1] (0.1307 and 0.3081 for MNIST).
public struct Normalizer: Sendable, Equatable {
  /// μ, the mean of training pixels scaled to [0, 1].
  public var mean: Float
  /// σ, their standard deviation.
  public var std: Float

  /// MNIST's published values, as in every PyTorch MNIST example.
  public static let mnist = Normalizer(mean: 0.1307, std: 0.3081)

  public init(mean: Float, std: Float) {
    precondition(std > 0, "Normalizer needs a positive std, got \(std)")
    self.mean = mean
    self.std = std
  }

  /// The statistics of a training split.
  public init(_ statistics: DatasetStatistics) {
    self.init(mean: Float(statistics.mean), std: Float(statistics.std))
  }

  /// One pixel.
  @inlinable
  public func normalize(_ pixel: UInt8) -> Float {
    (Float(pixel) / 255 - mean) / std
  }

  /// A whole image, as a `(1, 1, rows, columns)` tensor.
  public func tensor(_ pixels: ArraySlice<UInt8>, rows: Int, columns: Int) -> Tensor {
    Tensor(shape: [1, 1, rows, columns], storage: pixels.map(normalize))
  }
}
