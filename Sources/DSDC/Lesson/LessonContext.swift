import Foundation

/// Settings shared by every lesson of a run (from the command line).
public struct LessonSettings: Sendable {
  /// The IDX folder (`--data`, `DSDC_DATA`, or `Data/mnist`).
  public var dataDirectory: URL
  /// Where lesson folders are written (`--output`, default `Output`).
  public var outputDirectory: URL
  /// The test image the lessons study (`--sample`).
  public var sample: Int
  /// A PNG of one digit that lessons 1–7 study instead of test image `sample`
  /// (`--image`), preprocessed as `dsdc predict` does; `nil` for the test image.
  public var image: String?
  /// The seed of every random choice (`--seed`).
  public var seed: UInt64
  /// Epochs of the training lessons 8 and 9 (`--epochs`); nil: each lesson's own.
  public var epochs: Int?
  /// Lessons 8 and 9 train on the first `trainLimit` training images (`--train-limit`);
  /// nil: each lesson's own budget.
  public var trainLimit: Int?
  /// The Fashion-MNIST folder of the fine-tuning lesson (`--finetune-data`); nil: found
  /// as `FineTuningTask.resolve(option:)` says.
  public var fineTuneData: String?
  /// How the suggested commands start: the words that ran this program (`dsdc`, a
  /// path, or `swift run -c release dsdc`; see `ToolInvocation`).
  public var program: [String] = [ToolInvocation.productName]

  /// The default lesson digit: test image 8, an ordinary upright "5" with
  /// straight strokes, curves and a corner, so every filter has something to find.
  public static let defaultSample = 8

  public init(
    dataDirectory: URL, outputDirectory: URL, sample: Int = defaultSample, image: String? = nil,
    seed: UInt64 = defaultSeed, epochs: Int? = nil, trainLimit: Int? = nil, fineTuneData: String? = nil
  ) {
    self.dataDirectory = dataDirectory
    self.outputDirectory = outputDirectory
    self.sample = sample
    self.image = image
    self.seed = seed
    self.epochs = epochs
    self.trainLimit = trainLimit
    self.fineTuneData = fineTuneData
  }

  /// The seed of a run that names none: 0.
  public static let defaultSeed: UInt64 = 0

  /// Whether the run sets the training lessons' budget (`--epochs` or `--train-limit`
  /// given) instead of leaving each lesson its own.
  public var setsTrainingBudget: Bool { epochs != nil || trainLimit != nil }

  /// The training knobs the run was given, as `lesson.json` records them under the
  /// options' names: `epochs`, `train-limit`, `finetune-data`.
  var givenTrainingOptions: [String: String] {
    var given: [String: String] = [:]
    if let epochs { given["epochs"] = String(epochs) }
    if let trainLimit { given["train-limit"] = String(trainLimit) }
    if let fineTuneData { given["finetune-data"] = fineTuneData }
    return given
  }
}

/// The lessons' window on the world: settings, the dataset (loaded once per run),
/// printing that is also recorded, checks, and files written into the lesson's
/// own folder and listed at the end of the run.
public final class LessonContext {
  /// The run's settings.
  public let settings: LessonSettings
  /// The lesson now running.
  public private(set) var lesson: LessonInfo?
  /// Every line printed, per lesson number.
  public private(set) var transcripts: [Int: [String]] = [:]
  /// Every file written, in order.
  public private(set) var writtenFiles: [URL] = []
  /// The current lesson's maps for the report page's explorer (`recordExplorable`).
  public internal(set) var explorables = ExploreFile()
  /// Checks that failed in the current lesson.
  public private(set) var failedChecks: [String] = []
  /// Where printed lines go (standard output by default; tests capture them).
  public var printer: (String) -> Void = { print($0) }
  /// Where a long computation's in-place progress line goes (nowhere by default;
  /// the tool draws it on a terminal). Not recorded.
  public var progressLine: (String) -> Void = { _ in }

  private var testSplit: LabeledImages?
  private var trainSplit: LabeledImages?
  private var picture: LessonDigit?
  /// Whether the current lesson studied the `--image` picture (recorded in `lesson.json`).
  private var studiedPicture = false

  public init(settings: LessonSettings) {
    self.settings = settings
  }

  // MARK: - Running

  /// Runs one lesson: prints its heading, runs it, and fails if any check failed.
  public func run(_ lesson: Lesson.Type) throws {
    let info = lesson.info
    self.lesson = info
    failedChecks = []
    studiedPicture = false
    explorables = ExploreFile()
    say("")
    say("━━ Lesson \(info.number) — \(info.title)  (article \(info.articleSection))")
    say("")
    let firstFile = writtenFiles.count
    do {
      try lesson.run(self)
      if !failedChecks.isEmpty {
        throw checksFailedError(info.number)
      }
    } catch {
      // A lesson that failed midway records its error beside what it wrote; one that
      // failed before writing anything (bad data folder, bad --sample) leaves no trace.
      if writtenFiles.count > firstFile {
        try? saveRecord(info, files: writtenFiles[firstFile...], error: "\(error)")
      }
      throw error
    }
    try saveRecord(info, files: writtenFiles[firstFile...], error: nil)
  }

  /// Saves what the lesson printed and wrote as `lesson.json` in its folder.
  private func saveRecord(_ info: LessonInfo, files: ArraySlice<URL>, error: String?) throws {
    let root = settings.outputDirectory.standardizedFileURL.path + "/"
    var runSettings = ["seed": String(settings.seed), "data": settings.dataDirectory.path]
    if studiedPicture, let image = settings.image {
      runSettings["image"] = image
    } else {
      runSettings["sample"] = String(settings.sample)
    }
    let record = LessonRecord(
      number: info.number, title: info.title, articleSection: info.articleSection,
      lines: transcripts[info.number] ?? [],
      files: files.map { url in
        let path = url.standardizedFileURL.path
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
      },
      error: error,
      settings: runSettings.merging(settings.givenTrainingOptions) { a, _ in a },
      date: ISO8601DateFormatter().string(from: Date()))
    try saveExplorables()
    try record.save(to: try folder().appendingPathComponent(LessonRecord.fileName))
  }

