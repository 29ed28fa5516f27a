import ArgumentParser
import DSDC
import Foundation

/// `dsdc predict IMAGE.png …`.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Classify your own pictures of digits (any PNG), the MNIST way.",
    usage: "dsdc predict <picture.png> ... [<options>]",
    discussion: """
      Each picture is made to look like the model's training images (for MNIST: gray, the digit fitted \
      into 20×20 and centred by mass in 28×28), shown in the terminal as the network sees it, and \
      classified. Each picture gets its own folder, OUTPUT/predict/NAME/, with that 28×28 input and \
      the feature maps; NAME is the file's name without extension, with characters other than \
      letters, digits, _ . - replaced by -, and -2, -3, … added when two pictures share a name. \
      OUTPUT/predict/run.json records the latest run for `dsdc report`.
      """)

  @Argument(
    help: ArgumentHelp(
      "PNGs of one digit each: gray, RGB or RGBA, any size, dark-on-light or light-on-dark.",
      valueName: "picture.png"))
  var images: [String]

  @OptionGroup var checkpoint: CheckpointOption

  @Option(name: .long, help: ArgumentHelp("Folder for everything the run writes (into predict/).", valueName: "dir"))
  var output: String = "Output"

  @Option(
    name: .customLong("max-pixels"),
    help: ArgumentHelp("Refuse pictures with more pixels than this (guards against hostile files).", valueName: "n"))
  var maxPixels: Int = PNGFile.defaultPixelLimit

  func validate() throws {
    guard !images.isEmpty else { throw ValidationError("name at least one PNG picture: dsdc predict FILE.png") }
    try checkBounds(maxPixels, "--max-pixels", OptionLimits.maxPixels)
  }

  /// One input picture, read and prepared.
  struct Picture {
    var path: String
    var width: Int
    var height: Int
    /// The 28×28 gray pixels the network sees, row-major, 0 = background.
    var pixels: [UInt8]
  }

  func run() throws {
    let outputDirectory = URL(fileURLWithPath: output)
    let train = output == "Output" ? ["train"] : ["train", "--output", output]
    let (model, metadata, url) = try checkpoint.load(outputDirectory: outputDirectory, train: train)
    guard model.config.imageSize == 28 else {
      throw CheckpointError.invalidMetadata(
        path: url.path,
        reason: "predict prepares 28×28 pictures; this model takes \(model.config.imageSize)×\(model.config.imageSize)")
    }
    // A fine-tuned model's task says how its pictures were framed (Fashion-MNIST: the
    // object fills the 28×28 square); MNIST digits sit in 20×20, centred by mass.
    let task = FineTuningMetadata.task(from: metadata)
    let framing = task?.framing ?? .digit
    // Every picture is read and checked before anything is written.
    let pictures = try images.map { path in
      let picture = try PNGFile.read(path, channels: 1, pixelLimit: maxPixels)
      do {
        let pixels = try DigitPreprocessor.mnistStyle(
          gray: picture.pixels, width: picture.width, height: picture.height, framing: framing)
        return Picture(path: path, width: picture.width, height: picture.height, pixels: pixels)
      } catch {
        throw LessonError.noDigit(path: path)
      }
    }
    let folders = FolderName.distinct(images.map(FolderName.safe(stem:)))
    let predictFolder = outputDirectory.appendingPathComponent("predict")
    try OutputFolder.create(predictFolder)
    let normalization = TrainingCheckpoint.normalization(from: metadata)
    let names = FineTuningMetadata.classNames(from: metadata)
    let way = task?.title ?? "MNIST"

    var record = ["Model: \(url.path)"]
    emit(record[0])
    var files: [URL] = []
    for (picture, name) in zip(pictures, folders) {
      let digit = LabeledImages(count: 1, rows: 28, columns: 28, pixels: picture.pixels, labels: [0])
      let input = normalization.tensor(digit, indices: 0..<1)
      let logits = model.logits(input: input)
      let peak = logits.storage.max()!
      let exps = logits.storage.map { Foundation.exp(Double($0 - peak)) }
      let total = exps.reduce(0, +)
      let ranked = exps.enumerated().map { ($0.offset, $0.element / total) }.sorted { $0.1 > $1.1 }
      let heading = "\(picture.path) (\(picture.width)×\(picture.height)), prepared to 28×28 the \(way) way:"
      var lines: [String] = []
      for (rank, (c, p)) in ranked.prefix(3).enumerated() {
        let className = names.flatMap { c < $0.count ? " " + $0[c] : nil } ?? ""
        let percent = Format.fixed(p * 100, 1)
        lines.append(
          "  \(rank + 1). \(c)\(className) " + String(repeating: " ", count: max(0, 5 - percent.count)) + percent + "%")
      }
      emit("")
      emit(heading)
      for row in Self.preview(picture.pixels) { emit("    " + row) }
      lines.forEach(emit)
      record += ["", heading] + lines

      let folder = predictFolder.appendingPathComponent(name)
      try OutputFolder.create(folder)
      let inputURL = folder.appendingPathComponent("input.png")
      let title = "\(URL(fileURLWithPath: picture.path).lastPathComponent) as the network sees it"
      try DigitValueFigure(title: title, pixels: picture.pixels).writePNG(to: inputURL.path)
      let mapsURL = folder.appendingPathComponent("feature-maps.png")
      try ActivationFigure.make(model.activations(image: input)).writePNG(to: mapsURL.path)
      let written = [inputURL, mapsURL]
      try makeRecord(
        lines: [heading] + lines, files: written.map(\.lastPathComponent), checkpoint: url,
        images: [picture.path]
      )
      .save(to: folder.appendingPathComponent("run.json"))
      files += written
    }
    // The run as a whole, for the report page's "Predictions" section.
    try makeRecord(
      lines: record, files: files.map { "\($0.deletingLastPathComponent().lastPathComponent)/\($0.lastPathComponent)" },
      checkpoint: url, images: images
    )
    .save(to: predictFolder.appendingPathComponent("run.json"))
    listWrittenFiles(files)
  }

  /// The 28×28 input in shades of text (two characters per pixel), framed so that
  /// its edges show: 58 columns.
  static func preview(_ pixels: [UInt8]) -> [String] {
    let plane = Tensor(shape: [28, 28], storage: pixels.map(Float.init))
    let rows = TerminalPreview.shaded(plane, range: (0, 255))
    let rule = String(repeating: "─", count: 56)
    return ["┌" + rule + "┐"] + rows.map { "│" + $0 + "│" } + ["└" + rule + "┘"]
  }

  func makeRecord(lines: [String], files: [String], checkpoint: URL, images: [String]) -> LessonRecord {
    LessonRecord(
      number: 0, title: "Prediction", articleSection: "§5", lines: lines, files: files, error: nil,
      settings: ["checkpoint": checkpoint.path, "images": images.joined(separator: ", ")],
      date: ISO8601DateFormatter().string(from: Date()))
  }
}
