import ArgumentParser
import DSDC
import Foundation

/// `dsdc model`: the network's table, computed from the model itself.
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model", abstract: "Print DSDC-Net layer by layer: output shape, parameters, multiply-adds, receptive field.")

  func run() throws {
    var generator = SeededGenerator(seed: 0)
    let model = DSDCNet(using: &generator)
    print(model.summary.table)
  }
}

/// Options naming a trained checkpoint.
struct CheckpointOption: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("A model.safetensors or checkpoint.safetensors (default: OUTPUT/train/model.safetensors).", valueName: "file"))
  var checkpoint: String?

  /// The file named, or lesson 8's model in `outputDirectory`.
  func url(outputDirectory: URL) -> URL {
    checkpoint.map { URL(fileURLWithPath: $0) }
      ?? outputDirectory.appendingPathComponent("train").appendingPathComponent(TrainingCheckpoint.modelFileName)
  }

  func load(outputDirectory: URL) throws -> (model: DSDCNet, metadata: [String: String], url: URL) {
    let url = url(outputDirectory: outputDirectory)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw CheckpointError.cannotRead(path: url.path, message: checkpoint == nil
        ? "no trained model yet — train one with: swift run -c release dsdc train"
        : "no such file")
    }
    let (model, metadata) = try TrainingCheckpoint.loadModel(from: url)
    return (model, metadata, url)
  }
}

/// `dsdc evaluate`.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate", abstract: "Accuracy, per-class accuracy and the confusion matrix of a trained model on the test set.")

  @OptionGroup var common: CommonOptions
  @OptionGroup var checkpoint: CheckpointOption

  func run() throws {
    let (model, metadata, url) = try checkpoint.load(outputDirectory: common.outputDirectory)
    // A model is evaluated on the test set of the data it trained on (recorded in its
    // metadata; older checkpoints: a fine-tuned model's task, else MNIST) unless --data
    // says otherwise.
    let task = FineTuningMetadata.task(from: metadata)
    let recorded = DatasetIdentity(metadata: metadata)
    let trainedOn: KnownDataset?
    if let recorded { trainedOn = recorded.known } else { trainedOn = task.flatMap { KnownDataset(rawValue: $0.name) } ?? .mnist }
    let fashion = FineTuningTask.fashionMNIST
    let defaultDirectory = trainedOn == .fashionMNIST ? fashion.resolve(option: nil) : common.dataDirectory
    let dataDirectory = common.data == nil ? defaultDirectory : common.dataDirectory
    let size = model.config.imageSize
    let test = try trainedOn == .fashionMNIST && common.data == nil
      ? fashion.loadSplit(.test, directory: dataDirectory, imageSize: size)
      : MNISTDataset.loadSplit(.test, directory: dataDirectory, imageSize: size)
    if let trainedOn, let holds = KnownDataset.identify(test: test), holds != trainedOn {
      throw FineTuningError.wrongTestSet(checkpoint: url.path, trainedOn: trainedOn.title, data: dataDirectory.path,
                                         holds: holds.title)
    }
    if let label = test.labels.max(), Int(label) >= model.config.classes {
      throw CheckpointError.invalidMetadata(
        path: url.path, reason: "the model has \(model.config.classes) classes, the test set has label \(label)")
    }
    let normalization = TrainingCheckpoint.normalization(from: metadata)
    let evaluation = Evaluation(model: model, images: test, normalization: normalization, batchSize: 500)
    let names = FineTuningMetadata.classNames(from: metadata)
    emit("Model: \(url.path)")
    emit("Test set: \(test.count) images from \(dataDirectory.path)")
    emit("Accuracy: \(Format.fixed(evaluation.accuracy * 100, 2))% (\(evaluation.correct)/\(evaluation.count)), loss \(Format.fixed(evaluation.loss, 4))")
    emit("")
    emit("Per class:")
    for (c, accuracy) in evaluation.perClassAccuracy.enumerated() {
      emit("  \(c): \(Format.fixed(accuracy * 100, 2))%" + (names.flatMap { c < $0.count ? "  " + $0[c] : nil } ?? ""))
    }
    emit("")
    emit("Confusion matrix (rows: true class, columns: predicted):")
    emit("      " + (0..<evaluation.confusion.count).map { String(format: "%5d", $0) }.joined())
    for (c, row) in evaluation.confusion.enumerated() {
      emit(String(format: "  %2d  ", c) + row.map { String(format: "%5d", $0) }.joined())
    }
  }
}