  /// Writes the lesson's explorable maps as `explore.json`, or removes an earlier run's.
  private func saveExplorables() throws {
    let url = try folder().appendingPathComponent(ExploreFile.fileName)
    guard !explorables.maps.isEmpty else {
      try? FileManager.default.removeItem(at: url)
      return
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try OutputFolder.writeAtomically(try encoder.encode(explorables), to: url)
  }

  // MARK: - Talking

  /// The widest a printed line may be, in terminal columns (`DisplayWidth`).
  public static let lineWidth = 80

  /// Prints a line and records it in the lesson's transcript; a line wider than
  /// `lineWidth` is broken at spaces first (`ProseWrap`), trailing spaces dropped.
  public func say(_ line: String = "") {
    var line = line
    while line.last == " " { line.removeLast() }
    for part in ProseWrap.lines(line, width: Self.lineWidth) { sayWhole(part) }
  }

  /// Prints a line as it is, however wide: a path the reader copies whole.
  func sayWhole(_ line: String) {
    printer(line)
    transcripts[lesson?.number ?? 0, default: []].append(line)
  }

  /// Prints a line like `say`, its continuation lines (if it is wider than `lineWidth`)
  /// starting with `continuation`: an item of a list whose text starts in a column of its own.
  public func say(_ line: String, continuation: String) {
    for part in ProseWrap.lines(line, width: Self.lineWidth, continuation: continuation) { sayWhole(part) }
  }

  /// Checks a claim the lesson makes: prints `✓ claim` or `✗ claim` and remembers failures.
  @discardableResult
  public func check(_ condition: Bool, _ claim: String) -> Bool {
    say((condition ? "  ✓ " : "  ✗ ") + claim)
    if !condition { failedChecks.append(claim) }
    return condition
  }

  /// The error for failed checks: a bug in dsdc on the full MNIST, or other data.
  private func checksFailedError(_ lesson: Int) -> LessonError {
    let fullTest = testSplit.map { KnownDataset.identify(test: $0) == .mnist } ?? true
    let fullTrain = trainSplit.map { $0.count == 60_000 } ?? true
    guard !(fullTest && fullTrain) else { return .checksFailed(lesson: lesson, failed: failedChecks) }
    let counts = [trainSplit.map { "\($0.count) training" }, testSplit.map { "\($0.count) test" }].compactMap { $0 }
    let data = "\(settings.dataDirectory.path) (\(counts.joined(separator: " and ")) images)"
    let verify = ["data", "--verify", "--data", DisplayPath.of(settings.dataDirectory)]
    return .checksFailedOnOtherData(
      lesson: lesson, failed: failedChecks, data: data, verify: ShellQuoting.line(settings.program + verify))
  }

  // MARK: - Data

  /// The size of the images the lessons take: DSDC-Net's input, 28×28.
  private static let imageSize = DSDCNetConfig().imageSize

  /// The test split, loaded on first use.
  public func testSet() throws -> LabeledImages {
    if let testSplit { return testSplit }
    let split = try MNISTDataset.loadSplit(.test, directory: settings.dataDirectory, imageSize: Self.imageSize)
    testSplit = split
    return split
  }

  /// The test split if a lesson has loaded it (nil: not needed so far, perhaps not there).
  var loadedTestSet: LabeledImages? { testSplit }

  /// The training split, loaded on first use.
  public func trainSet() throws -> LabeledImages {
    if let trainSplit { return trainSplit }
    let split = try MNISTDataset.loadSplit(.train, directory: settings.dataDirectory, imageSize: Self.imageSize)
    trainSplit = split
    return split
  }

  /// The lesson digit as a `(1, 1, 28, 28)` tensor of raw values 0…255, and its label.
  public func sampleDigit() throws -> (image: Tensor, label: Int) {
    let test = try testSet()
    guard settings.sample >= 0 && settings.sample < test.count else {
      throw LessonError.sampleOutOfRange(sample: settings.sample, count: test.count)
    }
    return (test.rawTensor(settings.sample), Int(test.labels[settings.sample]))
  }

  /// The digit lessons 1–7 study: the `--image` picture (read and preprocessed once per
  /// run) or test image `--sample`. Lessons that train or evaluate use `sampleDigit()`.
  public func lessonDigit() throws -> LessonDigit {
    guard let path = settings.image else {
      let test = try testSet()
      guard settings.sample >= 0 && settings.sample < test.count else {
        throw LessonError.sampleOutOfRange(sample: settings.sample, count: test.count)
      }
      return LessonDigit(test: test, index: settings.sample)
    }
    let digit = try picture ?? LessonDigit(picture: path)
    picture = digit
    studiedPicture = true
    return digit
  }

  // MARK: - Files

  /// The current lesson's output folder, created if needed.
  public func folder() throws -> URL {
    let name = lesson?.folderName ?? "misc"
    let url = settings.outputDirectory.appendingPathComponent(name)
    try OutputFolder.create(url)
    return url
  }

  /// The path for a file in the lesson's folder, e.g. `Output/03-depthwise/maps.png`.
  public func path(_ name: String) throws -> URL {
    try folder().appendingPathComponent(name)
  }

  /// Records a file the lesson wrote, for the list at the end of the run.
  public func recordWritten(_ url: URL) {
    writtenFiles.append(url)
  }
}
