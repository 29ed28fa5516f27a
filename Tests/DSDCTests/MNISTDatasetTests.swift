import CZlib
import DSDC
import Foundation
import Testing

/// Builds IDX bytes by hand from the format: 0x00 0x00, type 0x08, rank, big-endian dims, data.
func idxBytes(dimensions: [Int], data: [UInt8], magicOverride: UInt32? = nil) -> [UInt8] {
  var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
  if let m = magicOverride { bytes = [UInt8(m >> 24), UInt8(m >> 16 & 0xFF), UInt8(m >> 8 & 0xFF), UInt8(m & 0xFF)] }
  for d in dimensions {
    bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)]
  }
  return bytes + data
}

/// Writes bytes gzip-compressed through zlib.
func writeGzip(_ bytes: [UInt8], to url: URL) {
  let file = gzopen(url.path, "wb")!
  _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
  gzclose(file)
}

/// A tiny MNIST-like folder: `count` 2×3 images whose pixels are `image·10 + i`, labels `image % 10`.
func writeSyntheticDataset(in dir: URL, trainCount: Int = 4, testCount: Int = 3, gzip: Bool) throws {
  for (split, count) in [(MNISTDataset.Split.train, trainCount), (.test, testCount)] {
    let pixels = (0..<count).flatMap { n in (0..<6).map { UInt8(n * 10 + $0) } }
    let images = idxBytes(dimensions: [count, 2, 3], data: pixels)
    let labels = idxBytes(dimensions: [count], data: (0..<count).map { UInt8($0 % 10) }, magicOverride: 0x801)
    if gzip {
      writeGzip(images, to: dir.appendingPathComponent(split.imageFile + ".gz"))
      writeGzip(labels, to: dir.appendingPathComponent(split.labelFile + ".gz"))
    } else {
      try Data(images).write(to: dir.appendingPathComponent(split.imageFile))
      try Data(labels).write(to: dir.appendingPathComponent(split.labelFile))
    }
  }
}

@Suite("MNIST on the real files")
struct RealMNISTTests {
  static let dataset = Result { try MNISTDataset.load(directory: repositoryRoot.appendingPathComponent("Data/mnist")) }

  @Test func countsAndFirstLabelsMatchChecksumsFile() throws {
    let data = try Self.dataset.get()
    #expect(data.train.count == 60_000 && data.test.count == 10_000)
    #expect(data.train.rows == 28 && data.train.columns == 28)
    // CHECKSUMS.md: first training labels 5 0 4 1 9 2 1 3 1 4; first test labels 7 2 1 0 4 1 4 9 5 9.
    #expect(Array(data.train.labels.prefix(10)) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    #expect(Array(data.test.labels.prefix(10)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
  }

  @Test func classCountsMeanAndStdMatchChecksumsFile() throws {
    let data = try Self.dataset.get()
    let train = DatasetStatistics(data.train)
    let test = DatasetStatistics(data.test)
    #expect(train.classCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    #expect(test.classCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    // Training pixel mean 0.1307 and std 0.3081 (to four decimals).
    #expect(abs(train.mean - 0.1307) < 0.00005)
    #expect(abs(train.std - 0.3081) < 0.00005)
  }

  @Test func decompressedTestFilesMatchSHA256() throws {
    let dir = repositoryRoot.appendingPathComponent("Data/mnist")
    let sums = try Checksums.load(directory: dir)
    #expect(sums.sha256.count == 4)
    for name in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
      let magic = name.contains("images") ? MNISTDataset.imageMagic : MNISTDataset.labelMagic
      let file = try IDXFile.read(dir.appendingPathComponent(name + ".gz"), expectedMagic: magic)
      try sums.verify(file: name, bytes: file.header + file.data, path: name)
    }
  }

  @Test func checksumMismatchIsReported() throws {
    let sums = Checksums(markdown: "| a | 1 | x | \(String(repeating: "0", count: 64)) |")
    #expect(throws: MNISTError.self) { try sums.verify(file: "a", bytes: [1, 2, 3], path: "a") }
    // SHA-256 of the empty input (FIPS 180-4 test vector).
    #expect(Checksums.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }
}

@Suite("IDX reading on synthetic files", .removesTemporaryFolders)
struct SyntheticIDXTests {
  @Test(arguments: [false, true])
  func readsPlainAndGzip(gzip: Bool) throws {
    let dir = try makeTemporaryDirectory()
    try writeSyntheticDataset(in: dir, gzip: gzip)
    let data = try MNISTDataset.load(directory: dir)
    #expect(data.train.count == 4 && data.test.count == 3)
    #expect(data.train.rows == 2 && data.train.columns == 3)
    #expect(Array(data.train.image(2)) == [20, 21, 22, 23, 24, 25])
    #expect(data.test.labels == [0, 1, 2])
  }

