/// Maps 8-bit pixels to the network's input range with the dataset's mean and
/// standard deviation, in the order PyTorch's reference computes it:
/// ```
/// x = (p / 255 − μ) / σ
/// ```
/// Only 256 values are possible, so they are computed once into a table.
public struct Normalization: Sendable, Codable, Hashable {
  /// `μ`, the mean of all training pixels scaled to [0, 1].
  public var mean: Float
  /// `σ`, their standard deviation.
  public var std: Float

  /// MNIST's training-set statistics as everyone quotes them (the exact values are
  /// 0.13066 and 0.30811; see `DatasetStatistics`).
  public static let mnist = Normalization(mean: 0.1307, std: 0.3081)

  public init(mean: Float, std: Float) {
    precondition(std > 0, "Normalization std must be positive, got \(std)")
    self.mean = mean
    self.std = std
  }

  /// The statistics measured on a dataset split.
  public init(_ statistics: DatasetStatistics) {
    self.init(mean: Float(statistics.mean), std: Float(statistics.std))
  }

  /// `x` for each pixel value 0…255.
  public var table: [Float] {
    (0...255).map { p in (Float(p) / 255 - mean) / std }
  }

  /// The normalised value of a background (0) pixel.
  public var background: Float { (0 - mean) / std }

  /// Images `indices` of `images` as a normalised `(N, 1, rows, columns)` tensor
  /// (for evaluation and inference; training fills its reused batch buffer instead).
  public func tensor(_ images: LabeledImages, indices: Range<Int>) -> Tensor {
    let table = self.table
    var t = Tensor(shape: [indices.count, 1, images.rows, images.columns])
    images.pixels.withUnsafeBufferPointer { pixels in
      t.storage.withUnsafeMutableBufferPointer { x in
        let start = indices.lowerBound * images.imageSize
        for i in 0..<x.count { x[i] = table[Int(pixels[start + i])] }
      }
    }
    return t
  }
}
