import Foundation

/// What the comparison measures, and how much of it.
public struct ComparisonSettings: Sendable, Equatable {
  /// The networks compared, in table order.
  public var variants: [ComparisonVariant]
  /// One training run per variant and seed; the recipe's own seed is replaced.
  public var seeds: [UInt64]
  /// The recipe every variant trains with (epochs, batch, training-set limit, threads).
  public var recipe: TrainingRecipe
  /// Test images evaluated after each epoch for the learning curves; nil: all of them.
  public var curveTestLimit: Int?
  /// Test images the final accuracy is measured on (the first ones); nil: all of them.
  public var testLimit: Int?
  /// Test digits the effective receptive field is averaged over.
  public var fieldImages: Int
  /// Repetitions of each inference timing (the median is reported).
  public var timingRepeats: Int

  /// The comparison's recipe: the default one, but with batches of 64, with which the
  /// runs recorded in docs/comparison.md were made (the default moved to 32 after them;
  /// at 32 the standard networks would also take longer per image).
  public static var defaultRecipe: TrainingRecipe {
    var recipe = TrainingRecipe()
    recipe.batchSize = 64
    return recipe
  }

  public init(
    variants: [ComparisonVariant] = ComparisonVariant.allCases, seeds: [UInt64] = [0, 1, 2],
    recipe: TrainingRecipe = ComparisonSettings.defaultRecipe, curveTestLimit: Int? = nil, testLimit: Int? = nil,
    fieldImages: Int = 500, timingRepeats: Int = 3
  ) {
    self.variants = variants
    self.seeds = seeds
    self.recipe = recipe
    self.curveTestLimit = curveTestLimit
    self.testLimit = testLimit
    self.fieldImages = fieldImages
    self.timingRepeats = timingRepeats
  }
}

/// Everything measured for one variant.
public struct VariantResult: Sendable {
  /// Which network.
  public var variant: ComparisonVariant
  /// Its configuration.
  public var config: DSDCNetConfig
  /// Trainable numbers.
  public var parameters: Int
  /// Multiply-adds for one 28×28 image, forward.
  public var multiplyAdds: Int
  /// Bytes of its `.safetensors` model file.
  public var fileBytes: Int
  /// Side of the theoretical receptive field of the last block's centre output.
  public var theoreticalField: Int
  /// Final test accuracy (percent) on the settings' test images, one per seed.
  public var accuracy: SeedSpread
  /// Test accuracy (percent) after each epoch on the curve subset, one list per seed.
  public var curves: [[Double]]
  /// Training images per second, one per seed (the whole run's images over its training time).
  public var trainImagesPerSecond: SeedSpread
  /// Median milliseconds to classify one image (batch 1), seed 0's model.
  public var batch1Milliseconds: Double
  /// Median images per second classifying a batch of 1,000, seed 0's model.
  public var batch1000ImagesPerSecond: Double
  /// Side of the square holding 90% of the effective receptive field, one per seed.
  public var effectiveField: SeedSpread
  /// Seed 0's effective receptive field.
  public var fieldMap: EffectiveReceptiveField
  /// The largest share of the machine that other processes took during this variant's
  /// timed parts (training and inference), or nil where it cannot be read.
  public var otherCPUShare: Double?
}

/// Trains and measures the comparison's variants: the same recipe, the same seeds and
/// the same batches for every variant (see `makeTrainer`).
///
/// Runs go seed by seed, every variant within a seed, so a disturbance of the machine
/// spreads over the variants instead of falling on one.
public final class ComparisonRun {
  /// What to measure.
  public let settings: ComparisonSettings
  /// Called with a line of progress (a run starting, an epoch ending).
  public var say: (String) -> Void = { _ in }
  /// Called with an in-place progress line during training.
  public var progressLine: (String) -> Void = { _ in }

  public init(settings: ComparisonSettings) {
    self.settings = settings
  }

