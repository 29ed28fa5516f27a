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

  public init(
    variants: [ComparisonVariant] = ComparisonVariant.allCases, seeds: [UInt64] = [0, 1, 2],
    recipe: TrainingRecipe = TrainingRecipe(), curveTestLimit: Int? = nil, testLimit: Int? = nil,
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

  /// Runs everything; writes each variant's seed-0 model as `<variant>.safetensors`
  /// into `folder` and returns the report of the results (in `settings.variants` order).
  public func run(train: LabeledImages, test fullTest: LabeledImages, folder: URL) throws -> ComparisonReport {
    let curveSet = fullTest.prefix(settings.curveTestLimit)
    let test = fullTest.prefix(settings.testLimit)
    var accuracy: [ComparisonVariant: [Double]] = [:]
    var curves: [ComparisonVariant: [[Double]]] = [:]
    var speed: [ComparisonVariant: [Double]] = [:]
    var fields: [ComparisonVariant: [Double]] = [:]
    var maps: [ComparisonVariant: EffectiveReceptiveField] = [:]
    var timings: [ComparisonVariant: (batch1: Double, batch1000: Double, file: Int)] = [:]
    var others: [ComparisonVariant: Double] = [:]
    for seed in settings.seeds {
      for variant in settings.variants {
        var recipe = settings.recipe
        recipe.seed = seed
        let trainer = Self.makeTrainer(variant, recipe: recipe)
        say("\(variant.rawValue), seed \(seed): training \(recipe.epochs) epoch(s)")
        let before = CPUActivity.now()
        try trainer.train(on: train, test: curveSet) { event in
          if case .batch(let p) = event {
            self.progressLine(
              "  \(variant.rawValue) seed \(seed): epoch \(p.epoch)/\(recipe.epochs), batch \(p.batch)/\(p.batchesPerEpoch), loss \(Format.fixed(p.runningLoss, 3))"
            )
          }
        }
        progressLine("")
        let share = CPUActivity.otherShare(from: before, to: CPUActivity.now())
        if let share { others[variant] = Swift.max(others[variant] ?? 0, share) }
        let history = trainer.history
        let seconds = history.reduce(0) { $0 + $1.trainSeconds }
        let images = Double(Swift.min(recipe.trainLimit ?? train.count, train.count) * recipe.epochs)
        speed[variant, default: []].append(images / Swift.max(seconds, 1e-9))
        curves[variant, default: []].append(history.map { ($0.testAccuracy ?? 0) * 100 })
        let final = Evaluation(
          model: trainer.model, images: test, normalization: recipe.normalization,
          batchSize: RecipeLimits.evaluationBatch)
        accuracy[variant, default: []].append(final.accuracy * 100)
        let field = EffectiveReceptiveField.measure(
          model: trainer.model, images: test, count: settings.fieldImages, normalization: recipe.normalization)
        fields[variant, default: []].append(Double(field.side()))
        say(
          "  test accuracy \(Format.fixed(final.accuracy * 100, 2))%, effective field (90%) \(field.side())×\(field.side()) px"
        )
        if seed == settings.seeds[0] {
          maps[variant] = field
          let url = folder.appendingPathComponent("\(variant.rawValue).safetensors")
          var metadata = trainer.state().metadata.filter { $0.key != TrainingState.Key.history }
          metadata[TrainingCheckpoint.testAccuracyKey] = Format.fixed(final.accuracy, 4)
          try TrainingCheckpoint.saveModel(trainer.model, steps: trainer.step, metadata: metadata, to: url)
          let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
          trainer.model.releaseWorkspaces()  // only the timed batches' buffers from here on
          let timingStart = CPUActivity.now()
          let (one, thousand) = Self.inferenceTimings(
            trainer.model, test: test, recipe: recipe,
            repeats: settings.timingRepeats)
          if let share = CPUActivity.otherShare(from: timingStart, to: CPUActivity.now()) {
            others[variant] = Swift.max(others[variant] ?? 0, share)
          }
          timings[variant] = (one, thousand, bytes)
          trainer.model.releaseWorkspaces()
        }
      }
    }
    let results = settings.variants.map { variant in
      let config = variant.config()
      var scratch = SeededGenerator(seed: 0)
      let model = DSDCNet(config: config, using: &scratch)
      let summary = model.summary
      let window = model.centreOutput.window
      return VariantResult(
        variant: variant, config: config, parameters: summary.totalParameters,
        multiplyAdds: summary.totalMultiplyAdds, fileBytes: timings[variant]!.file,
        theoreticalField: window.count, accuracy: SeedSpread(accuracy[variant]!), curves: curves[variant]!,
        trainImagesPerSecond: SeedSpread(speed[variant]!), batch1Milliseconds: timings[variant]!.batch1,
        batch1000ImagesPerSecond: timings[variant]!.batch1000, effectiveField: SeedSpread(fields[variant]!),
        fieldMap: maps[variant]!, otherCPUShare: others[variant])
    }
    return ComparisonReport(
      results: results, settings: settings,
      trainImages: Swift.min(settings.recipe.trainLimit ?? train.count, train.count),
      testImages: test.count, curveImages: curveSet.count)
  }

  /// A trainer for `variant` whose weights are drawn from `recipe.seed` and whose
  /// batches (shuffles, shifts, rotations) are exactly those of `dsdc train --seed S`:
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

  /// Median time of one image (ms) and median throughput of a batch of 1,000 test
  /// images (images/s), after one untimed pass of each to build the buffers.
  static func inferenceTimings(_ model: DSDCNet, test: LabeledImages, recipe: TrainingRecipe, repeats: Int)
    -> (batch1Milliseconds: Double, batch1000ImagesPerSecond: Double)
  {
    let clock = ContinuousClock()
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    let one = recipe.normalization.tensor(test, indices: 0..<1)
    let thousand = recipe.normalization.tensor(test, indices: 0..<Swift.min(1_000, test.count))
    _ = model.logits(input: one)
    var single: [Double] = []
    for _ in 0..<Swift.max(1, repeats) {
      let started = clock.now
      for _ in 0..<20 { _ = model.logits(input: one) }
      single.append(seconds(clock.now - started) / 20 * 1_000)
    }
    _ = model.logits(input: thousand)
    var batch: [Double] = []
    for _ in 0..<Swift.max(1, repeats) {
      let started = clock.now
      _ = model.logits(input: thousand)
      batch.append(Double(thousand.shape[0]) / Swift.max(seconds(clock.now - started), 1e-9))
    }
    return (median(single), median(batch))
  }
}
