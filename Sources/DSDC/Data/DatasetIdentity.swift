/// Which data a run trained on, recorded in its checkpoints so that `dsdc evaluate`
/// scores the model on the right test set and `--resume` refuses other data:
///
/// | key                   | value                                                           |
/// |-----------------------|-----------------------------------------------------------------|
/// | `dsdc.dataset`        | `mnist`, `fashion-mnist` (recognised by the test labels) or `other` |
/// | `dsdc.dataset_sha256` | SHA-256 of the four arrays' SHA-256s (train pixels, train labels, test pixels, test labels) |
///
/// The checksum covers both whole splits as loaded, whatever `--train-limit` uses.
public struct DatasetIdentity: Sendable, Equatable {
  /// The metadata keys.
  public enum Key {
    public static let dataset = "dsdc.dataset"
    public static let sha256 = "dsdc.dataset_sha256"
  }

  /// `KnownDataset.rawValue`, or `other`.
  public var name: String
  /// Lowercase hex SHA-256 over both splits.
  public var sha256: String

  public init(name: String, sha256: String) {
    self.name = name
    self.sha256 = sha256
  }

  /// The identity of the data in `train` and `test`.
  public init(train: LabeledImages, test: LabeledImages) {
    let parts = [train.pixels, train.labels, test.pixels, test.labels].map(Checksums.sha256Hex)
    name = KnownDataset.identify(test: test)?.rawValue ?? "other"
    sha256 = Checksums.sha256Hex(Array(parts.joined(separator: ",").utf8))
  }

  /// The identity recorded in a checkpoint's metadata (nil for checkpoints written
  /// before it was recorded).
  public init?(metadata: [String: String]) {
    guard let name = metadata[Key.dataset], let sha256 = metadata[Key.sha256] else { return nil }
    self.init(name: name, sha256: sha256)
  }

  /// The dataset, if dsdc knows it.
  public var known: KnownDataset? { KnownDataset(rawValue: name) }

  /// E.g. `MNIST (SHA-256 3f2a9c…)`.
  public var title: String { "\(known?.title ?? "unrecognised data") (SHA-256 \(sha256.prefix(12))…)" }

  /// The entries to merge into a checkpoint's metadata.
  public var entries: [String: String] { [Key.dataset: name, Key.sha256: sha256] }
}
