import DSDC
import Foundation
import Testing

/// Runs the built `dsdc` tool (next to the test bundle) and captures its output.
func runTool(_ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
  try startTool(arguments, in: directory).finish()
}

/// The built `dsdc`, if there is one next to the test bundle.
func toolURL() -> URL? {
  let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  return [buildFolder, buildFolder.deletingLastPathComponent()].map { $0.appendingPathComponent("dsdc") }
    .first { FileManager.default.isExecutableFile(atPath: $0.path) }
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
func startTool(_ arguments: [String], in directory: URL? = nil) throws -> StartedTool {
  guard let tool = toolURL() else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "dsdc next to \(CommandLine.arguments[0])"])
  }
  let process = Process()
  process.executableURL = tool
  process.arguments = arguments
  process.currentDirectoryURL = directory ?? repositoryRoot
  let (out, err) = (Pipe(), Pipe())
  process.standardOutput = out
  process.standardError = err
  try process.run()
  return StartedTool(process: process, out: out, err: err)
}

@Suite("The dsdc command line", .removesTemporaryFolders)
struct CommandLineTests {
  @Test func noArgumentsListsLessonsAndNextCommand() throws {
    let dir = try makeTemporaryDirectory()
    let result = try runTool(["--output", dir.path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("1. MNIST up close"))
    #expect(result.stdout.contains("Next: swift run -c release dsdc lesson 1"))
  }

  @Test func unknownLessonIsOneLineAndNonZero() throws {
    let result = try runTool(["lesson", "99"])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: there is no lesson 99"))
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(result.stdout.isEmpty)
  }

  @Test func sampleOutOfRangeNamesTheFlag() throws {
    let dir = try makeTemporaryDirectory()
    let result = try runTool(["lesson", "1", "--sample", "10000", "--output", dir.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("--sample 10000"))
    #expect(result.stderr.split(separator: "\n").count == 1)
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
    defer { for url in [data, output] { try? FileManager.default.removeItem(at: url) } }
    let result = try runTool(["lesson", "1", "--data", data.path, "--output", output.path, "--sample", "3"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("not the full MNIST") && result.stderr.contains("64 training and 16 test images"),
            "\(result.stderr)")
    #expect(!result.stderr.contains("bug in dsdc"))
    #expect(result.stderr.split(separator: "\n").count == 1)
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

  @Test func dataEnvironmentVariablePointsElsewhere() throws {
    #expect(DataLocation.resolve(option: nil, environment: ["DSDC_DATA": "/x/y"]).path == "/x/y")
    #expect(DataLocation.resolve(option: "/a", environment: ["DSDC_DATA": "/x/y"]).path == "/a")
    #expect(DataLocation.resolve(option: nil, environment: [:]).path.hasSuffix("Data/mnist"))
  }
}