  @Test func wrongMagicNamesFileAndBothNumbers() throws {
    let dir = try makeTemporaryDirectory()
    try writeSyntheticDataset(in: dir, gzip: false)
    // Swap: put label bytes where the image file should be.
    let labelBytes = try Data(contentsOf: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
    try labelBytes.write(to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
    #expect(
      throws: MNISTError.badMagic(
        path: dir.appendingPathComponent("t10k-images-idx3-ubyte").path,
        expected: 0x803, found: 0x801)
    ) {
      _ = try MNISTDataset.loadSplit(.test, directory: dir)
    }
  }

  @Test func dataShorterOrLongerThanHeaderIsRefused() throws {
    let dir = try makeTemporaryDirectory()
    let url = dir.appendingPathComponent("x")
    try Data(idxBytes(dimensions: [2, 2, 3], data: [UInt8](repeating: 1, count: 11))).write(to: url)
    #expect(throws: MNISTError.sizeMismatch(path: url.path, expected: 12, found: 11)) {
      _ = try IDXFile.read(url, expectedMagic: 0x803)
    }
    try Data(idxBytes(dimensions: [2, 2, 3], data: [UInt8](repeating: 1, count: 14))).write(to: url)
    #expect(throws: MNISTError.sizeMismatch(path: url.path, expected: 12, found: 14)) {
      _ = try IDXFile.read(url, expectedMagic: 0x803)
    }
  }

  @Test func hugeHeaderIsRefusedBeforeAllocating() throws {
    let dir = try makeTemporaryDirectory()
    let url = dir.appendingPathComponent("x")
    // 2³¹ − 1 images of 28×28 claimed by a 16-byte header.
    try Data(idxBytes(dimensions: [Int(Int32.max), 28, 28], data: [])).write(to: url)
    #expect(throws: MNISTError.self) { _ = try IDXFile.read(url, expectedMagic: 0x803) }
    do {
      _ = try IDXFile.read(url, expectedMagic: 0x803)
    } catch {
      guard case .tooLarge(_, _, let limit) = error else { Issue.record("expected tooLarge, got \(error)"); return }
      #expect(limit == IDXFile.defaultByteLimit)
    }
  }

  @Test func truncatedGzipIsReportedAsCorrupt() throws {
    let dir = try makeTemporaryDirectory()
    let url = dir.appendingPathComponent("x.gz")
    writeGzip(idxBytes(dimensions: [50, 28, 28], data: (0..<50 * 784).map { UInt8($0 % 251) }), to: url)
    let whole = try Data(contentsOf: url)
    try whole.prefix(whole.count / 2).write(to: url)
    #expect {
      _ = try IDXFile.read(url, expectedMagic: 0x803)
    } throws: { error in
      guard let e = error as? MNISTError else { return false }
      if case .corruptGzip = e { return true }
      if case .sizeMismatch = e { return true }
      return false
    }
  }

  @Test func labelCountDifferentFromImageCount() throws {
    let dir = try makeTemporaryDirectory()
    try writeSyntheticDataset(in: dir, gzip: false)
    try Data(idxBytes(dimensions: [2], data: [1, 2], magicOverride: 0x801))
      .write(to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
    #expect(throws: MNISTError.self) { _ = try MNISTDataset.loadSplit(.test, directory: dir) }
  }

  @Test func labelOutsideTenClasses() throws {
    let dir = try makeTemporaryDirectory()
    try writeSyntheticDataset(in: dir, gzip: false)
    try Data(idxBytes(dimensions: [3], data: [1, 12, 2], magicOverride: 0x801))
      .write(to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
    #expect(
      throws: MNISTError.badLabel(
        path: dir.appendingPathComponent("t10k-labels-idx1-ubyte").path,
        index: 1, label: 12, classes: 10)
    ) {
      _ = try MNISTDataset.loadSplit(.test, directory: dir)
    }
  }

  @Test func missingFolderAndMissingFile() throws {
    let dir = try makeTemporaryDirectory()
    let nowhere = dir.appendingPathComponent("nope")
    #expect(throws: MNISTError.missingDirectory(path: nowhere.path)) { _ = try MNISTDataset.load(directory: nowhere) }
    #expect(throws: MNISTError.missingFile(path: dir.appendingPathComponent("train-images-idx3-ubyte").path)) {
      _ = try MNISTDataset.load(directory: dir)
    }
  }

  @Test func errorDescriptionsAreOneLineWithHint() {
    let errors: [MNISTError] = [
      .missingDirectory(path: "/x"), .badMagic(path: "/x", expected: 0x803, found: 0x801),
      .sizeMismatch(path: "/x", expected: 1, found: 2), .corruptGzip(path: "/x", reason: "r"),
    ]
    for e in errors {
      #expect(!e.description.contains("\n"))
      #expect(e.description.contains("/x") && e.description.contains("HINT"))
    }
    #expect(MNISTError.badMagic(path: "/x", expected: 0x803, found: 0x801).description.contains("0x00000801"))
  }
}
