import ArgumentParser
import DSDC
import Foundation

/// `dsdc evaluate`: a trained model on a test set.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Score a trained model on the test set: accuracy, precision and recall per class, mistakes.",
    usage: "dsdc evaluate [--checkpoint <file>] [<options>]",
    discussion: """
      The model is scored on the test set of the data it was trained on, as its checkpoint records \
      (MNIST, or Fashion-MNIST for a model fine-tuned on it), unless --data names another folder.
      """)

  @OptionGroup var checkpoint: CheckpointOption

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The folder `dsdc train` wrote to; its train/model.safetensors is the default --checkpoint.",
      valueName: "dir"))
  var output: String = "Output"

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Folder with the test set's IDX files. (default: the model's dataset; MNIST is found as by `dsdc data`, "
        + "Fashion-MNIST in $\(FineTuningTask.fashionMNIST.environmentVariable), else "
        + "\(FineTuningTask.fashionMNIST.defaultDirectory))",
      valueName: "dir"))
  var data: String?

  @Flag(
    name: .long,
    help: ArgumentHelp(
      "Print one JSON object instead of the tables: accuracy, loss, per-class counts, precision and recall, "
        + "the most confused pairs, the confusion matrix, the checkpoint, the data folder and the number of images."))
  var json = false

  /// How many of the most confused (true, predicted) pairs are listed.
  static let confusedPairs = 5

  func run() throws {
    var train = ["train"]
    if output != "Output" { train += ["--output", output] }
    if let data { train += ["--data", data] }
    let (model, metadata, url) = try checkpoint.load(outputDirectory: URL(fileURLWithPath: output), train: train)
    // A model is evaluated on the test set of the data it trained on (recorded in its
    // metadata; older checkpoints: a fine-tuned model's task, else MNIST) unless --data
    // says otherwise.
    let task = FineTuningMetadata.task(from: metadata)
    let recorded = DatasetIdentity(metadata: metadata)
    let trainedOn: KnownDataset?
    if let recorded {
      trainedOn = recorded.known
    } else {
      trainedOn = task.flatMap { KnownDataset(rawValue: $0.name) } ?? .mnist
    }
    let fashion = FineTuningTask.fashionMNIST
    let useFashion = trainedOn == .fashionMNIST && data == nil
    let dataDirectory: URL
    let origin: String
    if useFashion {
      dataDirectory = fashion.resolve(option: nil)
      origin = "Fashion-MNIST, the model's dataset"
    } else {
      let found = try DataLocation.locate(option: data)
      dataDirectory = found.directory
      origin = found.source.phrase
    }
    let size = model.config.imageSize
    let test =
      try useFashion
      ? fashion.loadSplit(.test, directory: dataDirectory, imageSize: size)
      : MNISTDataset.loadSplit(.test, directory: dataDirectory, imageSize: size)
    if let trainedOn, let holds = KnownDataset.identify(test: test), holds != trainedOn {
      throw FineTuningError.wrongTestSet(
        checkpoint: url.path, trainedOn: trainedOn.title, data: dataDirectory.path,
        holds: holds.title)
    }
    if let label = test.labels.max(), Int(label) >= model.config.classes {
      throw CheckpointError.invalidMetadata(
        path: url.path, reason: "the model has \(model.config.classes) classes, the test set has label \(label)")
    }
    let normalization = TrainingCheckpoint.normalization(from: metadata)
    let evaluation = Evaluation(model: model, images: test, normalization: normalization, batchSize: 500)
    let names = FineTuningMetadata.classNames(from: metadata)
    if json {
      let report = EvaluationReport(
        evaluation: evaluation, names: names, checkpoint: url.path, data: dataDirectory.path,
        confusedPairs: Self.confusedPairs)
      FileHandle.standardOutput.write(try report.encoded() + Data("\n".utf8))
      return
    }
    emit("Model: \(url.path)")
    emit("Data: \(dataDirectory.path) (\(origin))")
    emit("Test set: \(Format.grouped(test.count)) images")
    emit(
      "Accuracy: \(Format.fixed(evaluation.accuracy * 100, 2))% "
        + "(\(Format.grouped(evaluation.correct))/\(Format.grouped(evaluation.count))), "
        + "loss \(Format.fixed(evaluation.loss, 4))")
    // A digit model under the bar the training run itself prints has learned too little
    // for its tables to mean much; the line says so and how to train one that has.
    if trainedOn == .mnist {
      let readiness = Readiness.accuracy(
        evaluation.accuracy, atLeast: TrainingSession.learnedAccuracy, what: "this digit model's test accuracy",
        fix: "train it with the default recipe:", command: hintCommand(train))
      if !readiness.isReady {
        for line in readiness.lines(width: 80) { emit(line) }
      }
    }
    let lines = EvaluationTables(evaluation: evaluation, names: names, confusedPairs: Self.confusedPairs)
    for line in lines.perClass + [""] + lines.mostConfused + [""] + lines.confusionMatrix { emit(line) }
  }
}
