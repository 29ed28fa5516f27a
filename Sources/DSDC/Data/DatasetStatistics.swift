/// Facts computed from the pixels and labels of a split.
public struct DatasetStatistics: Sendable, Equatable {
  /// Images per class, index = class.
  public var classCounts: [Int]
  /// Mean of all pixels scaled to [0, 1]: `μ = Σ x / (255 · count)`.
  public var mean: Double
  /// Population standard deviation of all pixels scaled to [0, 1]:
  /// ```
  /// σ = √( Σ (x/255)² / count − μ² )
  /// ```
  public var std: Double

  /// Computes the statistics in one pass, with exact integer sums.
  public init(_ images: LabeledImages, classes: Int = MNISTDataset.classes) {
    var counts = [Int](repeating: 0, count: classes)
    for label in images.labels { counts[Int(label)] += 1 }
    var sum: UInt64 = 0
    var sumOfSquares: UInt64 = 0
    for p in images.pixels {
      sum += UInt64(p)
      sumOfSquares += UInt64(p) * UInt64(p)
    }
    let n = Double(images.pixels.count)
    let mean = Double(sum) / 255 / n
    classCounts = counts
    self.mean = mean
    std = (Double(sumOfSquares) / (255 * 255) / n - mean * mean).squareRoot()
  }
}
