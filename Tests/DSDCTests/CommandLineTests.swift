import DSDC
import Foundation
import Lessons
import Testing

/// Runs the built `dsdc` tool (next to the test bundle) and captures its output.
/// `environment` changes variables of the test's environment (`nil` removes one).
func runTool(_ arguments: [String], in directory: URL? = nil, environment: [String: String?] = [:]) throws
  -> (status: Int32, stdout: String, stderr: String)
{
  try startTool(arguments, in: directory, environment: environment).finish()
}

/// A run that failed as a hostile input must: exit status 1 and one line on stderr
/// (`error: …`, the problem and the fix).
func expectOneLineError(
  _ result: (status: Int32, stdout: String, stderr: String), sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
  #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
}

/// The built `dsdc`, if there is one next to the test bundle.
func toolURL() -> URL? {
  let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  return [buildFolder, buildFolder.deletingLastPathComponent()].map { $0.appendingPathComponent("dsdc") }
    .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// How the tool names itself when run inside its package: `swift run -c release dsdc`
/// for a release build, `swift run dsdc` for a debug one. A build in another scratch
/// folder (the sanitizer runs' `--scratch-path .build-asan`) is not what `swift run`
/// starts, so there the tool names itself by the path it was started by.
func swiftRunPrefix() throws -> String {
  let tool = try #require(toolURL())
  let components = tool.resolvingSymlinksInPath().pathComponents
  guard components.contains(".build") else { return tool.path }
  return components.contains("release") ? "swift run -c release dsdc" : "swift run dsdc"
}

/// A started `dsdc` process whose output is collected until it ends.
struct StartedTool {
  let process: Process
  let out: Pipe
  let err: Pipe

  /// Waits for the end; returns the status and everything printed.
  func finish() -> (status: Int32, stdout: String, stderr: String) {
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }
}

/// Starts the built `dsdc` (next to the test bundle) with `arguments`, without waiting for it.
func startTool(_ arguments: [String], in directory: URL? = nil, environment: [String: String?] = [:]) throws
  -> StartedTool
{
  guard let tool = toolURL() else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "dsdc next to \(CommandLine.arguments[0])"])
  }
  let process = Process()
  process.executableURL = tool
  process.arguments = arguments
  if !environment.isEmpty {
    var variables = ProcessInfo.processInfo.environment
    for (name, value) in environment { variables[name] = value }
    process.environment = variables
  }
  process.currentDirectoryURL = directory ?? repositoryRoot
  let (out, err) = (Pipe(), Pipe())
  process.standardOutput = out
  process.standardError = err
  try process.run()
  return StartedTool(process: process, out: out, err: err)
}

