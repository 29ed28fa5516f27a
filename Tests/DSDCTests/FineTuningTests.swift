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

  /// A new task for the tiny parent, written into `folder` as IDX files: the same
  /// squares, labels shifted by 3 (a new meaning for each position); 48 training and
  /// 20 test images.
  static func writeShiftedSquares(in folder: URL) throws {
    var (train, test) = (TinyNet.images(count: 48, seed: 21), TinyNet.images(count: 20, seed: 22))
    train.labels = train.labels.map { ($0 + 3) % 10 }
    test.labels = test.labels.map { ($0 + 3) % 10 }
    try writeIDX(train: train, test: test, in: folder)
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
    try Self.writeShiftedSquares(in: folder)
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
    let error = #expect(throws: CheckpointError.self) {
      try FineTuningRun(parent: url, strategy: .head, recipe: Self.recipe())
    }
    #expect(error == .cannotRead(path: url.path, message: "no such file"))
    #expect(error?.description == "cannot read \(url.path): no such file — HINT: check the path and its permissions")
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
    #expect(result.stderr.hasPrefix("error: Fashion-MNIST not found in /nonexistent/fashion"))
    #expect(result.stderr.contains("sudo apt-get install dataset-fashion-mnist"))
    expectOneLineError(result)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  /// A folder with a tiny parent checkpoint and a small Fashion-MNIST stand-in (the
  /// squares, labels shifted by 3), and the arguments that fine-tune it for 2 epochs.
  static func smallRun() throws -> (folder: URL, arguments: [String]) {
    let folder = try makeTemporaryDirectory()
    let parent = try FineTuningTests.parent(in: folder)
    try FineTuningTests.writeShiftedSquares(in: folder)
    let arguments = [
      "finetune", "--strategy", "full", "--checkpoint", parent.path, "--finetune-data", folder.path,
      "--output", folder.appendingPathComponent("out").path, "--epochs", "2", "--threads", "1",
    ]
    return (folder, arguments)
  }

  /// Without a trained model in the output folder, the hint trains one into that folder,
  /// typed as dsdc was started (here: by its path, from another folder).
  @Test func aMissingParentHintTrainsIntoTheSameOutputFolder() throws {
    let run = try Self.smallRun()
    let tool = try #require(toolURL())
    let result = try runTool(
      ["finetune", "--finetune-data", run.folder.path, "--output", "my runs"], in: run.folder)
    #expect(
      result.stderr.contains("no trained model at \(run.folder.path)/my runs/train/model.safetensors"),
      "\(result.stderr)")
    #expect(result.stderr.contains("train one with `\(tool.path) train --output 'my runs'`"), "\(result.stderr)")
    expectOneLineError(result)
  }

  /// A `--checkpoint FILE` that is not there is named as such: no hint to train, since
  /// the user chose the file.
  @Test func aNamedParentThatIsMissingIsNamed() throws {
    let run = try Self.smallRun()
    let result = try runTool(
      ["finetune", "--finetune-data", run.folder.path, "--checkpoint", "gone.safetensors"], in: run.folder)
    #expect(result.stderr.contains("gone.safetensors"), "\(result.stderr)")
    #expect(result.stderr.contains("no such file") && !result.stderr.contains("train one"), "\(result.stderr)")
    expectOneLineError(result)
  }

  /// Into a pipe (not a terminal), the progress line is not drawn: standard error stays
  /// empty and standard output holds plain lines only, one per epoch, none wider than
  /// 80 columns but by the temporary folder's path, too long to break (the first two
  /// sentences wrapped).
  @Test func intoAPipeThereAreOnlyPlainLines() throws {
    let run = try Self.smallRun()
    let result = try runTool(run.arguments, environment: ["TERM": "xterm-256color", "COLUMNS": "80"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    #expect(!result.stdout.contains("\r") && !result.stdout.contains("\u{1B}"))
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.filter { $0.hasPrefix("epoch ") }.map { String($0.prefix(10)) } == ["epoch 1/2 ", "epoch 2/2 "])
    #expect(lines.filter { $0.hasSuffix("train loss  train acc  test loss  test acc   img/s  seconds") }.count == 1)
    #expect(lines.contains { $0.hasPrefix("Test accuracy ") })
    for line in lines where !line.contains(run.folder.path) { #expect(DisplayWidth.of(line) <= 80, "\(line)") }
  }

  /// On a terminal 50 columns wide (a pseudo-terminal from `script`, util-linux), the
  /// progress line says the starting point is being scored, then is `dsdc train`'s meter:
  /// fitted to the width, with the evaluation phase after each epoch's last step, cleared
  /// before each epoch's line.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script (util-linux)"))
  func onATerminalTheMeterFitsTheWidthAndShowsTheEvaluation() throws {
    let run = try Self.smallRun()
    let tool = try #require(toolURL())
    let command = "stty cols 50 && exec " + ShellQuoting.line([tool.path] + run.arguments)
    let result = try runProcess(
      "/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"], environment: ["TERM": "xterm-256color"])
    #expect(result.status == 0, "\(result.output)")
    // Each redraw starts with `\r ESC[2K` (the terminal turns `\n` into `\r\n`). A redraw
    // followed by a newline is a clearing followed by a printed line; any other is a
    // drawn progress line, ended by the next redraw.
    let segments = result.output.replacingOccurrences(of: "\r\n", with: "\n")
      .components(separatedBy: "\r\u{1B}[2K").dropFirst()
    let lines = segments.map { String($0.prefix { $0 != "\r" && $0 != "\n" }) }
    let drawn = zip(segments, lines).filter { !$0.0.hasPrefix($0.1 + "\n") }.map(\.1)
    #expect(drawn.first == "scoring the starting point (20 test images)", "\(drawn)")
    #expect(drawn.contains { $0.hasPrefix("epoch 1/2") && $0.contains("evaluating") }, "\(drawn)")
    #expect(drawn.contains { $0.hasPrefix("epoch 2/2") && $0.contains("evaluating") }, "\(drawn)")
    for line in drawn { #expect(DisplayWidth.of(line) <= 50, "\(line)") }
    // Cleared before each epoch's plain line (the first after the table's header).
    let cleared = segments.filter {
      $0.split(separator: "\n", omittingEmptySubsequences: false).dropLast().contains { $0.hasPrefix("epoch ") }
    }
    #expect(cleared.count == 2, "\(segments)")
  }
}

/// Runs `executable` with `arguments` and `environment` changes, standard output and
/// error together; returns the status and the output.
private func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]) throws
  -> (status: Int32, output: String)
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
  process.currentDirectoryURL = repositoryRoot
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
