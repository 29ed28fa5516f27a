import ArgumentParser
import DSDC
import Foundation

/// `--data`: the MNIST folder, found as `DataLocation` says.
struct DataOption: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Folder with the four MNIST IDX files. (default: $\(DataLocation.environmentVariable), else "
        + "./\(DataLocation.defaultPath), else the \(DataLocation.defaultPath) of the package dsdc was built in)",
      valueName: "dir"))
  var data: String?

  /// The folder to read, and why (see `DataLocation`).
  func locate() throws -> DataLocation.Found {
    try DataLocation.locate(option: data)
  }

  /// Prints the one line that says which folder a run reads: `Data: <folder> (<why>)`.
  static func announce(_ found: DataLocation.Found) {
    emit("Data: \(found.description)")
  }
}

/// The help of a `--finetune-data` option: `what` the folder is, then where it is
/// looked for when the option is not given.
func finetuneDataHelp(_ what: String) -> ArgumentHelp {
  ArgumentHelp(
    "\(what) (default: $\(FineTuningTask.fashionMNIST.environmentVariable), "
      + "else \(FineTuningTask.fashionMNIST.defaultDirectory))",
    valueName: "dir")
}

/// `--output`: the folder a run writes into.
struct OutputOption: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Folder for everything the run writes.", valueName: "dir"))
  var output: String = "Output"

  var outputDirectory: URL { URL(fileURLWithPath: output) }
}

/// Options of the commands that read the data, write files and study a lesson digit
/// (the lessons and `dsdc train`).
struct CommonOptions: ParsableArguments {
  @OptionGroup var dataOption: DataOption
  @OptionGroup var outputOption: OutputOption

  @Option(
    name: .customLong("sample"),
    help: ArgumentHelp(
      "Index of the MNIST test image the lessons study, 0–9999. (default: \(LessonSettings.defaultSample))",
      valueName: "index"))
  var sampleOption: Int?

  /// `--sample`, or the default lesson digit.
  var sample: Int { sampleOption ?? LessonSettings.defaultSample }

  @Option(
    name: .long,
    help: """
      Seed of every random choice: initial weights, shuffling, augmentation. \
      (default: \(LessonSettings.defaultSeed))
      """)
  var seed: UInt64?

  func validate() throws {
    try checkBounds(sample, "--sample", OptionLimits.sample)
  }

  var data: String? { dataOption.data }
  var output: String { outputOption.output }
  var outputDirectory: URL { outputOption.outputDirectory }

  /// The lessons' settings from these options (the training lessons' knobs left at
  /// their defaults), reading the data in `dataDirectory`.
  func lessonSettings(dataDirectory: URL, image: String? = nil) -> LessonSettings {
    var settings = LessonSettings(
      dataDirectory: dataDirectory, outputDirectory: outputDirectory, sample: sample, image: image,
      seed: seed ?? LessonSettings.defaultSeed)
    settings.program = ToolInvocation.current.prefix
    return settings
  }
}

/// Prints the files a run wrote, relative to the current folder where possible.
func listWrittenFiles(_ files: [URL]) {
  guard !files.isEmpty else { return }
  emit("")
  emit("Files written (\(files.count)):")
  for url in files { emit("  " + relativePath(url)) }
}

/// `url`'s path relative to the current folder if it lies inside it, else absolute.
func relativePath(_ url: URL) -> String {
  let here = FileManager.default.currentDirectoryPath + "/"
  let path = url.standardizedFileURL.path
  return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
}

/// Writes one line to standard output at once (unbuffered), so that lesson and
/// training output shows as it happens even into a pipe or a file. Lines carry names
/// from files (paths, class names), so control characters are shown escaped; then
/// ✓, ⚠, ✗ and ERRATUM lines get their colour on a terminal (`LineColour`).
func emit(_ line: String) {
  FileHandle.standardOutput.write(Data((LineColour.forStandardOutput(TerminalText.safe(line)) + "\n").utf8))
}

/// The command that runs this dsdc again with `arguments`, as the user started it
/// (see `ToolInvocation`).
func hintCommand(_ arguments: [String]) -> String {
  ToolInvocation.current.command(arguments)
}
