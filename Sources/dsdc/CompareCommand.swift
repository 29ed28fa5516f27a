import ArgumentParser
import DSDC
import Foundation

/// `dsdc compare`: lesson 9's experiment at any budget.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Train standard, dilated, separable and DSDC networks alike and test the article's claims.",
    usage: "dsdc compare [<options>]",
    discussion: """
      Five networks share DSDC-Net's skeleton and differ only in each block's convolution \
      (standard, dilated, separable, dsdc, standard-small). Each trains with the default recipe \
      and the same batches for every seed; the run prints cost, accuracy (mean ± SD over seeds), \
      speed, theoretical and effective receptive fields, and a verdict per claim. Writes \
      <output>/compare/: the figures and each network's seed-0 model.
      """)

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Networks to compare, comma-separated. (default: all five: "
        + "\(ComparisonVariant.allCases.map(\.rawValue).joined(separator: ",")))",
      valueName: "list"))
  var variants: String?

  @Option(name: .long, help: "Passes over the training images, 1…100.")
  var epochs: Int = TrainingRecipe().epochs

  @Option(name: .long, help: "Seeds per network, 1…20: --seed, --seed + 1, …")
  var seeds: Int = 3

  @Option(
    name: .customLong("train-limit"),
    help: ArgumentHelp(
      "Train on the first N training images, 64…60000. (default: all)", valueName: "n"))
  var trainLimit: Int?

  @Option(
    name: .customLong("test-limit"),
    help: ArgumentHelp(
      "Measure accuracy on the first N test images, 100…10000. (default: all)", valueName: "n"))
  var testLimit: Int?

  @Option(
    name: .customLong("field-images"),
    help: ArgumentHelp(
      "Test digits the effective receptive field averages, 1…10000.", valueName: "n"))
  var fieldImages: Int = 500

  @Option(name: .long, help: "Worker threads, 1…64; the same count gives bit-identical results.")
  var threads: Int = 2

  @OptionGroup var dataOption: DataOption

  @Option(name: .long, help: ArgumentHelp("Folder for everything the run writes (into compare/).", valueName: "dir"))
  var output: String = "Output"

  @Option(name: .long, help: "The first seed.")
  var seed: UInt64 = 0

  func validate() throws {
    func bound(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
      guard range.contains(value) else {
        throw ValidationError("--\(name) must be \(range.lowerBound)…\(range.upperBound), got \(value)")
      }
    }
    try bound("epochs", epochs, 1...100)
    try bound("seeds", seeds, 1...20)
    if let trainLimit { try bound("train-limit", trainLimit, 64...60_000) }
    if let testLimit { try bound("test-limit", testLimit, 100...10_000) }
    try bound("field-images", fieldImages, 1...10_000)
    try bound("threads", threads, 1...64)
    guard seed <= UInt64.max - UInt64(seeds) else { throw ValidationError("--seed is too large for \(seeds) seeds") }
    _ = try chosenVariants()
  }

  /// The `--variants` list, in the order given.
  func chosenVariants() throws -> [ComparisonVariant] {
    guard let variants else { return ComparisonVariant.allCases }
    var chosen: [ComparisonVariant] = []
    for name in variants.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
      guard let variant = ComparisonVariant(rawValue: name) else {
        throw ValidationError(
          "--variants: unknown network '\(name)'; choose from \(ComparisonVariant.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      if !chosen.contains(variant) { chosen.append(variant) }
    }
    guard !chosen.isEmpty else { throw ValidationError("--variants names no network") }
    return chosen
  }

  func run() throws {
    var recipe = TrainingRecipe()
    recipe.epochs = epochs
    recipe.threads = threads
    recipe.trainLimit = trainLimit
    let settings = ComparisonSettings(
      variants: try chosenVariants(), seeds: (0..<UInt64(seeds)).map { seed + $0 }, recipe: recipe,
      curveTestLimit: testLimit, testLimit: testLimit, fieldImages: fieldImages)
    let data = try dataOption.locate()
    let dataDirectory = data.directory
    DataOption.announce(data)
    let train = try MNISTDataset.loadSplit(.train, directory: dataDirectory)
    let test = try MNISTDataset.loadSplit(.test, directory: dataDirectory)
    let folder = URL(fileURLWithPath: output).appendingPathComponent("compare")
    try OutputFolder.create(folder)
    emit(
      "Comparing \(settings.variants.map(\.rawValue).joined(separator: ", ")): \(epochs) epoch(s) of"
        + " \(Format.grouped(min(trainLimit ?? train.count, train.count))) training images, seeds"
        + " \(settings.seeds.map(String.init).joined(separator: ", ")), \(threads) thread(s).")
    let started = ContinuousClock.now
    let run = ComparisonRun(settings: settings)
    run.say = { emit("  " + $0) }
    run.progressLine = ProgressLine.update
    let report = try run.run(train: train, test: test, folder: folder)
    let elapsed = (ContinuousClock.now - started).components.seconds
    emit("")
    for (title, table) in [
      ("Cost per 28×28 image:", report.costTable),
      (
        "Accuracy on \(Format.grouped(report.testImages)) test images; ERF over \(fieldImages):",
        report.accuracyTable
      ),
      ("Speed (\(threads) thread(s)):", report.speedTable),
    ] {
      emit(title)
      for line in table { emit("  " + line) }
      emit("")
    }
    for line in report.disturbanceLines + [""] + report.verdictLines { emit(line) }
    var written: [URL] = settings.variants.map { folder.appendingPathComponent("\($0.rawValue).safetensors") }
    for (name, figure) in report.figures {
      let url = folder.appendingPathComponent(name)
      try figure.writePNG(to: url.path)
      written.append(url)
    }
    emit("")
    emit("Wall time: \(elapsed / 60) min \(elapsed % 60) s.")
    listWrittenFiles(written)
  }
}