@Suite("The dsdc command line", .removesTemporaryFolders)
struct CommandLineTests {
  /// Run inside its package, the next command is `swift run`'s (release or debug, as
  /// this build); elsewhere, the path the tool was started by. The output folder is kept.
  @Test func noArgumentsListsLessonsAndNextCommand() throws {
    let dir = try makeTemporaryDirectory()
    let tool = try #require(toolURL())
    let swiftRun = try swiftRunPrefix()
    let inPackage = try runTool(["--output", dir.path])
    #expect(inPackage.status == 0)
    #expect(inPackage.stdout.contains("1. MNIST up close"))
    #expect(inPackage.stdout.contains("\nNext: \(swiftRun) lesson 1 --output \(dir.path)\n"), "\(inPackage.stdout)")
    #expect(inPackage.stdout.contains("\nHelp: \(swiftRun) --help\n"))
    let elsewhere = try runTool([], in: dir)
    #expect(elsewhere.stdout.contains("\nNext: \(tool.path) lesson 1\n"), "\(elsewhere.stdout)")
    // Every lesson title is printed whole.
    for lesson in LessonCatalog.all { #expect(inPackage.stdout.contains(lesson.info.title)) }
  }

  /// The lesson list fits an 80-column terminal, every article section starting in the
  /// column of the `Article` heading.
  @Test func theLessonListFitsEightyColumnsWithTheSectionsInOneColumn() throws {
    let dir = try makeTemporaryDirectory()
    let result = try runTool(["--output", dir.path])
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let heading = try #require(lines.first { $0.hasPrefix("    Lesson ") })
    let column = DisplayWidth.of(try #require(heading.components(separatedBy: "Article").first))
    for lesson in LessonCatalog.all {
      let info = lesson.info
      let line = try #require(lines.first { $0.contains(" \(info.number). \(info.title) ") }, "\(info.title)")
      #expect(DisplayWidth.of(line) <= 80, "\(line)")
      #expect(line.hasSuffix(info.articleSection), "\(line)")
      #expect(DisplayWidth.of(line) - DisplayWidth.of(info.articleSection) == column, "\(line)")
    }
  }

  @Test func unknownLessonIsOneLineAndNonZero() throws {
    let result = try runTool(["lesson", "99"])
    #expect(result.stderr.hasPrefix("error: there is no lesson 99"))
    expectOneLineError(result)
    #expect(result.stdout.isEmpty)
  }

  /// Without Fashion-MNIST, `dsdc lessons` says so before lesson 1 (not after the
  /// lessons that train), in one line with the install command and how to run the others;
  /// `--through 9` does not need it.
  @Test func missingFineTuningDataIsSaidBeforeTheFirstLesson() throws {
    let folder = try makeTemporaryDirectory()
    let output = folder.appendingPathComponent("out")
    let missing = folder.appendingPathComponent("no-fashion").path
    let result = try runTool(["lessons", "--finetune-data", missing, "--output", output.path])
    #expect(result.stderr.hasPrefix("error: lesson 10 could not start: "), "\(result.stderr)")
    #expect(result.stderr.contains("dataset-fashion-mnist") && result.stderr.contains("lessons --through 9"))
    expectOneLineError(result)
    #expect(!result.stdout.contains("Lesson 1"))
    #expect(!FileManager.default.fileExists(atPath: output.path))
    let through = try runTool(["lessons", "--through", "1", "--finetune-data", missing, "--output", output.path])
    #expect(through.status == 0, "\(through.stderr)")
  }

  @Test func sampleOutOfRangeNamesTheFlag() throws {
    let dir = try makeTemporaryDirectory()
    let result = try runTool(["lesson", "1", "--sample", "10000", "--output", dir.path])
    #expect(result.stderr.contains("--sample 10000"))
    expectOneLineError(result)
  }

  @Test func missingDataFolderNamesItAndTheFix() throws {
    let dir = try makeTemporaryDirectory()
    let result = try runTool(["lesson", "1", "--data", "/nonexistent/mnist", "--output", dir.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("/nonexistent/mnist"))
    #expect(result.stderr.contains("--data"))
    // Nothing was written.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func badFlagValueIsOneLine() throws {
    let result = try runTool(["lesson", "1", "--seed", "minus-one"])
    #expect(result.status != 0 && result.status < 128)
    #expect(result.stderr.contains("--seed"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  /// A data folder of a few images is not MNIST: lesson 1 runs without trapping, and its
  /// failed counting checks are blamed on the data, not called a bug in dsdc.
  @Test func aTinyDatasetFailsLessonChecksNamingTheData() throws {
    let data = try makeTinyDataFolder()
    let output = try makeTemporaryDirectory()
    let result = try runTool(["lesson", "1", "--data", data.path, "--output", output.path, "--sample", "3"])
    #expect(
      result.stderr.contains("not the full MNIST") && result.stderr.contains("64 training and 16 test images"),
      "\(result.stderr)")
    #expect(!result.stderr.contains("bug in dsdc"))
    expectOneLineError(result)
  }

  @Test func unwritableOutputFolderNamesIt() throws {
    // A path below a regular file cannot be created, even by root.
    let dir = try makeTemporaryDirectory()
    let file = dir.appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    let result = try runTool(["lesson", "1", "--output", file.appendingPathComponent("out").path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("a-file/out"))
    #expect(result.stderr.contains("--output"))
  }

  /// From a folder without `Data/mnist`, the tool finds its package's; `DSDC_DATA`
  /// and `--data` point elsewhere. One line says which folder was used and why.
  @Test func theDataFolderIsFoundFromAnyFolderAndNamed() throws {
    let dir = try makeTemporaryDirectory()
    let data = try makeTinyDataFolder()
    let mnist = repositoryRoot.appendingPathComponent("Data/mnist").standardizedFileURL.path
    let found = try runTool(["data"], in: dir, environment: ["DSDC_DATA": nil])
    #expect(found.status == 0, "\(found.stderr)")
    #expect(found.stdout.hasPrefix("Data: \(mnist) (found in the package dsdc was built in)\n"), "\(found.stdout)")
    #expect(found.stdout.contains("train: 60000 images"))
    let variable = try runTool(["data"], in: dir, environment: ["DSDC_DATA": data.path])
    #expect(variable.stdout.hasPrefix("Data: \(data.path) (from $DSDC_DATA)\n"), "\(variable.stdout)")
    #expect(variable.stdout.contains("test: 16 images"))
    let option = try runTool(["data", "--data", data.path], in: dir, environment: ["DSDC_DATA": "/nowhere"])
    #expect(option.stdout.hasPrefix("Data: \(data.path) (from --data)\n"), "\(option.stdout)")
    let verify = "\(try #require(toolURL()).path) data --verify --data \(data.path)"
    #expect(option.stdout.contains("Verify the files byte for byte with:\n  \(verify)\n"), "\(option.stdout)")
    // --help loads nothing and names no folder.
    #expect(try !runTool(["data", "--help"], in: dir).stdout.contains("Data: "))
  }
}
