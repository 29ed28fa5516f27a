import ArgumentParser
import DSDC
import Foundation

/// `dsdc finetune`: reuse a trained DSDC-Net on Fashion-MNIST with one strategy.
struct FineTuneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "finetune",
    abstract: "Fine-tune a trained DSDC-Net on Fashion-MNIST; the model and metrics go to OUTPUT/finetune/STRATEGY/.",
    usage: "dsdc finetune [--strategy <strategy>] [<options>]",
    discussion: """
      Strategies:
      \(strategyLines.joined(separator: "\n"))

      The result is an ordinary checkpoint: `dsdc evaluate --checkpoint F` and \
      `dsdc predict --checkpoint F IMAGE.png` work on it and print the class names.
      """)

  /// One line per strategy (wrapped within 80 columns), its summary aligned after the name.
  static var strategyLines: [String] {
    FineTuningStrategy.allCases.flatMap { strategy in
      let name = strategy.rawValue + String(repeating: " ", count: max(0, 17 - strategy.rawValue.count))
      let indent = String(repeating: " ", count: 20)
      return Format.wrap(strategy.summary, width: 60, continuation: "").enumerated().map {
        ($0.offset == 0 ? "  \(name) " : indent) + $0.element
      }
    }
  }

  @Option(
    name: .long,
    help: ArgumentHelp(
      "One of " + FineTuningStrategy.allCases.map(\.rawValue).joined(separator: ", ") + ".", valueName: "strategy"))
  var strategy: String = "full"

  @OptionGroup var checkpoint: CheckpointOption

  @Option(name: .customLong("finetune-data"), help: finetuneDataHelp("Folder with Fashion-MNIST's four IDX files."))
  var finetuneData: String?

  @Option(name: .long, help: "Passes over the training images, 1…1000.")
  var epochs: Int = 3

  @Option(
    name: .customLong("train-limit"),
    help: ArgumentHelp("Train on the first N images only. (default: all)", valueName: "n"))
  var trainLimit: Int?

  @Option(name: .long, help: "Peak learning rate of the classifier.")
  var lr: Double = 3e-3

  @Option(
    name: .customLong("backbone-lr-scale"),
    help: ArgumentHelp(
      "In full: the backbone's learning rate as a fraction of the classifier's.", valueName: "x"))
  var backboneScale: Double = FineTuningStrategy.backboneLearningRateScale

  @Option(
    name: .long, help: "Seed of the new classifier (of the whole network for scratch), shuffling and augmentation.")
  var seed: UInt64 = 0

  @Option(name: .long, help: ArgumentHelp("Folder for everything the run writes.", valueName: "dir"))
  var output: String = "Output"

  @Option(name: .long, help: "Worker threads, 1…64; the same count gives bit-identical results.")
  var threads: Int = TrainingRecipe.defaultThreads

  func validate() throws {
    guard FineTuningStrategy(rawValue: strategy) != nil else {
      let names = FineTuningStrategy.allCases.map(\.rawValue)
      let choices = names.dropLast().joined(separator: ", ") + " or " + names.last!
      throw ValidationError("--strategy must be \(choices), got \(strategy)")
    }
    try checkBounds(epochs, "--epochs", RecipeLimits.epochs)
    try checkBounds(trainLimit, "--train-limit", RecipeLimits.trainLimit)
    guard lr > 0 && lr < 10 else { throw ValidationError("--lr must be in (0, 10), got \(lr)") }
    guard backboneScale > 0 && backboneScale <= 10 else {
      throw ValidationError("--backbone-lr-scale must be in (0, 10], got \(backboneScale)")
    }
    try checkBounds(threads, "--threads", RecipeLimits.threads)
  }

  func run() throws {
    let strategy = FineTuningStrategy(rawValue: self.strategy)!
    let outputDirectory = URL(fileURLWithPath: output)
    let task = FineTuningTask.fashionMNIST
    let dataDirectory = task.resolve(option: finetuneData)
    let train = try task.loadSplit(.train, directory: dataDirectory)
    let test = try task.loadSplit(.test, directory: dataDirectory)
    // No model in the output folder: the hint trains one there, typed as dsdc was started.
    let parent = checkpoint.url(outputDirectory: outputDirectory)
    if checkpoint.checkpoint == nil && !FileManager.default.fileExists(atPath: parent.path) {
      throw ToolError.noTrainedModel(
        path: parent.path, train: hintCommand(output == "Output" ? ["train"] : ["train", "--output", output]))
    }
    let recipe = FineTuningRun.recipe(
      epochs: epochs, trainLimit: trainLimit, seed: seed, learningRate: lr, threads: threads)
    let run = try FineTuningRun(
      parent: parent, strategy: strategy,
      task: task, recipe: recipe, backboneScale: backboneScale)
    for (split, images) in [(MNISTDataset.Split.train, train), (.test, test)] {
      try MNISTDataset.checkImageSize(
        images, split: split, directory: dataDirectory, expected: run.model.config.imageSize)
    }
    let folder = outputDirectory.appendingPathComponent("finetune").appendingPathComponent(strategy.rawValue)
    try OutputFolder.create(folder)
    // One run per folder (released when the process ends, however it ends).
    let lock = try FolderLock(folder)
    defer { lock.release() }

    var lines: [String] = []
    func say(_ line: String) {
      lines.append(line)
      emit(line)
    }
    let model = run.model
    // Each sentence on lines of its own, wrapped to the 80 columns every printed line keeps to.
    let backbone = strategy == .full ? " (backbone \(backboneScale)×)" : ""
    let sentences = [
      "Fine-tuning \(run.origin.parent) on \(task.title) (\(dataDirectory.path)).",
      "Strategy \(strategy.rawValue): \(strategy.summary)",
      "Trainable parameters: \(Format.grouped(model.trainableParameterCount)) of "
        + "\(Format.grouped(model.parameterCount)).",
      "Recipe: \(recipe.epochs) epoch(s) × \(min(trainLimit ?? train.count, train.count)) images, "
        + "peak lr \(recipe.learningRate)\(backbone), seed \(seed).",
    ]
    for line in sentences.flatMap({ Format.wrap($0) }) { say(line) }
    // The progress line of `dsdc train`: the terminal's width, ≤ 10 redraws a second,
    // the whole run's elapsed time and ETA, the evaluation after each epoch; nothing
    // when standard error is not a terminal (`ProgressLine`). Before the first step the
    // run (head-bn: after re-estimating the BatchNorm statistics) scores its starting
    // point: said in the longest of these that fits the terminal, as the meter's lines do.
    let starting = [
      (strategy.reestimatesBatchNormStatistics ? "re-estimating BatchNorm, then " : "")
        + "scoring the starting point (\(Format.grouped(test.count)) test images)",
      "scoring the starting point", "scoring",
    ]
    let limit = Terminal.columns(STDERR_FILENO) - 1
    ProgressLine.update(starting.first { DisplayWidth.of($0) <= limit } ?? "")
    let meter = TrainingProgressMeter(
      epochs: recipe.epochs, batchSize: recipe.batchSize, testImages: test.count, draw: ProgressLine.update)
    var headed = false
    try run.train(on: train, test: test) { event in
      meter.record(event)
      if case .epochEnded(let e, _) = event {
        if !headed { say(TrainingSession.epochHeader(epochs: recipe.epochs)) }
        headed = true
        say(TrainingSession.epochRow(e, epochs: recipe.epochs))
      }
    }
    let start = run.startEvaluation?.accuracy ?? 0
    let final = run.trainer.history.last?.testAccuracy ?? 0
    say(
      "Test accuracy \(Format.fixed(start * 100, 2))% before (new classifier) → \(Format.fixed(final * 100, 2))% after."
    )

    let modelURL = folder.appendingPathComponent(TrainingCheckpoint.modelFileName)
    try run.save(to: modelURL)
    let csvURL = folder.appendingPathComponent("metrics.csv")
    try OutputFolder.writeAtomically(Data(EpochSummary.csv(run.trainer.history).utf8), to: csvURL)
    let files = [modelURL, csvURL]
    try LessonRecord(
      number: 0, title: "Fine-tuning (\(strategy.rawValue))", articleSection: "§5", lines: lines,
      files: files.map(\.lastPathComponent), error: nil,
      settings: [
        "checkpoint": run.origin.parent, "strategy": strategy.rawValue, "seed": String(seed),
        "epochs": String(epochs), "learning rate": String(lr), "threads": String(threads),
      ],
      date: ISO8601DateFormatter().string(from: Date())
    )
    .save(to: folder.appendingPathComponent("run.json"))
    listWrittenFiles(files)
  }
}
