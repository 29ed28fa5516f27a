/// What can go wrong reading a dataset from disk. Each description is one line that
/// names the file and says what to do.
public enum MNISTError: Error, CustomStringConvertible, Equatable {
  /// The data folder does not exist.
  case missingDirectory(path: String)
  /// One of the four IDX files is missing (neither `name` nor `name.gz` exists).
  case missingFile(path: String)
  /// The file could not be opened or read.
  case unreadable(path: String, reason: String)
  /// The gzip stream is corrupt or ends early.
  case corruptGzip(path: String, reason: String)
  /// The first four bytes are not the IDX magic number expected for this file.
  case badMagic(path: String, expected: UInt32, found: UInt32)
  /// The header's dimensions are not those of 28×28-style image or label files.
  case badDimensions(path: String, dimensions: [Int], reason: String)
  /// The data is shorter or longer than the dimensions say.
  case sizeMismatch(path: String, expected: Int, found: Int)
  /// The header claims more data than dsdc is willing to allocate.
  case tooLarge(path: String, bytes: Int, limit: Int)
  /// The label file and the image file hold different numbers of items.
  case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
  /// A label is outside `0..<classes`.
  case badLabel(path: String, index: Int, label: Int, classes: Int)
  /// The images are not the size the model takes (`expected`×`expected`).
  case imageSize(path: String, rows: Int, columns: Int, expected: Int)
  /// A file's SHA-256 differs from `CHECKSUMS.md`.
  case checksumMismatch(path: String, expected: String, found: String)
  /// `CHECKSUMS.md` is missing or has no sum for a file.
  case noChecksum(path: String, file: String)

  public var description: String {
    let fix =
      "HINT: copy the four MNIST IDX files (with CHECKSUMS.md) into Data/mnist, or point --data / DSDC_DATA at a folder that has them"
    switch self {
    case .missingDirectory(let path):
      return "data folder \(path) does not exist — \(fix)"
    case .missingFile(let path):
      return "\(path) (or \(path).gz) is missing — \(fix)"
    case .unreadable(let path, let reason):
      return "cannot read \(path): \(reason) — HINT: check the file's permissions"
    case .corruptGzip(let path, let reason):
      return "\(path) is not a valid gzip file (\(reason)) — HINT: the file is truncated or damaged; copy it again"
    case .badMagic(let path, let expected, let found):
      return
        "\(path) is not the expected IDX file: magic number 0x\(hex(found)), expected 0x\(hex(expected)) — HINT: check that image and label files were not swapped or renamed"
    case .badDimensions(let path, let dimensions, let reason):
      return
        "\(path) has IDX dimensions \(dimensions): \(reason) — HINT: dsdc reads MNIST-style files (N×28×28 images, N labels)"
    case .sizeMismatch(let path, let expected, let found):
      return
        "\(path) holds \(found) data bytes but its header promises \(expected) — HINT: the file is truncated or damaged; copy it again"
    case .tooLarge(let path, let bytes, let limit):
      return
        "\(path) claims \(bytes) data bytes, more than the limit of \(limit) — HINT: the header is damaged; MNIST-style files are far smaller"
    case .countMismatch(let images, let imageCount, let labels, let labelCount):
      return
        "\(images) has \(imageCount) images but \(labels) has \(labelCount) labels — HINT: the two files must come from the same split of one dataset"
    case .badLabel(let path, let index, let label, let classes):
      return
        "\(path): label \(label) at index \(index) is outside 0…\(classes - 1) — HINT: the file is damaged or not a 10-class dataset"
    case .imageSize(let path, let rows, let columns, let expected):
      return
        "\(path) holds images of \(rows)×\(columns) pixels, but the model takes \(expected)×\(expected) — HINT: both splits must hold images of the model's size; check --data"
    case .checksumMismatch(let path, let expected, let found):
      return
        "\(path): SHA-256 \(found) differs from CHECKSUMS.md's \(expected) — HINT: the file is damaged; copy it again"
    case .noChecksum(let path, let file):
      return "\(path) lists no SHA-256 for \(file) — HINT: checksums are known for the original MNIST files only"
    }
  }
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
