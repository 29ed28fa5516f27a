import ArgumentParser
import DSDC
import Foundation

/// `dsdc data`: what was loaded, and optionally a checksum verification.
struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data", abstract: "Show the dataset dsdc reads, and verify it against CHECKSUMS.md.")

  @OptionGroup var dataOption: DataOption

  @Flag(name: .long, help: "Check the SHA-256 of each decompressed file against the folder's CHECKSUMS.md.")
  var verify = false

  /// `--data DIR` if given, for the printed commands.
  var dataArguments: [String] { dataOption.data.map { ["--data", $0] } ?? [] }

  func run() throws {
    let data = try dataOption.locate()
    let directory = data.directory
    DataOption.announce(data)
    var splits: [(split: MNISTDataset.Split, images: LabeledImages)] = []
    for split in MNISTDataset.Split.allCases {
      let images = try MNISTDataset.loadSplit(split, directory: directory)
      let stats = DatasetStatistics(images)
      splits.append((split, images))
      emit("")
      emit("\(split.rawValue): \(images.count) images of \(images.rows)×\(images.columns) pixels")
      let classes = stats.classCounts.count
      emit("  per class (0–\(classes - 1)): " + stats.classCounts.map(String.init).joined(separator: ", "))
      emit(
        "  pixel mean \(String(format: "%.4f", stats.mean)), std \(String(format: "%.4f", stats.std)) (pixels scaled to [0, 1])"
      )
    }
    // Both splits must hold images of the size DSDC-Net takes (and so of one size).
    for (split, images) in splits {
      try MNISTDataset.checkImageSize(images, split: split, directory: directory, expected: DSDCNetConfig().imageSize)
    }
    guard verify else {
      emit("")
      emit("Verify the files byte for byte with:")
      emit("  " + hintCommand(["data", "--verify"] + dataArguments))
      return
    }
    let sums = try Checksums.load(directory: directory)
    emit("")
    for split in MNISTDataset.Split.allCases {
      for (name, magic) in [(split.imageFile, MNISTDataset.imageMagic), (split.labelFile, MNISTDataset.labelMagic)] {
        let url = try MNISTDataset.locate(name, in: directory)
        let file = try IDXFile.read(url, expectedMagic: magic)
        try sums.verify(file: name, bytes: file.header + file.data, path: url.path)
        emit("  ✓ \(name): SHA-256 \(sums.sha256[name]!) matches CHECKSUMS.md")
      }
    }
  }
}
