// Fuzz target `metadata`: a checkpoint's `dsdc.config` and `dsdc.recipe` JSON, read the
// way a checkpoint is (TrainingState.config() and .recipe(): decode, then the same
// checks as the command line). A value that passes must be safe to use: its
// arithmetic cannot overflow, its schedule gives finite positive rates, and a small
// configuration builds a model that runs on one image. A refusal must name the key.
// Built into module DSDC by scripts/fuzz.sh; not part of the package.

@_cdecl("LLVMFuzzerTestOneInput")
public func metadataFuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  let input = bytes.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
  let text = String(decoding: input, as: UTF8.self)
  let state = TrainingState(tensors: [], metadata: [TrainingState.Key.config: text, TrainingState.Key.recipe: text])

  do {
    let config = try state.config()
    // Every size along the way is at least 1, and the parameter count is bounded.
    for index in 0...config.blocks.count where config.featureSize(beforeBlock: index) < 1 {
      fatalError("a validated configuration shrinks to nothing before block \(index + 1): \(text)")
    }
    if config.blocks.map(\.channels).max()! <= 64 && config.stemChannels <= 64 && config.imageSize <= 32
      && config.blocks.count <= 4
    {
      var generator = SeededGenerator(seed: 1)
      let model = DSDCNet(config: config, using: &generator)
      let logits = model.logits(input: Tensor(shape: model.inputShape(batch: 1)))
      guard logits.storage.count == config.classes else {
        fatalError("logits \(logits.shape) for \(config.classes) classes")
      }
    }
  } catch {
    guard error.description.contains(TrainingState.Key.config) else {
      fatalError("a refused configuration's error does not name \(TrainingState.Key.config): \(error)")
    }
  }

  do {
    let recipe = try state.recipe()
    let steps = recipe.stepsPerEpoch(trainingImages: recipe.trainLimit ?? 60_000)
    let (total, overflow) = steps.multipliedReportingOverflow(by: recipe.epochs)
    guard !overflow, total > 0 else { fatalError("steps overflow or vanish: \(steps) × \(recipe.epochs)") }
    for step in [0, total / 2, total - 1] {
      let rate = recipe.schedule.learningRate(step: step, totalSteps: total, peak: recipe.learningRate)
      guard rate.isFinite, rate >= 0 else { fatalError("rate \(rate) at step \(step) of \(total): \(text)") }
    }
    guard recipe.normalization.table.allSatisfy(\.isFinite) else {
      fatalError("normalisation table not finite: \(text)")
    }
  } catch {
    guard error.description.contains(TrainingState.Key.recipe) else {
      fatalError("a refused recipe's error does not name \(TrainingState.Key.recipe): \(error)")
    }
  }
  return 0
}
