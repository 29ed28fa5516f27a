import Foundation

/// What a fine-tuned checkpoint says about itself beyond an ordinary training run's
/// metadata: where it came from and what its classes are. Stored as strings in the
/// safetensors `__metadata__`:
///
/// | key                        | value                                            |
/// |----------------------------|--------------------------------------------------|
/// | `dsdc.parent`              | path of the checkpoint it was fine-tuned from    |
/// | `dsdc.parent_sha256`       | SHA-256 of that file's bytes                     |
/// | `dsdc.task`                | task name, e.g. `fashion-mnist`                  |
/// | `dsdc.class_names`         | JSON array of the class names, by label          |
/// | `dsdc.finetune_strategy`   | a `FineTuningStrategy` raw value, e.g. `full`    |
public struct FineTuningMetadata: Sendable, Equatable {
  /// The metadata keys.
  public enum Key {
    public static let parent = "dsdc.parent"
    public static let parentSHA256 = "dsdc.parent_sha256"
    public static let task = "dsdc.task"
    public static let classNames = "dsdc.class_names"
    public static let strategy = "dsdc.finetune_strategy"
  }

  /// Path of the parent checkpoint.
  public var parent: String
  /// Lowercase hex SHA-256 of the parent file.
  public var parentSHA256: String
  /// The task's name (`FineTuningTask.name`).
  public var task: String
  /// Class names, by label.
  public var classNames: [String]
  /// How the parent was fine-tuned.
  public var strategy: FineTuningStrategy

  public init(parent: String, parentSHA256: String, task: String, classNames: [String], strategy: FineTuningStrategy) {
    self.parent = parent
    self.parentSHA256 = parentSHA256
    self.task = task
    self.classNames = classNames
    self.strategy = strategy
  }

  /// Reads the keys back from a checkpoint's metadata; nil unless all are present and valid.
  public init?(_ metadata: [String: String]) {
    guard let parent = metadata[Key.parent], let sha = metadata[Key.parentSHA256], let task = metadata[Key.task],
      let names = Self.classNames(from: metadata),
      let strategy = metadata[Key.strategy].flatMap(FineTuningStrategy.init(rawValue:))
    else { return nil }
    self.init(parent: parent, parentSHA256: sha, task: task, classNames: names, strategy: strategy)
  }

  /// The entries to merge into a checkpoint's metadata.
  public var entries: [String: String] {
    let names = (try? JSONEncoder().encode(classNames)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    return [
      Key.parent: parent, Key.parentSHA256: parentSHA256, Key.task: task, Key.classNames: names,
      Key.strategy: strategy.rawValue,
    ]
  }

  /// The class names recorded in any checkpoint's metadata (nil for MNIST models,
  /// whose classes are the digits themselves).
  public static func classNames(from metadata: [String: String]) -> [String]? {
    guard let text = metadata[Key.classNames],
      let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    else { return nil }
    return names
  }

  /// The task a checkpoint was fine-tuned for, if it names one dsdc knows.
  public static func task(from metadata: [String: String]) -> FineTuningTask? {
    metadata[Key.task].flatMap(FineTuningTask.named)
  }
}