  /// Where finished runs and the run in progress are kept between invocations; nil:
  /// nothing is kept, every run trains (lesson 9).
  public var store: ComparisonRunStore?
  /// Called once a run's epoch is saved in `store` (a stop from then on loses nothing
  /// but the epoch under way).
  public var epochSaved: () -> Void = {}
  /// Runs of this invocation taken finished from `store`, and runs resumed from a saved epoch.
  public private(set) var keptRuns = 0
  public private(set) var resumedRuns = 0
  /// Seconds of training steps summed over every run of the comparison, kept ones included.
  public private(set) var trainingSeconds = 0.0

  /// Runs everything; writes each variant's seed-0 model as `<variant>.safetensors`
  /// into `folder` and returns the report of the results (in `settings.variants` order).
  public func run(train: LabeledImages, test fullTest: LabeledImages, folder: URL) throws -> ComparisonReport {
    let curveSet = fullTest.prefix(settings.curveTestLimit)
    let test = fullTest.prefix(settings.testLimit)
    try store?.prepare()
    var records: [ComparisonVariant: [ComparisonRunRecord]] = [:]
    for seed in settings.seeds {
      let first = seed == settings.seeds[0]
      for variant in settings.variants {
        var model: DSDCNet? = nil
        var record: ComparisonRunRecord
        if let store, let kept = try store.record(variant, seed: seed) {
          record = kept
          keptRuns += 1
          say(
            "\(variant.rawValue), seed \(seed): finished earlier — test accuracy \(Format.fixed(kept.accuracy, 2))%,"
              + " kept in \(store.directory.lastPathComponent)")
        } else {
          (record, model) = try trainAndMeasure(
            variant, seed: seed, train: train, curveSet: curveSet, test: test, folder: folder, first: first)
        }
        if first {
          let modelFile = folder.appendingPathComponent("\(variant.rawValue).safetensors")
          if let store {
            let kept = store.modelURL(variant, seed: seed)
            guard let bytes = try? Data(contentsOf: kept) else {
              throw ComparisonStoreError.damaged(path: kept.path, reason: "the run's model cannot be read")
            }
            try OutputFolder.writeAtomically(bytes, to: modelFile)
          }
          if record.timing == nil {
            // A kept run that was not its comparison's first seed: time its saved model.
            let timed = try model ?? TrainingCheckpoint.loadModel(from: modelFile).model
            timed.threads = settings.recipe.threads
            record.timing = timing(timed, test: test, modelFile: modelFile, share: &record.otherCPUShare)
            try store?.save(record)
          }
        }
        model?.releaseWorkspaces()
        records[variant, default: []].append(record)
      }
    }
    trainingSeconds = records.values.joined().reduce(0) { $0 + $1.trainSeconds }
    let results = try settings.variants.map { variant throws(ComparisonStoreError) in
      let runs = records[variant]!
      let config = variant.config()
      var scratch = SeededGenerator(seed: 0)
      let summary = DSDCNet(config: config, using: &scratch).summary
      let fields = runs.compactMap(\.field)
      guard let timing = runs[0].timing, let map = fields.first, fields.count == runs.count else {
        throw .damaged(
          path: store?.directory.path ?? folder.path, reason: "a run of \(variant.rawValue) lacks its numbers")
      }
      let shares = runs.compactMap(\.otherCPUShare)
      return VariantResult(
        variant: variant, config: config, parameters: summary.totalParameters,
        multiplyAdds: summary.totalMultiplyAdds, fileBytes: timing.fileBytes,
        theoreticalField: map.theoreticalWindow.count, accuracy: SeedSpread(runs.map(\.accuracy)),
        curves: runs.map(\.curve), trainImagesPerSecond: SeedSpread(runs.map(\.trainImagesPerSecond)),
        batch1Milliseconds: timing.batch1Milliseconds, batch1000ImagesPerSecond: timing.batch1000ImagesPerSecond,
        effectiveField: SeedSpread(fields.map { Double($0.side()) }), fieldMap: map,
        otherCPUShare: shares.isEmpty ? nil : shares.max())
    }
    return ComparisonReport(
      results: results, settings: settings,
      trainImages: Swift.min(settings.recipe.trainLimit ?? train.count, train.count),
      testImages: test.count, curveImages: curveSet.count)
  }