/// `dsdc predict IMAGE.png`.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict", abstract: "Classify your own picture of a digit (any PNG), the MNIST way.")

  @Argument(help: "A PNG of one digit: gray, RGB or RGBA, any size, dark-on-light or light-on-dark.")
  var image: String

  @OptionGroup var common: CommonOptions
  @OptionGroup var checkpoint: CheckpointOption

  @Option(name: .customLong("max-pixels"), help: ArgumentHelp(
    "Refuse pictures with more pixels than this (guards against hostile files).", valueName: "n"))
  var maxPixels: Int = PNGFile.defaultPixelLimit

  func validate() throws {
    try checkBounds(maxPixels, "--max-pixels", OptionLimits.maxPixels)
  }

  func run() throws {
    let (model, metadata, url) = try checkpoint.load(outputDirectory: common.outputDirectory)
    let picture = try PNGFile.read(image, channels: 1, pixelLimit: maxPixels)
    guard model.config.imageSize == 28 else {
      throw CheckpointError.invalidMetadata(
        path: url.path,
        reason: "predict prepares 28×28 pictures; this model takes \(model.config.imageSize)×\(model.config.imageSize)")
    }
    // A fine-tuned model's task says how its pictures were framed (Fashion-MNIST: the
    // object fills the 28×28 square); MNIST digits sit in 20×20, centred by mass.
    let task = FineTuningMetadata.task(from: metadata)
    let framing = task?.framing ?? .digit
    let pixels: [UInt8]
    do {
      pixels = try DigitPreprocessor.mnistStyle(gray: picture.pixels, width: picture.width, height: picture.height,
                                                framing: framing)
    } catch {
      DSDCCommand.fail("\(image) shows no digit: nothing stands out from its background — HINT: use a picture of one dark digit on a light background, or light on dark")
    }
    let normalization = TrainingCheckpoint.normalization(from: metadata)
    let digit = LabeledImages(count: 1, rows: 28, columns: 28, pixels: pixels, labels: [0])
    let input = normalization.tensor(digit, indices: 0..<1)
    let logits = model.logits(input: input)
    let peak = logits.storage.max()!
    let exps = logits.storage.map { Foundation.exp(Double($0 - peak)) }
    let total = exps.reduce(0, +)
    let ranked = exps.enumerated().map { ($0.offset, $0.element / total) }.sorted { $0.1 > $1.1 }
    var lines = ["Model: \(url.path)",
                 "Image: \(image) (\(picture.width)×\(picture.height)), preprocessed to 28×28 the \(task?.title ?? "MNIST") way"]
    let names = FineTuningMetadata.classNames(from: metadata)
    for (rank, (c, p)) in ranked.prefix(3).enumerated() {
      let name = names.flatMap { c < $0.count ? " " + $0[c] : nil } ?? ""
      lines.append("  \(rank + 1). \(c)\(name)  \(Format.fixed(p * 100, 1))%")
    }
    lines.forEach(emit)
    let folder = common.outputDirectory.appendingPathComponent("predict")
    try OutputFolder.create(folder)
    var files: [URL] = []
    let inputURL = folder.appendingPathComponent("input.png")
    try DigitValueFigure(title: "\(URL(fileURLWithPath: image).lastPathComponent) as the network sees it", pixels: pixels).writePNG(to: inputURL.path)
    files.append(inputURL)
    let mapsURL = folder.appendingPathComponent("feature-maps.png")
    try ActivationFigure.make(model.activations(image: input)).writePNG(to: mapsURL.path)
    files.append(mapsURL)
    try LessonRecord(number: 0, title: "Prediction", articleSection: "§5", lines: lines,
                     files: files.map(\.lastPathComponent), error: nil, settings: ["checkpoint": url.path],
                     date: ISO8601DateFormatter().string(from: Date()))
      .save(to: folder.appendingPathComponent("run.json"))
    listWrittenFiles(files)
  }
}
