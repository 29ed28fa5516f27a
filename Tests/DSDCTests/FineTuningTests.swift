import DSDC
import Foundation
import Testing

@Suite("Fine-tuning")
struct FineTuningTests {
  /// A short fine-tuning recipe for the tiny network: batches of 16, no augmentation.
  static func recipe(epochs: Int = 1, learningRate: Double = 1e-2) -> TrainingRecipe {
    TrainingRecipe(epochs: epochs, batchSize: 16, learningRate: learningRate, weightDecay: 1e-4, augmentation: nil,
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

  @Test(arguments: [(FineTuningStrategy.scratch, 30_922), (.head, 1_290), (.pointwise, 28_618), (.full, 30_922)])
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
    #expect((model.batchNorms.map { [$0.runningMean, $0.runningVar] } == statistics) == (strategy == .head))
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
    defer { try? FileManager.default.removeItem(at: folder) }
    let parentURL = try Self.parent(in: folder)
    // The new task: the same squares, labels shifted by 3 (a new meaning for each position).
    var (train, test) = (TinyNet.images(count: 48, seed: 21), TinyNet.images(count: 20, seed: 22))
    train.labels = train.labels.map { ($0 + 3) % 10 }
    test.labels = test.labels.map { ($0 + 3) % 10 }
    try Self.writeIDX(train: train, test: test, in: folder)
    let task = FineTuningTask.fashionMNIST
    let (trainSplit, testSplit) = (try task.loadSplit(.train, directory: folder), try task.loadSplit(.test, directory: folder))

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
    #expect(throws: FineTuningError.datasetMissing(task: "Fashion-MNIST", path: missing.path, aptPackage: "dataset-fashion-mnist")) {
      try task.loadSplit(.test, directory: missing)
    }
    let text = FineTuningError.datasetMissing(task: task.title, path: missing.path, aptPackage: task.aptPackage).description
    #expect(!text.contains("\n") && text.contains("/nonexistent/fashion") && text.contains("apt-get install dataset-fashion-mnist"))
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

@Suite("dsdc finetune on the command line")
struct FineTuneCommandTests {
  @Test func badStrategyIsOneLine() throws {
    let result = try runTool(["finetune", "--strategy", "everything"])
    #expect(result.status != 0 && result.status < 128)
    #expect(result.stderr.contains("--strategy must be scratch, head, pointwise or full"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func missingDatasetNamesFolderAndPackageAndWritesNothing() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try runTool(["finetune", "--finetune-data", "/nonexistent/fashion", "--output", dir.path])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: Fashion-MNIST not found in /nonexistent/fashion"))
    #expect(result.stderr.contains("sudo apt-get install dataset-fashion-mnist"))
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }
}
