import Foundation

/// Everything needed to continue a run exactly where it stopped (at the end of an
/// epoch): the model's tensors, the optimiser's moments, the random generator, the
/// counters, the recipe and the model configuration.
///
/// It is shaped for a safetensors file: `tensors` are the model's `state_dict`
/// tensors followed by `optimizer.<parameter>.<state>` tensors, and `metadata` is a
/// string-to-string map:
/// ```
/// dsdc.format    training-state-1
/// dsdc.epoch     epochs finished          dsdc.step   optimisation steps finished
/// dsdc.rng       the generator's four state words, hexadecimal, comma-separated
/// dsdc.recipe    TrainingRecipe as JSON   dsdc.config DSDCNetConfig as JSON
/// dsdc.history   [EpochSummary] as JSON
/// dsdc.steps     the run's steps.csv so far (written by `TrainingSession`; optional)
/// ```
public struct TrainingState: Sendable {
  /// Model tensors (`state_dict` names) then optimiser tensors (`optimizer.` names).
  public var tensors: [(name: String, tensor: Tensor)]
  /// Counters, generator, recipe, configuration and history as strings.
  public var metadata: [String: String]

  public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The value of `dsdc.format`.
  public static let format = "training-state-1"

  /// Metadata keys.
  public enum Key {
    public static let format = "dsdc.format"
    public static let epoch = "dsdc.epoch"
    public static let step = "dsdc.step"
    public static let generator = "dsdc.rng"
    public static let recipe = "dsdc.recipe"
    public static let config = "dsdc.config"
    public static let history = "dsdc.history"
    /// The per-step record, as the text of `steps.csv` (see `StepLog`).
    public static let steps = "dsdc.steps"
  }

  /// The recipe stored in the metadata, checked with the command line's rules.
  public func recipe() throws(TrainingError) -> TrainingRecipe {
    let recipe = try decode(TrainingRecipe.self, Key.recipe)
    do { try recipe.validate() } catch {
      if case .badData(let reason) = error { throw .badState(reason: "metadata \(Key.recipe): \(reason)") }
      throw error
    }
    return recipe
  }

  /// The model configuration stored in the metadata, checked against
  /// `DSDCNetConfigLimits` before any model is built from it.
  public func config() throws(TrainingError) -> DSDCNetConfig {
    let config = try decode(DSDCNetConfig.self, Key.config)
    do { try config.validate() } catch {
      if case .invalidConfig(let reason) = error { throw .badState(reason: "metadata \(Key.config): \(reason)") }
      throw .badState(reason: error.description)
    }
    return config
  }

  /// The trained model alone (for evaluation or inference): built from `dsdc.config`
  /// and loaded with the model tensors; optimiser tensors are ignored. Needs only the
  /// `dsdc.config` metadata, so a weights-only file works too.
  public func makeModel() throws(TrainingError) -> DSDCNet {
    var scratch = SeededGenerator(seed: 0)
    let model = DSDCNet(config: try config(), using: &scratch)
    do {
      try model.load(namedTensors: tensors.filter { !$0.name.hasPrefix(OptimizerState.prefix) })
    } catch {
      throw .badState(reason: error.description)
    }
    return model
  }

  /// The epochs the saved run has finished (`dsdc.epoch`).
  public func epochsFinished() throws(TrainingError) -> Int { try integer(Key.epoch) }

  func value(_ key: String) throws(TrainingError) -> String {
    guard let value = metadata[key] else { throw .badState(reason: "metadata \(key) is missing") }
    return value
  }

  func integer(_ key: String) throws(TrainingError) -> Int {
    let text = try value(key)
    guard let number = Int(text), number >= 0 else {
      throw .badState(reason: "metadata \(key) = \(text) is not a count")
    }
    return number
  }

  func decode<T: Decodable>(_ type: T.Type, _ key: String) throws(TrainingError) -> T {
    let text = try value(key)
    do {
      return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    } catch {
      throw .badState(reason: "metadata \(key) does not decode: \(error)")
    }
  }

  static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // Encoding these plain value types cannot fail.
    guard let data = try? encoder.encode(value) else { return "" }
    return String(decoding: data, as: UTF8.self)
  }
}

extension Trainer {
  /// The complete state after the last finished epoch (take it between epochs, e.g.
  /// from the `.epochEnded` event).
  public func state() -> TrainingState {
    let words = generator.stateWords.map { String($0, radix: 16) }.joined(separator: ",")
    let metadata = [
      TrainingState.Key.format: TrainingState.format,
      TrainingState.Key.epoch: String(epoch),
      TrainingState.Key.step: String(step),
      TrainingState.Key.generator: words,
      TrainingState.Key.recipe: TrainingState.encode(recipe),
      TrainingState.Key.config: TrainingState.encode(model.config),
      TrainingState.Key.history: TrainingState.encode(history),
    ]
    return TrainingState(tensors: model.namedTensors() + optimizer.namedState(), metadata: metadata)
  }

  /// A trainer that continues the run saved in `state`: training on from here gives
  /// the very weights and metrics the uninterrupted run would have.
  ///
  /// Two settings may change: `epochs` (a larger total trains further; the schedule
  /// is recomputed over the new total from the current step on, so the rest of the
  /// run differs from both the original and a fresh run of that length) and
  /// `threads` (bit-identical continuation needs the same count).
  public convenience init(
    resuming state: TrainingState, epochs: Int? = nil, threads: Int? = nil
  ) throws(TrainingError) {
    guard state.metadata[TrainingState.Key.format] == TrainingState.format else {
      throw .badState(
        reason:
          "metadata \(TrainingState.Key.format) is \(state.metadata[TrainingState.Key.format] ?? "missing"), expected \(TrainingState.format)"
      )
    }
    var recipe = try state.recipe()
    let finished = try state.integer(TrainingState.Key.epoch)
    let step = try state.integer(TrainingState.Key.step)
    guard finished <= recipe.epochs, step <= finished * (RecipeLimits.trainLimit.upperBound / 2 + 1) else {
      throw .badState(
        reason: "metadata says \(finished) epoch(s) and \(step) step(s) of a \(recipe.epochs)-epoch recipe")
    }
    if let epochs {
      guard RecipeLimits.epochs.contains(epochs), epochs >= finished else {
        let range = "\(finished)…\(RecipeLimits.epochs.upperBound)"
        throw .badState(reason: "the run has finished \(finished) epoch(s); --epochs \(epochs) must be \(range)")
      }
      recipe.epochs = epochs
    }
    if let threads {
      guard RecipeLimits.threads.contains(threads) else {
        throw .badState(reason: "threads must be 1…64, got \(threads)")
      }
      recipe.threads = threads
    }
    let words = try state.value(TrainingState.Key.generator).split(separator: ",").compactMap { UInt64($0, radix: 16) }
    guard words.count == 4, words.contains(where: { $0 != 0 }) else {
      throw .badState(reason: "metadata \(TrainingState.Key.generator) is not four hexadecimal words")
    }
    let model = try state.makeModel()
    self.init(model: model, recipe: recipe, generator: SeededGenerator(state: words))
    var optimizerTensors: [String: Tensor] = [:]
    for (name, tensor) in state.tensors where name.hasPrefix(OptimizerState.prefix) { optimizerTensors[name] = tensor }
    try optimizer.load(namedState: optimizerTensors)
    restoreProgress(
      epoch: finished, step: step,
      generator: SeededGenerator(state: words),
      history: try state.decode([EpochSummary].self, TrainingState.Key.history))
  }
}
