import Foundation

/// The two files a training run keeps up to date after every epoch:
///
/// - `model.safetensors`: exactly the PyTorch module's `state_dict()` (names, OIHW
///   float32 shapes, and each BatchNorm's int64 `num_batches_tracked`), so
///   `model.load_state_dict(load_file(path))` works with `strict=True`;
/// - `checkpoint.safetensors`: the same tensors plus the optimiser's moments
///   (`optimizer.*`), with the generator, counters, recipe and history in the
///   metadata, so `dsdc train --resume` continues bit for bit.
///
/// Both carry `__metadata__` with the model configuration, the recipe and the
/// latest test accuracy. Both are written atomically.
public enum TrainingCheckpoint {
  /// Weights only, loadable in PyTorch.
  public static let modelFileName = "model.safetensors"
  /// Complete training state, for `--resume`.
  public static let stateFileName = "checkpoint.safetensors"
  /// Metadata key of the latest test accuracy (a fraction, e.g. `0.9943`).
  public static let testAccuracyKey = "dsdc.test_accuracy"

  /// Writes the weights-only file.
  public static func saveModel(_ model: DSDCNet, steps: Int, metadata: [String: String], to url: URL)
    throws(CheckpointError)
  {
    var file = SafetensorsFile(metadata: metadata.merging(["format": "pt"]) { a, _ in a })
    for (name, tensor) in model.namedTensors() { file.append(name, tensor) }
    for bn in model.batchNorms {
      file.append(bn.name + DSDCNet.ignoredTensorSuffix, shape: [], values: .i64([Int64(steps)]))
    }
    try file.write(to: url)
  }

  /// Writes the complete training state.
  public static func saveState(_ state: TrainingState, metadata extra: [String: String] = [:], to url: URL)
    throws(CheckpointError)
  {
    var file = SafetensorsFile(metadata: state.metadata.merging(extra) { a, _ in a })
    for (name, tensor) in state.tensors { file.append(name, tensor) }
    try file.write(to: url)
  }

  /// Reads a training state written by `saveState` (or any dsdc checkpoint).
  public static func loadState(from url: URL) throws(CheckpointError) -> TrainingState {
    let file = try SafetensorsFile(contentsOf: url)
    var tensors: [(name: String, tensor: Tensor)] = []
    for entry in file.entries {
      if entry.name.hasSuffix(DSDCNet.ignoredTensorSuffix) { continue }
      guard case .f32(let values) = entry.values else {
        throw .wrongDType(path: url.path, name: entry.name, expected: .f32, found: entry.dtype)
      }
      tensors.append((entry.name, Tensor(shape: entry.shape, storage: values)))
    }
    let state = TrainingState(tensors: tensors, metadata: file.metadata)
    if let (name, reason) = state.firstImpossibleValue() {
      throw .impossibleValue(path: url.path, name: name, reason: reason)
    }
    return state
  }

  /// The input normalisation recorded in a checkpoint's recipe (MNIST's if absent).
  public static func normalization(from metadata: [String: String]) -> Normalization {
    guard let text = metadata[TrainingState.Key.recipe],
      let recipe = try? JSONDecoder().decode(TrainingRecipe.self, from: Data(text.utf8))
    else { return .mnist }
    return recipe.normalization
  }

  /// A model ready for inference from either file: the configuration from the
  /// metadata (the default DSDC-Net if absent), every tensor checked by name and shape.
  public static func loadModel(from url: URL) throws(CheckpointError) -> (model: DSDCNet, metadata: [String: String]) {
    let state = try loadState(from: url)
    let config: DSDCNetConfig
    do {
      config = state.metadata[TrainingState.Key.config] != nil ? try state.config() : DSDCNetConfig()
      // The recipe is read for the input normalisation: it must pass the same checks.
      if state.metadata[TrainingState.Key.recipe] != nil { _ = try state.recipe() }
    } catch {
      guard case .badState(let reason) = error else {
        throw .invalidMetadata(path: url.path, reason: error.description)
      }
      throw .invalidMetadata(path: url.path, reason: reason)
    }
    var scratch = SeededGenerator(seed: 0)
    let model = DSDCNet(config: config, using: &scratch)
    do {
      try model.load(namedTensors: state.tensors.filter { !$0.name.hasPrefix(OptimizerState.prefix) })
    } catch {
      switch error {
      case .missingTensor(let name): throw .missingTensor(path: url.path, name: name)
      case .unexpectedTensor(let name), .duplicateTensor(let name): throw .unexpectedTensor(path: url.path, name: name)
      case .shapeMismatch(let name, let expected, let found):
        throw .shapeMismatch(path: url.path, name: name, expected: expected, found: found)
      case .invalidConfig(let reason): throw .invalidMetadata(path: url.path, reason: reason)
      }
    }
    return (model, state.metadata)
  }
}
