import Foundation

/// Where a comparison keeps its finished runs and the run in progress, so that a stopped
/// `dsdc compare` (Ctrl-C, a closed laptop, a full budget spread over several sittings)
/// continues where it stopped and prints what an uninterrupted run would have printed.
///
/// ```
/// <folder>/runs/<key>/settings.json                 what the key stands for, to read
/// <folder>/runs/<key>/<variant>-seed<S>.json        a finished run (ComparisonRunRecord)
/// <folder>/runs/<key>/<variant>-seed<S>.safetensors its trained model
/// <folder>/runs/<key>/<variant>-seed<S>.checkpoint  the run in progress, after its last epoch
/// ```
/// `key` is the first 16 hex digits of the SHA-256 of everything that decides a run's
/// numbers except the network and the seed: the recipe (epochs, batch, optimiser,
/// schedule, augmentation, threads, training-set limit, normalisation), the test,
/// curve and field limits, the timing repetitions and the data's own SHA-256. Runs of
/// other settings sit under other keys and are never mixed in; a run of more seeds or
/// other networks at the same settings reuses the runs it shares.
public struct ComparisonRunStore: Sendable {
  /// `<folder>/runs/<key>`.
  public let directory: URL
  /// The settings' key.
  public let key: String
  /// The settings, as written to `settings.json`.
  let description: String

  /// The store of `settings` on `data` inside `folder` (nothing is written yet).
  public init(folder: URL, settings: ComparisonSettings, data: DatasetIdentity) {
    var recipe = settings.recipe
    recipe.seed = 0  // each run sets its own
    let fields: [(String, String)] = [
      ("recipe", TrainingState.encode(recipe)),
      ("curve_test_limit", settings.curveTestLimit.map(String.init) ?? "all"),
      ("test_limit", settings.testLimit.map(String.init) ?? "all"),
      ("field_images", String(settings.fieldImages)),
      ("timing_repeats", String(settings.timingRepeats)),
      ("data", "\(data.name) \(data.sha256)"),
    ]
    description = "{\n" + fields.map { "  \"\($0.0)\": \(Self.quoted($0.1))" }.joined(separator: ",\n") + "\n}\n"
    key = String(Checksums.sha256Hex(Array(description.utf8)).prefix(16))
    directory = folder.appendingPathComponent("runs").appendingPathComponent(key)
  }

  /// The file of the finished run of `variant` with `seed`.
  public func recordURL(_ variant: ComparisonVariant, seed: UInt64) -> URL {
    directory.appendingPathComponent("\(variant.rawValue)-seed\(seed).json")
  }

  /// The trained model of that run.
  public func modelURL(_ variant: ComparisonVariant, seed: UInt64) -> URL {
    directory.appendingPathComponent("\(variant.rawValue)-seed\(seed).safetensors")
  }

  /// The training state of that run while it is in progress (removed when it finishes).
  public func checkpointURL(_ variant: ComparisonVariant, seed: UInt64) -> URL {
    directory.appendingPathComponent("\(variant.rawValue)-seed\(seed).checkpoint")
  }

  /// Creates the folder and writes `settings.json`.
  public func prepare() throws {
    try OutputFolder.create(directory)
    try OutputFolder.writeAtomically(Data(description.utf8), to: directory.appendingPathComponent("settings.json"))
  }

  /// The finished run of `variant` with `seed`, or nil if there is none. A file that
  /// is there but does not read as that run's record is an error naming it.
  public func record(_ variant: ComparisonVariant, seed: UInt64) throws(ComparisonStoreError) -> ComparisonRunRecord? {
    let url = recordURL(variant, seed: seed)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let record: ComparisonRunRecord
    do {
      record = try JSONDecoder().decode(ComparisonRunRecord.self, from: Data(contentsOf: url))
    } catch {
      throw .damaged(path: url.path, reason: "it does not read as a finished run")
    }
    guard record.variant == variant.rawValue, record.seed == seed, record.field != nil,
      record.accuracy.isFinite, record.curve.allSatisfy(\.isFinite)
    else {
      throw .damaged(path: url.path, reason: "it does not hold \(variant.rawValue) seed \(seed)'s numbers")
    }
    return record
  }

  /// Keeps a finished run (atomically) and removes its training state.
  public func save(_ record: ComparisonRunRecord) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    guard let bytes = try? encoder.encode(record) else {
      throw ComparisonStoreError.damaged(path: directory.path, reason: "a run's numbers are not finite")
    }
    guard let variant = ComparisonVariant(rawValue: record.variant) else { return }
    try OutputFolder.writeAtomically(bytes, to: recordURL(variant, seed: record.seed))
    try? FileManager.default.removeItem(at: checkpointURL(variant, seed: record.seed))
  }

  /// Removes every kept run of these settings (`dsdc compare --fresh`).
  public func clear() throws {
    guard FileManager.default.fileExists(atPath: directory.path) else { return }
    do {
      try FileManager.default.removeItem(at: directory)
    } catch {
      throw OutputFolderError.notWritable(path: directory.path, reason: (error as NSError).localizedDescription)
    }
  }

  private static func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}

/// A kept run that cannot be used.
public enum ComparisonStoreError: Error, CustomStringConvertible, Equatable {
  /// The file at `path` is not the record it should be.
  case damaged(path: String, reason: String)

  public var description: String {
    switch self {
    case .damaged(let path, let reason):
      return "\(path): \(reason); delete it to train that run again, or run with --fresh to start every run again"
    }
  }
}
