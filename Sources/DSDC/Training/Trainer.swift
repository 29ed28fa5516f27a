/// Trains a DSDC-Net with a recipe: per-epoch shuffling and augmentation from the
/// recipe's seed, the learning-rate schedule, the optimiser, evaluation after each
/// epoch, NaN detection, and a complete state for exact resumption.
///
/// ```swift
/// let trainer = Trainer(recipe: TrainingRecipe())
/// try trainer.train(on: mnist.train, test: mnist.test) { event in … }
/// let state = trainer.state()                    // after any epoch: save it
/// let resumed = try Trainer(resuming: state)     // continues bit for bit
/// ```
/// The same recipe and thread count give bit-identical weights and metrics.
public final class Trainer {
  /// The run's settings.
  public let recipe: TrainingRecipe
  /// The network being trained.
  public let model: DSDCNet
  /// The optimiser over `model.parameters`.
  public let optimizer: any Optimizer
  /// The run's only source of randomness after initialisation (shuffles, augmentation).
  public private(set) var generator: SeededGenerator
  /// Epochs finished.
  public private(set) var epoch = 0
  /// Optimisation steps finished.
  public private(set) var step = 0
  /// One summary per finished epoch.
  public private(set) var history: [EpochSummary] = []

  /// Reused batch buffers: `(B, 1, 28, 28)` normalised images and `B` labels, one pair
  /// for full batches and one for an epoch's smaller last batch.
  private var batchInputs: [Int: Tensor] = [:]
  private var batchLabels: [Int: [Int]] = [:]
  /// Reused buffer of one batch's augmentation transforms.
  private var transforms: [Augmentation.Transform] = []

  /// A fresh run: the model is initialised from `recipe.seed`, and the same generator
  /// then drives shuffling and augmentation.
  public convenience init(recipe: TrainingRecipe, config: DSDCNetConfig = DSDCNetConfig()) {
    var generator = SeededGenerator(seed: recipe.seed)
    let model = DSDCNet(config: config, using: &generator)
    self.init(model: model, recipe: recipe, generator: generator)
  }

  /// Training an existing model (e.g. fine-tuning a loaded one, with some parameters
  /// frozen) with `generator` for shuffling and augmentation.
  public init(model: DSDCNet, recipe: TrainingRecipe, generator: SeededGenerator) {
    self.recipe = recipe
    self.model = model
    self.generator = generator
    model.threads = recipe.threads
    optimizer = recipe.optimizer.makeOptimizer(
      parameters: model.parameters, learningRate: recipe.learningRate,
      weightDecay: recipe.weightDecay)
  }

  /// Runs the remaining epochs of the recipe.
  @discardableResult
  public func train(
    on trainSet: LabeledImages, test testSet: LabeledImages? = nil,
    progress: (TrainingEvent) -> Void = { _ in }
  ) throws(TrainingError) -> [EpochSummary] {
    while epoch < recipe.epochs {
      try trainEpoch(on: trainSet, test: testSet, progress: progress)
    }
    return history
  }

