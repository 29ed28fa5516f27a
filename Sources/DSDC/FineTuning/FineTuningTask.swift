import Foundation

/// A new task for a trained DSDC-Net: a 10-class dataset in MNIST's IDX format, its
/// class names, and where to find it.
///
/// ```swift
/// let task = FineTuningTask.fashionMNIST
/// let data = try task.load(directory: task.resolve(option: nil))   // 60,000 + 10,000 images
/// task.classNames[9]                                               // "Ankle boot"
/// ```
public struct FineTuningTask: Sendable, Hashable {
  /// Short name recorded in checkpoints, e.g. `fashion-mnist`.
  public var name: String
  /// The name people know it by, e.g. `Fashion-MNIST`.
  public var title: String
  /// One name per class, by label.
  public var classNames: [String]
  /// Where the Debian package installs it.
  public var defaultDirectory: String
  /// The environment variable that points at another folder.
  public var environmentVariable: String
  /// The Debian package that installs the files.
  public var aptPackage: String
  /// How `dsdc predict` frames a picture for this task, as the dataset's own were made.
  public var framing: DigitPreprocessor.Framing

  /// Zalando's Fashion-MNIST: 28×28 gray pictures of clothing, 60,000 for training
  /// and 10,000 for testing, in MNIST's file names and format.
  public static let fashionMNIST = FineTuningTask(
    name: "fashion-mnist", title: "Fashion-MNIST",
    classNames: [
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ],
    defaultDirectory: "/usr/share/datasets/fashion-mnist", environmentVariable: "DSDC_FINETUNE_DATA",
    aptPackage: "dataset-fashion-mnist", framing: .object)

  /// Every task dsdc knows.
  public static let all = [fashionMNIST]

  /// The task recorded under `name` in a checkpoint, if dsdc knows it.
  public static func named(_ name: String) -> FineTuningTask? { all.first { $0.name == name } }

  /// The folder to read: an explicit option, else the environment variable, else the default.
  public func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    URL(fileURLWithPath: option ?? environment[environmentVariable] ?? defaultDirectory)
  }

  /// Reads one split (of `imageSize`×`imageSize` images, if given); a missing folder
  /// or file becomes one line saying how to install it.
  public func loadSplit(_ split: MNISTDataset.Split, directory: URL, imageSize: Int? = nil) throws -> LabeledImages {
    do {
      return try MNISTDataset.loadSplit(split, directory: directory, imageSize: imageSize)
    } catch .missingDirectory, .missingFile {
      throw FineTuningError.datasetMissing(task: title, path: directory.path, aptPackage: aptPackage)
    }
  }
}
