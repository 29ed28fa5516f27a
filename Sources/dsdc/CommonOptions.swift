import ArgumentParser
import DSDC
import Foundation

/// Options every command that reads data or writes files understands.
struct CommonOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp(
    "Folder with the four IDX files (default: $\(DataLocation.environmentVariable), else \(DataLocation.defaultPath)).",
    valueName: "dir"))
  var data: String?

  @Option(name: .long, help: ArgumentHelp("Folder for everything the run writes.", valueName: "dir"))
  var output: String = "Output"

  @Option(
    name: .customLong("sample"),
    help: ArgumentHelp(
      "Index of the MNIST test image the lessons study (0–9999; default \(LessonSettings.defaultSample)).",
      valueName: "index"))
  var sampleOption: Int?

  /// `--sample`, or the default lesson digit.
  var sample: Int { sampleOption ?? LessonSettings.defaultSample }

  @Option(name: .long, help: "Seed of every random choice (initial weights, shuffling, augmentation; default 0).")
  var seed: UInt64?

  func validate() throws {
    try checkBounds(sample, "--sample", OptionLimits.sample)
  }

  var dataDirectory: URL { DataLocation.resolve(option: data) }
  var outputDirectory: URL { URL(fileURLWithPath: output) }

  func lessonSettings(options: [String: String] = [:], image: String? = nil) -> LessonSettings {
    LessonSettings(
      dataDirectory: dataDirectory, outputDirectory: outputDirectory, sample: sample, image: image, seed: seed ?? 0,
      options: options)
  }
}

/// Prints the files a run wrote, relative to the current folder where possible.
func listWrittenFiles(_ files: [URL]) {
  guard !files.isEmpty else { return }
  let here = FileManager.default.currentDirectoryPath + "/"
  emit("")
  emit("Files written (\(files.count)):")
  for url in files {
    let path = url.standardizedFileURL.path
    emit("  " + (path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path))
  }
}

/// Writes one line to standard output at once (unbuffered), so that lesson and
/// training output shows as it happens even into a pipe or a file. Lines carry names
/// from files (paths, class names), so control characters are shown escaped; then
/// ✓, ⚠, ✗ and ERRATUM lines get their colour on a terminal (`LineColour`).
func emit(_ line: String) {
  FileHandle.standardOutput.write(Data((LineColour.forStandardOutput(TerminalText.safe(line)) + "\n").utf8))
}
