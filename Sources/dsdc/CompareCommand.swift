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
      (standard, dilated, separable, dsdc, standard-small). Each trains with the default recipe at \
      batch 64 (that of the runs in docs/comparison.md) and the same batches for every seed; the run prints cost, accuracy (mean ± SD over seeds), \
      speed, theoretical and effective receptive fields, and a verdict per claim. Writes \
      <output>/compare/: the figures and each network's seed-0 model.

      A stopped comparison continues where it stopped: every finished run, and the run \
      under way after each epoch, is kept in <output>/compare/runs/, and the same command \
      run again trains only what is missing (the results are the same bits as an \
      uninterrupted run's). Runs of other settings are kept apart; more seeds or other \
      networks at the same settings reuse the runs they share.
      """)

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Networks to compare, comma-separated. (default: all five: "
        + "\(ComparisonVariant.allCases.map(\.rawValue).joined(separator: ",")))",
      valueName: "list"))
  var variants: String?

  /// The ranges `validate` enforces and the help states; epochs and threads are the
  /// recipe's (`RecipeLimits`), the rest belong to the comparison.
  enum Bounds {
    static let epochs = RecipeLimits.epochs
    static let seeds = 1...20
    static let trainLimit = 64...60_000
    static let testLimit = 100...10_000
    static let fieldImages = 1...10_000
    static let threads = RecipeLimits.threads
  }

  @Option(name: .long, help: "Passes over the training images, \(Bounds.epochs.help).")
  var epochs: Int = TrainingRecipe().epochs

  @Option(name: .long, help: "Seeds per network, \(Bounds.seeds.help): --seed, --seed + 1, …")
  var seeds: Int = 3

  @Option(
    name: .customLong("train-limit"),
    help: ArgumentHelp(
      "Train on the first N training images, \(Bounds.trainLimit.help). (default: all)", valueName: "n"))
  var trainLimit: Int?

  @Option(
    name: .customLong("test-limit"),
    help: ArgumentHelp(
      "Measure accuracy on the first N test images, \(Bounds.testLimit.help). (default: all)", valueName: "n"))
  var testLimit: Int?

  @Option(
    name: .customLong("field-images"),
    help: ArgumentHelp(
      "Test digits the effective receptive field averages, \(Bounds.fieldImages.help).", valueName: "n"))
  var fieldImages: Int = 500

  @Option(name: .long, help: "Worker threads, \(Bounds.threads.help); the same count gives bit-identical results.")
  var threads: Int = TrainingRecipe.defaultThreads

  @OptionGroup var dataOption: DataOption

  @Option(name: .long, help: ArgumentHelp("Folder for everything the run writes (into compare/).", valueName: "dir"))
  var output: String = "Output"

  @Option(name: .long, help: "The first seed.")
  var seed: UInt64 = 0

  @Flag(name: .long, help: "Train every run again, discarding the runs kept for these settings.")
  var fresh = false

  func validate() throws {
    try checkBounds(epochs, "--epochs", Bounds.epochs)
    try checkBounds(seeds, "--seeds", Bounds.seeds)
    try checkBounds(trainLimit, "--train-limit", Bounds.trainLimit)
    try checkBounds(testLimit, "--test-limit", Bounds.testLimit)
    try checkBounds(fieldImages, "--field-images", Bounds.fieldImages)
    try checkBounds(threads, "--threads", Bounds.threads)
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
    var recipe = ComparisonSettings.defaultRecipe
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
    // One comparison per folder: a second one stops here, before it touches the kept runs.
    let lock = try FolderLock(folder)
    defer { lock.release() }
    let store = ComparisonRunStore(folder: folder, settings: settings, data: DatasetIdentity(train: train, test: test))
    if fresh { try store.clear() }
    emit("Comparing \(settings.variants.map(\.rawValue).joined(separator: ", ")):")
    emit(
      "\(epochs) epoch(s) of \(Format.grouped(min(trainLimit ?? train.count, train.count))) training images,"
        + " seeds \(settings.seeds.map(String.init).joined(separator: ", ")), \(threads) thread(s).")
    let kept = (output as NSString).appendingPathComponent("compare/runs/" + store.key)
    emit("Each finished run and epoch is kept in \(kept)/;")
    emit("after a stop, the same command continues the comparison.")
    // Ctrl-C (or SIGTERM): what is kept, and the command that continues (without --fresh).
    let again = hintCommand(Array(CommandLine.arguments.dropFirst()).filter { $0 != "--fresh" })
    let clear = ProgressLine.isTerminal ? "\r\u{1B}[2K" : ""
    let message =
      clear + "interrupted — finished runs and epochs are kept in \(kept)/; continue with: " + again + "\n"
    Interruption.prepare(beforeSave: message, afterSave: message)
    let started = ContinuousClock.now
    let run = ComparisonRun(settings: settings)
    run.store = store
    run.say = { emit("  " + $0) }
    run.progressLine = ProgressLine.update
    var report = try run.run(train: train, test: test, folder: folder)
    var full = ["compare", "--epochs", "9", "--seeds", "3"]
    if output != "Output" { full += ["--output", output] }
    if let data = dataOption.data { full += ["--data", data] }
    report.fullBudgetCommand = hintCommand(full)
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
    if run.keptRuns + run.resumedRuns > 0 {
      let training = Int(run.trainingSeconds.rounded())
      emit(
        "Of \(settings.variants.count * settings.seeds.count) runs, \(run.keptRuns) were kept from before and"
          + " \(run.resumedRuns) continued from a saved epoch;")
      emit("the training time of all runs: \(training / 60) min \(training % 60) s.")
    }
    listWrittenFiles(written)
  }
}
