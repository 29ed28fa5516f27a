import DSDC
import Foundation
import Testing

@Suite("Fine-tuning", .removesTemporaryFolders)
struct FineTuningTests {
  /// A short fine-tuning recipe for the tiny network: batches of 16, no augmentation.
  static func recipe(epochs: Int = 1, learningRate: Double = 1e-2) -> TrainingRecipe {
    TrainingRecipe(
      epochs: epochs, batchSize: 16, learningRate: learningRate, weightDecay: 1e-4, augmentation: nil,
      labelSmoothing: 0, seed: 7, threads: 1)
  }

  /// A tiny trained parent: TinyNet after one epoch on the square-position images,
  /// saved with its configuration in a temporary folder.
  static func parent(in folder: URL) throws -> URL {
    let trainer = Trainer(recipe: recipe(), config: TinyNet.config)
    try trainer.train(on: TinyNet.images(count: 32, seed: 11))
    let url = folder.appendingPathComponent("parent.safetensors")
    try TrainingCheckpoint.saveModel(trainer.model, steps: trainer.step, metadata: trainer.state().metadata, to: url)
    return url
  }

  /// Writes `train` and `test` as the four uncompressed IDX files of an MNIST-style folder.
  static func writeIDX(train: LabeledImages, test: LabeledImages, in folder: URL) throws {
    for (split, images) in [(MNISTDataset.Split.train, train), (.test, test)] {
      try Data(idxBytes(dimensions: [images.count, images.rows, images.columns], data: images.pixels))
        .write(to: folder.appendingPathComponent(split.imageFile))
      try Data(idxBytes(dimensions: [images.count], data: images.labels))
        .write(to: folder.appendingPathComponent(split.labelFile))
    }
  }

  @Test(arguments: [
    (FineTuningStrategy.scratch, 30_922), (.head, 1_290), (.headBN, 1_290), (.pointwise, 28_618),
    (.pointwiseRandom, 28_618), (.full, 30_922),
  ])
  func trainableParameterCounts(strategy: FineTuningStrategy, expected: Int) {
    let model = TinyNet.model(DSDCNetConfig())
    strategy.apply(to: model)
    // head: 128·10 + 10. pointwise: 1×1 kernels 32·64 + 64·128 + 128·128, BatchNorm
    // γ and β 2·(32 + 64 + 128 + 128), and the head.
    #expect(model.trainableParameterCount == expected)
    #expect(model.parameterCount == 30_922)
  }