  /// Runs one epoch, then evaluates `testSet` (if given).
  @discardableResult
  public func trainEpoch(
    on trainSet: LabeledImages, test testSet: LabeledImages? = nil,
    progress: (TrainingEvent) -> Void = { _ in }
  ) throws(TrainingError) -> EpochSummary {
    try recipe.validate()
    let size = model.config.imageSize
    // Both splits are checked before the epoch, so a test set of another size cannot
    // stop the run after an epoch's work.
    for (name, set) in [("training", trainSet), ("test", testSet)] {
      guard let set else { continue }
      guard set.rows == size, set.columns == size, model.config.inputChannels == 1 else {
        throw .badData(reason: "\(name) images are \(set.rows)×\(set.columns), the model expects \(size)×\(size)")
      }
      if let label = set.labels.max(), Int(label) >= model.config.classes {
        throw .badData(reason: "\(name) label \(label) is not one of the model's \(model.config.classes) classes")
      }
    }
    let count = min(recipe.trainLimit ?? trainSet.count, trainSet.count)
    guard count >= 2 else { throw .badData(reason: "\(count) training images; at least 2 are needed") }
    let batchSize = recipe.batchSize
    let stepsPerEpoch = recipe.stepsPerEpoch(trainingImages: count)
    let totalSteps = stepsPerEpoch * recipe.epochs
    let table = recipe.normalization.table
    let clock = ContinuousClock()
    let started = clock.now

    var order = Array(0..<count)
    generator.shuffle(&order)
    var (lossSum, correct, seen) = (0.0, 0, 0)
    for batch in 0..<stepsPerEpoch {
      let start = batch * batchSize
      let n = min(batchSize, count - start)
      var input = batchInputs.removeValue(forKey: n) ?? Tensor(shape: model.inputShape(batch: n))
      var labels = batchLabels.removeValue(forKey: n) ?? [Int](repeating: 0, count: n)
      assemble(order[start..<start + n], from: trainSet, table: table, input: &input, labels: &labels)
      let learningRate = recipe.schedule.learningRate(step: step, totalSteps: totalSteps, peak: recipe.learningRate)
      optimizer.learningRate = learningRate
      let result = model.computeGradients(input: input, labels: labels, labelSmoothing: Float(recipe.labelSmoothing))
      batchInputs[n] = input
      batchLabels[n] = labels
      guard result.loss.isFinite else {
        throw .nonFiniteLoss(epoch: epoch + 1, step: step + 1, loss: result.loss)
      }
      optimizer.step()
      step += 1
      lossSum += Double(result.loss) * Double(n)
      correct += result.correct
      seen += n
      progress(
        .batch(
          BatchProgress(
            epoch: epoch + 1, batch: batch + 1, batchesPerEpoch: stepsPerEpoch, step: step,
            learningRate: learningRate, loss: result.loss, runningLoss: lossSum / Double(seen),
            runningAccuracy: Double(correct) / Double(seen),
            imagesPerSecond: Double(seen) / max(seconds(clock.now - started), 1e-9))))
    }
    let trainSeconds = seconds(clock.now - started)
    epoch += 1

    var evaluation: Evaluation? = nil
    let evaluationStarted = clock.now
    if let testSet {
      evaluation = Evaluation(
        model: model, images: testSet, normalization: recipe.normalization,
        batchSize: min(recipe.batchSize, RecipeLimits.evaluationBatch))
    }
    let summary = EpochSummary(
      epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(correct) / Double(max(seen, 1)),
      testLoss: evaluation?.loss, testAccuracy: evaluation?.accuracy, trainSeconds: trainSeconds,
      evaluationSeconds: seconds(clock.now - evaluationStarted), imagesPerSecond: Double(seen) / max(trainSeconds, 1e-9)
    )
    history.append(summary)
    progress(.epochEnded(summary, evaluation))
    return summary
  }

  /// Fills the batch buffers with the images `indices` of `trainSet`, normalised and
  /// (if the recipe says so) augmented. The transforms are drawn one image after the
  /// other from the generator; applying them is split across threads.
  private func assemble(
    _ indices: ArraySlice<Int>, from trainSet: LabeledImages, table: [Float],
    input: inout Tensor, labels: inout [Int]
  ) {
    let (size, imageSize, count) = (trainSet.rows, trainSet.imageSize, indices.count)
    if transforms.count < count {
      transforms = Array(repeating: Augmentation.Transform(rowShift: 0, columnShift: 0, angle: 0), count: count)
    }
    for (i, index) in indices.enumerated() {
      labels[i] = Int(trainSet.labels[index])
      if let augmentation = recipe.augmentation { transforms[i] = augmentation.draw(using: &generator) }
    }
    let (augmented, normalization) = (recipe.augmentation != nil, recipe.normalization)
    trainSet.pixels.withUnsafeBufferPointer { pixels in
      table.withUnsafeBufferPointer { table in
        transforms.withUnsafeBufferPointer { transforms in
          input.storage.withUnsafeMutableBufferPointer { x in
            LayerThreads.forEachSlice(count, threads: recipe.threads, work: count * imageSize) { _, range in
              for i in range {
                let source = pixels.baseAddress! + indices[indices.startIndex + i] * imageSize
                let destination = x.baseAddress! + i * imageSize
                if augmented {
                  Augmentation.apply(
                    transforms[i], pixels: source, rows: size, columns: size,
                    table: table.baseAddress!, normalization: normalization, output: destination)
                } else {
                  for p in 0..<imageSize { destination[p] = table[Int(source[p])] }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Restores counters, generator and history (used by `init(resuming:)`).
  func restoreProgress(epoch: Int, step: Int, generator: SeededGenerator, history: [EpochSummary]) {
    self.epoch = epoch
    self.step = step
    self.generator = generator
    self.history = history
  }
}