  /// Trains one network with one seed (from its saved epoch, if `store` has one), then
  /// measures it; keeps the result in `store`. The first seed's model is also timed.
  private func trainAndMeasure(
    _ variant: ComparisonVariant, seed: UInt64, train: LabeledImages, curveSet: LabeledImages,
    test: LabeledImages, folder: URL, first: Bool
  ) throws -> (ComparisonRunRecord, DSDCNet) {
    var recipe = settings.recipe
    recipe.seed = seed
    var share: Double? = nil
    let trainer: Trainer
    if let checkpoint = store?.checkpointURL(variant, seed: seed),
      FileManager.default.fileExists(atPath: checkpoint.path)
    {
      let state = try TrainingCheckpoint.loadState(from: checkpoint)
      guard (try? state.recipe()) == recipe, (try? state.config()) == variant.config() else {
        throw ComparisonStoreError.damaged(
          path: checkpoint.path, reason: "it is not a state of \(variant.rawValue) seed \(seed) at these settings")
      }
      trainer = try Trainer(resuming: state)
      share = state.metadata[Self.otherShareKey].flatMap(Double.init)
      resumedRuns += 1
      say("\(variant.rawValue), seed \(seed): continuing after epoch \(trainer.epoch) of \(recipe.epochs)")
    } else {
      trainer = Self.makeTrainer(variant, recipe: recipe)
      say("\(variant.rawValue), seed \(seed): training \(recipe.epochs) epoch(s)")
    }
    let meter = TrainingProgressMeter(
      epochs: recipe.epochs, batchSize: recipe.batchSize, testImages: curveSet.count,
      label: "\(variant.rawValue) seed \(seed):", draw: progressLine)
    var before = CPUActivity.now()
    while trainer.epoch < recipe.epochs {
      try trainer.trainEpoch(on: train, test: curveSet) { meter.record($0) }
      guard let store else { continue }
      if let measured = CPUActivity.otherShare(from: before, to: CPUActivity.now()) {
        share = Swift.max(share ?? 0, measured)
      }
      var extra: [String: String] = [:]
      if let share { extra[Self.otherShareKey] = String(share) }
      try TrainingCheckpoint.saveState(trainer.state(), metadata: extra, to: store.checkpointURL(variant, seed: seed))
      epochSaved()
      before = CPUActivity.now()
    }
    progressLine("")
    if let measured = CPUActivity.otherShare(from: before, to: CPUActivity.now()) {
      share = Swift.max(share ?? 0, measured)
    }
    let history = trainer.history
    let trainSeconds = history.reduce(0) { $0 + $1.trainSeconds }
    let images = Double(Swift.min(recipe.trainLimit ?? train.count, train.count) * recipe.epochs)
    let final = Evaluation(
      model: trainer.model, images: test, normalization: recipe.normalization,
      batchSize: RecipeLimits.evaluationBatch)
    let field = EffectiveReceptiveField.measure(
      model: trainer.model, images: test, count: settings.fieldImages, normalization: recipe.normalization)
    say(
      "  test accuracy \(Format.fixed(final.accuracy * 100, 2))%, effective field (90%) \(field.side())×\(field.side()) px"
    )
    var metadata = trainer.state().metadata.filter { $0.key != TrainingState.Key.history }
    metadata[TrainingCheckpoint.testAccuracyKey] = Format.fixed(final.accuracy, 4)
    let modelFile =
      store?.modelURL(variant, seed: seed) ?? folder.appendingPathComponent("\(variant.rawValue).safetensors")
    if store != nil || first {
      try TrainingCheckpoint.saveModel(trainer.model, steps: trainer.step, metadata: metadata, to: modelFile)
    }
    var record = ComparisonRunRecord(
      variant: variant, seed: seed, accuracy: final.accuracy * 100,
      curve: history.map { ($0.testAccuracy ?? 0) * 100 }, trainImagesPerSecond: images / Swift.max(trainSeconds, 1e-9),
      trainSeconds: trainSeconds, otherCPUShare: share, field: field)
    if first {
      record.timing = timing(trainer.model, test: test, modelFile: modelFile, share: &record.otherCPUShare)
    }
    try store?.save(record)
    return (record, trainer.model)
  }

