/// The datasets dsdc recognises by content, so that a model is never scored on a test
/// set of another task (a clothing classifier on digits gives a meaningless ~10%).
///
/// A test split is recognised by the SHA-256 of its label bytes (the 10,000 labels
/// after the IDX header; the same whether the file is gzipped or not):
///
/// | dataset | SHA-256 of the test labels |
/// |---|---|
/// | MNIST | `ddeff807…852ff5` |
/// | Fashion-MNIST | `3d0e6c6e…ade01e9` |
///
/// Any other data (a subset, your own digits) is not recognised, and not refused.
public enum KnownDataset: String, Sendable, CaseIterable {
  case mnist = "mnist"
  case fashionMNIST = "fashion-mnist"

  /// The name people know it by.
  public var title: String {
    switch self {
    case .mnist: return "MNIST"
    case .fashionMNIST: return "Fashion-MNIST"
    }
  }

  /// SHA-256 of the label bytes of the 10,000-image test split.
  var testLabelsSHA256: String {
    switch self {
    case .mnist: return "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"
    case .fashionMNIST: return "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9"
    }
  }

  /// The dataset whose test split `test` is, if dsdc knows it.
  public static func identify(test: LabeledImages) -> KnownDataset? {
    guard test.count == 10_000 else { return nil }
    let digest = Checksums.sha256Hex(test.labels)
    return allCases.first { $0.testLabelsSHA256 == digest }
  }
}
