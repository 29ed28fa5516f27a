/// A set of same-sized 8-bit grayscale images with one class label each —
/// one split (train or test) of MNIST or an MNIST-like dataset.
public struct LabeledImages: Sendable, Equatable {
  /// Number of images.
  public var count: Int
  /// Image height (28 for MNIST).
  public var rows: Int
  /// Image width (28 for MNIST).
  public var columns: Int
  /// All pixels, image after image, each row-major; 0 = background, 255 = ink.
  public var pixels: [UInt8]
  /// The class of each image, `0..<10`.
  public var labels: [UInt8]

  public init(count: Int, rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
    precondition(
      pixels.count == count * rows * columns && labels.count == count,
      "LabeledImages: \(pixels.count) pixels and \(labels.count) labels for \(count) images of \(rows)×\(columns)")
    self.count = count
    self.rows = rows
    self.columns = columns
    self.pixels = pixels
    self.labels = labels
  }

  /// Pixels in one image, `rows · columns`.
  public var imageSize: Int { rows * columns }

  /// The pixels of image `index`, row-major.
  public func image(_ index: Int) -> ArraySlice<UInt8> {
    precondition(index >= 0 && index < count, "image \(index) is outside 0..<\(count)")
    return pixels[index * imageSize..<(index + 1) * imageSize]
  }

  /// Image `index` as a `(1, 1, rows, columns)` tensor of raw values 0…255.
  public func rawTensor(_ index: Int) -> Tensor {
    Tensor(shape: [1, 1, rows, columns], storage: image(index).map(Float.init))
  }

  /// The first `limit` images (all if `limit` is nil or larger than `count`).
  public func prefix(_ limit: Int?) -> LabeledImages {
    guard let limit, limit < count else { return self }
    return LabeledImages(
      count: limit, rows: rows, columns: columns,
      pixels: Array(pixels[0..<limit * imageSize]), labels: Array(labels[0..<limit]))
  }
}
