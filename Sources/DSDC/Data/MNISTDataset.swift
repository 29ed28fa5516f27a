import Foundation

/// The four IDX files of MNIST (or Fashion-MNIST, which uses the same names and
/// format) read from one folder: 60,000 training and 10,000 test images.
public struct MNISTDataset: Sendable {
  /// The folder the files were read from.
  public var directory: URL
  /// The training split.
  public var train: LabeledImages
  /// The test split.
  public var test: LabeledImages

  /// Magic number of an IDX image file: unsigned bytes, 3 dimensions.
  public static let imageMagic: UInt32 = 0x0000_0803
  /// Magic number of an IDX label file: unsigned bytes, 1 dimension.
  public static let labelMagic: UInt32 = 0x0000_0801
  /// Number of classes.
  public static let classes = 10

  /// The file names of one split, without `.gz`.
  public enum Split: String, Sendable, CaseIterable {
    case train
    case test

    /// e.g. `train-images-idx3-ubyte`.
    public var imageFile: String { self == .train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte" }
    /// e.g. `train-labels-idx1-ubyte`.
    public var labelFile: String { self == .train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte" }
  }

  /// Reads both splits from `directory`.
  public static func load(directory: URL) throws(MNISTError) -> MNISTDataset {
    MNISTDataset(
      directory: directory,
      train: try loadSplit(.train, directory: directory),
      test: try loadSplit(.test, directory: directory))
  }

  /// Reads one split, checking the header of each file, that it holds at least one
  /// image, that image and label counts agree, that every label is a class number,
  /// and (if `imageSize` is given) that the images are `imageSize`×`imageSize`, the
  /// size of the model that will see them.
  public static func loadSplit(_ split: Split, directory: URL, imageSize: Int? = nil) throws(MNISTError)
    -> LabeledImages
  {
    let imageURL = try locate(split.imageFile, in: directory)
    let labelURL = try locate(split.labelFile, in: directory)
    let images = try IDXFile.read(imageURL, expectedMagic: imageMagic)
    let labels = try IDXFile.read(labelURL, expectedMagic: labelMagic)
    let dims = images.dimensions
    guard dims.count == 3, dims[1] > 0, dims[2] > 0 else {
      throw .badDimensions(path: imageURL.path, dimensions: dims, reason: "an image file needs count × rows × columns")
    }
    guard dims[0] > 0 else {
      throw .badDimensions(path: imageURL.path, dimensions: dims, reason: "the split holds no images")
    }
    if let imageSize, dims[1] != imageSize || dims[2] != imageSize {
      throw .imageSize(path: imageURL.path, rows: dims[1], columns: dims[2], expected: imageSize)
    }
    guard labels.dimensions.count == 1 else {
      throw .badDimensions(
        path: labelURL.path, dimensions: labels.dimensions, reason: "a label file needs one dimension, the count")
    }
    guard dims[0] == labels.dimensions[0] else {
      throw .countMismatch(
        images: imageURL.path, imageCount: dims[0], labels: labelURL.path, labelCount: labels.dimensions[0])
    }
    if let bad = labels.data.firstIndex(where: { Int($0) >= classes }) {
      throw .badLabel(path: labelURL.path, index: bad, label: Int(labels.data[bad]), classes: classes)
    }
    return LabeledImages(count: dims[0], rows: dims[1], columns: dims[2], pixels: images.data, labels: labels.data)
  }

  /// The path of `name` or `name.gz` in `directory`, whichever exists (plain first).
  public static func locate(_ name: String, in directory: URL) throws(MNISTError) -> URL {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), isFolder.boolValue else {
      throw .missingDirectory(path: directory.path)
    }
    let plain = directory.appendingPathComponent(name)
    if FileManager.default.fileExists(atPath: plain.path) { return plain }
    let gz = directory.appendingPathComponent(name + ".gz")
    if FileManager.default.fileExists(atPath: gz.path) { return gz }
    throw .missingFile(path: plain.path)
  }
}
