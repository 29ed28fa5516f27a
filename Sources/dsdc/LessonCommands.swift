import ArgumentParser
import DSDC
import Foundation
import Lessons

/// `dsdc` with no arguments: the lesson list and what to type next.
struct OverviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "overview", abstract: "List the lessons and the next command to type.")

  @Option(name: .long, help: ArgumentHelp("Folder the lessons write to.", valueName: "dir"))
  var output: String = "Output"

  func run() throws {
    let outputFolder = URL(fileURLWithPath: output)
    // The printed commands keep a chosen output folder.
    let outputArguments = output == "Output" ? [] : ["--output", output]
    emit("dsdc — depthwise separable dilated convolution, step by step, on MNIST digits.")
    emit("")
    // Titles padded to the longest, so that the article's sections line up in a column
    // of their own (within 80 columns for the titles and sections there are); never cut.
    let titleWidth = LessonCatalog.all.map { DisplayWidth.of($0.info.title) }.max() ?? 0
    emit("    Lesson" + String(repeating: " ", count: titleWidth) + "Article")
    var next: Int?
    for lesson in LessonCatalog.all {
      let info = lesson.info
      let done = FileManager.default.fileExists(atPath: outputFolder.appendingPathComponent(info.folderName).path)
      if !done && next == nil { next = info.number }
      let mark = done ? "✓" : " "
      let number = (info.number < 10 ? " " : "") + "\(info.number)."
      let title = info.title + String(repeating: " ", count: max(0, titleWidth - DisplayWidth.of(info.title)))
      emit("  \(mark) \(number) \(title)  \(info.articleSection)")
    }
    emit("")
    if let next {
      emit("Next: " + hintCommand(["lesson", String(next)] + outputArguments))
      emit("All in order: " + hintCommand(["lessons"] + outputArguments))
    } else {
      emit("All lessons have run: look at the images in \(output)/, or run them again with:")
      emit("  " + hintCommand(["lessons"] + outputArguments))
    }
    emit("Help: " + hintCommand(["--help"]))
  }
}

/// `dsdc lesson N`.
struct LessonCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lesson", abstract: "Run one numbered lesson.", usage: "dsdc lesson <number> [<options>]")

  @Argument(help: "The lesson's number (`dsdc` with no arguments lists them).")
  var number: Int

  @OptionGroup var common: CommonOptions
  @OptionGroup var digit: LessonDigitOptions
  @OptionGroup var training: LessonTrainingOptions

  func run() throws {
    let all = LessonCatalog.all
    guard let lesson = all.first(where: { $0.info.number == number }) else {
      throw LessonError.unknownLesson(number: number, available: all.first!.info.number...all.last!.info.number)
    }
    let context = try digit.context(common: common, training: training)
    try OutputFolder.create(common.outputDirectory)
    context.progressLine = ProgressLine.update
    context.printer = emit
    defer { listWrittenFiles(context.writtenFiles) }
    try context.run(lesson)
    ReportCommand.writeAfterLessons(common: common)
  }
}

/// `dsdc lessons`: every lesson in order.
struct LessonsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lessons", abstract: "Run every lesson in order, ending with training the full model.",
    usage: "dsdc lessons [<options>]")

  @OptionGroup var common: CommonOptions
  @OptionGroup var digit: LessonDigitOptions
  @OptionGroup var training: LessonTrainingOptions

  @Option(
    name: .long,
    help: ArgumentHelp("Run the lessons up to this number only. (default: all)", valueName: "n"))
  var through: Int?

  func validate() throws {
    let numbers = LessonCatalog.all.map { $0.info.number }
    try checkBounds(through, "--through", (numbers.min() ?? 1)...(numbers.max() ?? 1))
  }

  func run() throws {
    try checkFineTuningData()
    let context = try digit.context(common: common, training: training)
    try OutputFolder.create(common.outputDirectory)
    context.progressLine = ProgressLine.update
    context.printer = emit
    defer { ReportCommand.writeAfterLessons(common: common) }
    defer { listWrittenFiles(context.writtenFiles) }
    for lesson in LessonCatalog.all where lesson.info.number <= (through ?? Int.max) {
      try context.run(lesson)
    }
  }
}

extension LessonsCommand {
  /// The fine-tuning lesson needs Fashion-MNIST: check it is there before the first
  /// lesson starts, not after the lessons that train.
  func checkFineTuningData() throws {
    let lesson = Lesson10FineTuning.info.number
    guard (through ?? Int.max) >= lesson else { return }
    let task = FineTuningTask.fashionMNIST
    do {
      _ = try task.loadSplit(.test, directory: task.resolve(option: training.finetuneData))
    } catch {
      throw ToolError.lessonCannotRun(
        lesson: lesson, reason: "\(error)",
        others: ToolInvocation.current.command(["lessons", "--through", String(lesson - 1)]))
    }
  }
}

/// `--image`: the learner's own digit for lessons 1–7.
struct LessonDigitOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "A PNG of one digit that lessons 1–7 study instead of a test image, preprocessed as `dsdc predict` does "
        + "(not with --sample). Lessons 8–10 train and evaluate on the datasets and keep using the test set.",
      valueName: "file.png"))
  var image: String?

  /// The run's context; with `--image`, the picture is read and checked before any lesson starts.
  func context(common: CommonOptions, training: LessonTrainingOptions) throws -> LessonContext {
    if image != nil && common.sampleOption != nil { throw LessonError.imageAndSample }
    let data = try common.dataOption.locate()
    var settings = common.lessonSettings(dataDirectory: data.directory, image: image)
    training.apply(to: &settings)
    let context = LessonContext(settings: settings)
    if image != nil { _ = try context.lessonDigit() }
    DataOption.announce(data)
    return context
  }
}

/// Settings the training lesson passes on to the trainer (quick runs for smoke tests),
/// and where the fine-tuning lesson finds its dataset. The fine-tuning lesson keeps
/// its own fixed budget whatever --epochs and --train-limit say.
struct LessonTrainingOptions: ParsableArguments {
  @Option(
    name: .long,
    help: """
      Training epochs of lessons 8 and 9, \(RecipeLimits.epochs.help). \
      (default: \(TrainingRecipe().epochs) in lesson 8, \(Lesson09Compare.budget.epochs) in lesson 9)
      """)
  var epochs: Int?

  @Option(
    name: .customLong("train-limit"),
    help: ArgumentHelp(
      """
      Lessons 8 and 9 train on the first N training images only, \(RecipeLimits.trainLimit.help). \
      (default: all in lesson 8, \(Format.grouped(Lesson09Compare.budget.trainLimit)) in lesson 9)
      """, valueName: "n"))
  var trainLimit: Int?

  @Option(name: .customLong("finetune-data"), help: finetuneDataHelp("Fashion-MNIST folder of the fine-tuning lesson."))
  var finetuneData: String?

  func validate() throws {
    try checkBounds(epochs, "--epochs", RecipeLimits.epochs)
    try checkBounds(trainLimit, "--train-limit", RecipeLimits.trainLimit)
  }

  /// Passes the knobs given on to the lessons.
  func apply(to settings: inout LessonSettings) {
    settings.epochs = epochs
    settings.trainLimit = trainLimit
    settings.fineTuneData = finetuneData
  }
}