  @Test(arguments: FineTuningStrategy.allCases)
  func frozenTensorsStayBitIdentical(strategy: FineTuningStrategy) throws {
    let model = TinyNet.model()
    strategy.apply(to: model)
    let before = model.parameters.map(\.value)
    let statistics = model.batchNorms.map { [$0.runningMean, $0.runningVar] }
    let trainer = Trainer(model: model, recipe: Self.recipe(), generator: SeededGenerator(seed: 3))
    try trainer.train(on: TinyNet.images(count: 32, seed: 4))
    #expect(trainer.step == 2)
    for (parameter, old) in zip(model.parameters, before) {
      #expect((parameter.value == old) == parameter.isFrozen, "\(parameter.name)")
      if parameter.isFrozen { #expect(parameter.gradient.storage.allSatisfy { $0 == 0 }, "\(parameter.name)") }
    }
    // A frozen backbone keeps its BatchNorm statistics; a trained one updates them.
    let kept = model.batchNorms.map { [$0.runningMean, $0.runningVar] } == statistics
    #expect(kept == strategy.keepsBatchNormStatistics)
  }

  /// The stem and depthwise kernels of a model, the spatial filters.
  static func spatial(_ model: DSDCNet) -> [Tensor] {
    model.parameters.filter { $0.name == "stem.weight" || $0.name.hasSuffix(".depthwise.weight") }.map(\.value)
  }

  @Test func pointwiseRandomRedrawsOnlyTheSpatialFiltersAndKeepsThemFrozen() throws {
    let folder = try makeTemporaryDirectory()
    let parentURL = try Self.parent(in: folder)
    let parent = try TrainingCheckpoint.loadModel(from: parentURL).model
    let run = try FineTuningRun(parent: parentURL, strategy: .pointwiseRandom, recipe: Self.recipe(epochs: 2))
    let control = try FineTuningRun(parent: parentURL, strategy: .pointwise, recipe: Self.recipe(epochs: 2)).model
    let drawn = Self.spatial(run.model)
    // Every spatial kernel is new; everything else is what `pointwise` starts from
    // (the parent's, and the same new classifier).
    #expect(zip(drawn, Self.spatial(parent)).allSatisfy { $0 != $1 })
    let spatialNames: Set = [
      "stem.weight", "block1.depthwise.weight", "block2.depthwise.weight", "block3.depthwise.weight",
    ]
    #expect(drawn.count == spatialNames.count)
    for (mine, theirs) in zip(run.model.parameters, control.parameters) where !spatialNames.contains(mine.name) {
      #expect(mine.value == theirs.value, "\(mine.name)")
    }
    // The same seed draws the same kernels; another seed others.
    let again = try FineTuningRun(parent: parentURL, strategy: .pointwiseRandom, recipe: Self.recipe(epochs: 2))
    var other = Self.recipe(epochs: 2)
    other.seed = 8
    let elsewhere = try FineTuningRun(parent: parentURL, strategy: .pointwiseRandom, recipe: other)
    #expect(Self.spatial(again.model) == drawn && Self.spatial(elsewhere.model) != drawn)
    // Frozen through training: bit-identical, while the trainable tensors moved.
    let trainable = run.model.parameters.filter { !$0.isFrozen }.map(\.value)
    try run.train(on: TinyNet.images(count: 32, seed: 12), test: TinyNet.images(count: 10, seed: 13))
    #expect(run.trainer.step == 4)
    #expect(Self.spatial(run.model) == drawn)
    #expect(zip(run.model.parameters.filter { !$0.isFrozen }.map(\.value), trainable).allSatisfy { $0 != $1 })
  }

  @Test func headBNReestimatesTheStatisticsOnceThenTrainsOnlyTheClassifier() throws {
    let folder = try makeTemporaryDirectory()
    let parentURL = try Self.parent(in: folder)
    let parent = try TrainingCheckpoint.loadModel(from: parentURL).model
    let statistics = { (model: DSDCNet) in model.batchNorms.flatMap { $0.runningMean.storage + $0.runningVar.storage } }
    let (train, test) = (TinyNet.images(count: 24, seed: 14), TinyNet.images(count: 10, seed: 15))
    var recipe = Self.recipe()
    recipe.trainLimit = 20
    let run = try FineTuningRun(parent: parentURL, strategy: .headBN, recipe: recipe)
    #expect(statistics(run.model) == statistics(parent))  // re-estimation happens in train
    try run.train(on: train, test: test)

    // The statistics are those of the recipe's 20 training images, and training did not move them.
    let expected = try FineTuningRun(parent: parentURL, strategy: .headBN, recipe: recipe).model
    expected.reestimateBatchNormStatistics(on: train.prefix(20), normalization: .mnist, batchSize: recipe.batchSize)
    #expect(statistics(run.model) == statistics(expected))
    #expect(statistics(run.model) != statistics(parent))
    for (old, new) in zip(parent.parameters, run.model.parameters) {
      #expect((old.value == new.value) == new.isFrozen, "\(new.name)")
    }
    #expect(run.model.batchNorms.allSatisfy { $0.usesRunningStatistics })
    // Without a per-epoch subset, the start and the end are scored on the whole test set.
    #expect(run.startEvaluation?.count == 10 && run.finalEvaluation?.count == 10)
  }

  @Test func aPerEpochSubsetLeavesTheFinalScoreToTheWholeTestSet() throws {
    let folder = try makeTemporaryDirectory()
    let parentURL = try Self.parent(in: folder)
    let (train, test) = (TinyNet.images(count: 32, seed: 16), TinyNet.images(count: 30, seed: 17))
    let run = try FineTuningRun(parent: parentURL, strategy: .full, recipe: Self.recipe(epochs: 2))
    try run.train(on: train, test: test, epochTest: test.prefix(10))
    let final = try #require(run.finalEvaluation)
    #expect(run.startEvaluation?.count == 10 && final.count == 30)
    #expect(run.trainer.history.count == 2)
    #expect(final == Evaluation(model: run.model, images: test, normalization: .mnist, batchSize: 16))
    let subset = Evaluation(model: run.model, images: test.prefix(10), normalization: .mnist, batchSize: 16)
    #expect(run.trainer.history.last?.testAccuracy == subset.accuracy)
    #expect(run.metadata[TrainingCheckpoint.testAccuracyKey] == Format.fixed(final.accuracy, 4))
  }

  @Test func fullGivesTheBackboneATenthOfTheRate() {
    let model = TinyNet.model()
    FineTuningStrategy.full.apply(to: model)
    for parameter in model.parameters {
      #expect(parameter.learningRateScale == (parameter.name.hasPrefix("classifier.") ? 1 : 0.5), "\(parameter.name)")
    }
    // One SGD step without momentum or decay moves θ by exactly scale·lr·g.
    let (weight, head) = (model.stem.weight, model.classifier.weight)
    for parameter in [weight, head] {
      parameter.gradient = Tensor(shape: parameter.shape, storage: (0..<parameter.count).map { Float($0 % 7) - 3 })
    }
    let (oldWeight, oldHead) = (weight.value, head.value)
    SGD(parameters: [weight, head], learningRate: 0.5, momentum: 0).step()
    for (parameter, old) in [(weight, oldWeight), (head, oldHead)] {
      let step = Float(0.5 * parameter.learningRateScale)
      #expect(parameter.value.storage == zip(old.storage, parameter.gradient.storage).map { $0 + -step * $1 })
    }
  }

  @Test func fineTuningASyntheticIDXSetImprovesAndRoundTrips() throws {
    let folder = try makeTemporaryDirectory()
    let parentURL = try Self.parent(in: folder)
    // The new task: the same squares, labels shifted by 3 (a new meaning for each position).
    var (train, test) = (TinyNet.images(count: 48, seed: 21), TinyNet.images(count: 20, seed: 22))
    train.labels = train.labels.map { ($0 + 3) % 10 }
    test.labels = test.labels.map { ($0 + 3) % 10 }
    try Self.writeIDX(train: train, test: test, in: folder)
    let task = FineTuningTask.fashionMNIST
    let (trainSplit, testSplit) = (
      try task.loadSplit(.train, directory: folder), try task.loadSplit(.test, directory: folder)
    )

    let run = try FineTuningRun(parent: parentURL, strategy: .full, task: task, recipe: Self.recipe(epochs: 3))
    try run.train(on: trainSplit, test: testSplit)
    let start = try #require(run.startEvaluation)
    let end = try #require(run.trainer.history.last?.testLoss)
    #expect(end < start.loss, "test loss \(start.loss) → \(end)")

    let saved = folder.appendingPathComponent("model.safetensors")
    try run.save(to: saved)
    let (model, metadata) = try TrainingCheckpoint.loadModel(from: saved)
    #expect(model.namedTensors().map(\.tensor) == run.model.namedTensors().map(\.tensor))
    let origin = try #require(FineTuningMetadata(metadata))
    #expect(origin == run.origin)
    #expect(origin.parent == parentURL.path && origin.strategy == .full && origin.task == "fashion-mnist")
    #expect(origin.parentSHA256 == Checksums.sha256Hex([UInt8](try Data(contentsOf: parentURL))))
    #expect(FineTuningMetadata.classNames(from: metadata)?[9] == "Ankle boot")
    #expect(FineTuningMetadata.task(from: metadata) == task)
    #expect(TrainingCheckpoint.normalization(from: metadata) == .mnist)
    // An MNIST checkpoint has no class names.
    #expect(FineTuningMetadata.classNames(from: try TrainingCheckpoint.loadModel(from: parentURL).metadata) == nil)
  }

  @Test func missingDatasetIsOneLineNamingFolderAndPackage() throws {
    let task = FineTuningTask.fashionMNIST
    let missing = URL(fileURLWithPath: "/nonexistent/fashion")
    #expect(
      throws: FineTuningError.datasetMissing(
        task: "Fashion-MNIST", path: missing.path, aptPackage: "dataset-fashion-mnist")
    ) {
      try task.loadSplit(.test, directory: missing)
    }
    let text = FineTuningError.datasetMissing(task: task.title, path: missing.path, aptPackage: task.aptPackage)
      .description
    #expect(
      !text.contains("\n") && text.contains("/nonexistent/fashion")
        && text.contains("apt-get install dataset-fashion-mnist"))
    #expect(task.resolve(option: nil, environment: [:]).path == "/usr/share/datasets/fashion-mnist")
    #expect(task.resolve(option: nil, environment: ["DSDC_FINETUNE_DATA": "/x"]).path == "/x")
  }

  @Test func missingParentIsOneLine() throws {
    let url = URL(fileURLWithPath: "/nonexistent/train/model.safetensors")
    #expect(throws: FineTuningError.parentMissing(path: url.path)) {
      try FineTuningRun(parent: url, strategy: .head, recipe: Self.recipe())
    }
  }
}

@Suite("dsdc finetune on the command line", .removesTemporaryFolders)
struct FineTuneCommandTests {
  @Test func badStrategyIsOneLine() throws {
    let result = try runTool(["finetune", "--strategy", "everything"])
    #expect(result.status != 0 && result.status < 128)
    #expect(result.stderr.contains("--strategy must be scratch, head, head-bn, pointwise, pointwise-random or full"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func missingDatasetNamesFolderAndPackageAndWritesNothing() throws {
    let dir = try makeTemporaryDirectory()
    let result = try runTool(["finetune", "--finetune-data", "/nonexistent/fashion", "--output", dir.path])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: Fashion-MNIST not found in /nonexistent/fashion"))
    #expect(result.stderr.contains("sudo apt-get install dataset-fashion-mnist"))
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }
}