  /// The median inference timings of `model` and the size of its file; raises `share`
  /// to the other processes' share of the machine meanwhile.
  private func timing(_ model: DSDCNet, test: LabeledImages, modelFile: URL, share: inout Double?)
    -> ComparisonRunRecord.Timing
  {
    let bytes = (try? FileManager.default.attributesOfItem(atPath: modelFile.path)[.size] as? Int) ?? 0
    model.releaseWorkspaces()  // only the timed batches' buffers from here on
    let started = CPUActivity.now()
    let (one, thousand) = Self.inferenceTimings(
      model, test: test, recipe: settings.recipe, repeats: settings.timingRepeats)
    if let measured = CPUActivity.otherShare(from: started, to: CPUActivity.now()) {
      share = Swift.max(share ?? 0, measured)
    }
    model.releaseWorkspaces()
    return ComparisonRunRecord.Timing(
      batch1Milliseconds: one, batch1000ImagesPerSecond: thousand, fileBytes: bytes)
  }

  /// Checkpoint metadata: the largest share of the machine other processes took so far.
  static let otherShareKey = "dsdc.compare.other_share"

  /// A trainer for `variant` whose weights are drawn from `recipe.seed` and whose
  /// batches (shuffles, shifts, rotations) are exactly those of `dsdc train --seed S` at the
  /// recipe's batch size:
  /// the data generator starts where DSDC-Net's own initialisation leaves the seed's
  /// generator, whatever the variant's weight count. So `dsdc` reproduces `dsdc train`
  /// bit for bit and every variant sees the same images in the same order.
  public static func makeTrainer(_ variant: ComparisonVariant, recipe: TrainingRecipe) -> Trainer {
    var batches = SeededGenerator(seed: recipe.seed)
    _ = DSDCNet(config: ComparisonVariant.dsdc.config(), using: &batches)
    var weights = SeededGenerator(seed: recipe.seed)
    let model = DSDCNet(config: variant.config(), using: &weights)
    return Trainer(model: model, recipe: recipe, generator: batches)
  }

  /// Median time of one image (ms) over `repeats × 100` calls timed one by one, and
  /// median throughput of `repeats` batches of 1,000 test images (images/s), after one
  /// untimed pass of each to build the buffers. One image takes about 0.1 ms: a passing
  /// stall of the machine lasts longer, and would spoil a whole window of calls timed
  /// together, but only the few calls it falls on when each is timed alone.
  static func inferenceTimings(_ model: DSDCNet, test: LabeledImages, recipe: TrainingRecipe, repeats: Int)
    -> (batch1Milliseconds: Double, batch1000ImagesPerSecond: Double)
  {
    let one = recipe.normalization.tensor(test, indices: 0..<1)
    let thousand = recipe.normalization.tensor(test, indices: 0..<Swift.min(1_000, test.count))
    _ = model.logits(input: one)
    let single = medianMilliseconds(calls: Swift.max(1, repeats) * 100) { _ = model.logits(input: one) }
    _ = model.logits(input: thousand)
    let batch = medianMilliseconds(calls: Swift.max(1, repeats)) { _ = model.logits(input: thousand) }
    return (single, Double(thousand.shape[0]) / Swift.max(batch / 1_000, 1e-9))
  }

  /// The median wall-clock time of `calls` calls of `body`, each timed alone, in ms.
  static func medianMilliseconds(calls: Int, _ body: () -> Void) -> Double {
    let (clock, calls) = (ContinuousClock(), Swift.max(1, calls))
    var times: [Double] = []
    times.reserveCapacity(calls)
    for _ in 0..<calls {
      let started = clock.now
      body()
      times.append(seconds(clock.now - started) * 1_000)
    }
    return times.sorted()[times.count / 2]
  }
}
