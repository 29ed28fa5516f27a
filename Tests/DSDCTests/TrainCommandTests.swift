import DSDC
import Foundation
import Testing

/// `dsdc train` on a tiny data folder: what --resume honours and refuses, failed saves,
/// the data a run records, and what Ctrl-C / SIGTERM print.
@Suite("dsdc train: resuming, saving, interrupting", .removesTemporaryFolders)
struct TrainCommandTests {
  /// A finished one-epoch run in a new output folder; returns (data, output).
  static func finishedRun(seed: UInt64 = 11) throws -> (data: URL, output: URL) {
    let data = try makeTinyDataFolder(seed: seed)
    let output = try makeTemporaryDirectory()
    let result = try runTool([
      "train", "--data", data.path, "--output", output.path, "--epochs", "1", "--batch-size", "16",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    // A line may be wider only by a path too long to break (the temporary folders').
    let wide = result.stdout.split(separator: "\n").filter { DisplayWidth.of($0) > 80 && !$0.contains(output.path) }
    #expect(wide.isEmpty, "lines wider than 80 columns: \(wide)")
    return (data, output)
  }

  static func checkpoint(_ output: URL) -> String {
    output.appendingPathComponent("train/checkpoint.safetensors").path
  }

  @Test(arguments: [
    (["--epochs", "9223372036854775807"], "--epochs must be 1…1000"),
    (["--batch-size", "4611686018427387904"], "--batch-size must be 2…512"),
    (["--train-limit", "1"], "--train-limit must be 2…10000000"),
    (["--threads", "65"], "--threads must be 1…64"),
    (["--sample", "9223372036854775807"], "--sample must be 0…999999"),
  ])
  func numericOptionsAreBoundedAboveAndBelow(arguments: [String], message: String) throws {
    let output = try makeTemporaryDirectory()
    let result = try runTool(["train", "--output", output.path] + arguments)
    #expect(result.status != 0 && result.status < 128)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
  }

  @Test func resumeRefusesAChangedRecipeAndAnotherDataset() throws {
    let (data, output) = try Self.finishedRun()
    let other = try makeTinyDataFolder(seed: 99)
    let before = try folderContents(output)
    let common = ["train", "--resume", Self.checkpoint(output), "--output", output.path, "--epochs", "2"]
    for (flags, words) in [
      (["--lr", "0.5", "--data", data.path], "--lr 0.5 differs from the resumed run's 0.003"),
      (["--seed", "5", "--data", data.path], "--seed 5 differs"),
      (["--batch-size", "32", "--data", data.path], "--batch-size 32 differs"),
      (["--epochs", "0"], "--epochs must be 1…1000"),
      (["--data", other.path], "the run trained on unrecognised data"),
    ] {
      let result = try runTool(common + flags)
      #expect(result.status == 1 || result.status == 64, "\(flags): \(result.status)")
      #expect(result.stderr.contains(words), "\(flags): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1)
    }
    #expect(try folderContents(output) == before)
  }

  @Test func resumingAFinishedRunWritesNothingAndMoreEpochsTrainFurther() throws {
    let (data, output) = try Self.finishedRun()
    let before = try folderContents(output)
    let done = try runTool(["train", "--resume", Self.checkpoint(output), "--output", output.path, "--data", data.path])
    #expect(done.status == 0)
    #expect(done.stdout.contains("Nothing left to do"), "\(done.stdout)")
    #expect(try folderContents(output) == before)

    // The printed command (run in the package: `swift run`'s) trains further.
    let hint = try #require(done.stdout.split(separator: "\n").first { $0.hasPrefix("To train further") })
    let command = try #require(hint.components(separatedBy: ": ").last).split(separator: " ").map(String.init)
    let train = try #require(command.firstIndex(of: "train"))
    #expect(command[..<train].joined(separator: " ") == (try swiftRunPrefix()))
    let expected = [
      "train", "--resume", Self.checkpoint(output), "--epochs", "2", "--output", output.path, "--data", data.path,
    ]
    #expect(Array(command[train...]) == expected)
    let further = try runTool(Array(command[train...]))
    #expect(further.status == 0, "\(further.stderr)")
    #expect(further.stdout.contains("Resuming after epoch 1") && further.stdout.contains("epoch 2/2"))
    let state = try TrainingCheckpoint.loadState(from: URL(fileURLWithPath: Self.checkpoint(output)))
    #expect(try state.epochsFinished() == 2 && state.recipe().epochs == 2)
  }

  @Test func theRunRecordsTheDataItTrainedOn() throws {
    let (data, output) = try Self.finishedRun()
    let (_, metadata) = try TrainingCheckpoint.loadModel(from: output.appendingPathComponent("train/model.safetensors"))
    let train = try MNISTDataset.loadSplit(.train, directory: data)
    let test = try MNISTDataset.loadSplit(.test, directory: data)
    #expect(DatasetIdentity(metadata: metadata) == DatasetIdentity(train: train, test: test))
    #expect(metadata[DatasetIdentity.Key.dataset] == "other")
  }

  /// A checkpoint that cannot be written (a 20 KB file-size limit) stops the run with
  /// an error on standard error and a non-zero status; the earlier files stay.
  @Test func aFailedSaveIsAnErrorAndKeepsTheEarlierFiles() throws {
    let (data, output) = try Self.finishedRun()
    let before = try folderContents(output.appendingPathComponent("train")).filter {
      !$0.key.hasSuffix(FolderLock.fileName)
    }
    let tool = try #require(toolURL())
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      "-c", "ulimit -f 20; exec \"$0\" \"$@\"", tool.path, "train", "--data", data.path,
      "--output", output.path, "--epochs", "1", "--batch-size", "16", "--seed", "3",
    ]
    let (out, err) = (Pipe(), Pipe())
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1, "\(stderr)")
    #expect(stderr.hasPrefix("error: cannot write") && stderr.split(separator: "\n").count == 1, "\(stderr)")
    #expect(!stdout.contains("Done"))
    let after = try folderContents(output.appendingPathComponent("train")).filter {
      !$0.key.hasSuffix(FolderLock.fileName)
    }
    #expect(after == before)
  }

  /// SIGTERM (like Ctrl-C) before the first epoch is saved says there is nothing to
  /// resume; after it, it prints the exact command, which continues this run.
  @Test func anInterruptedRunPrintsTheCommandThatContinuesIt() throws {
    let output = try makeTemporaryDirectory()
    let mnist = repositoryRoot.appendingPathComponent("Data/mnist").path
    let arguments = ["train", "--data", mnist, "--output", output.path, "--epochs", "3", "--train-limit", "1500"]
    // Started outside its package, dsdc names itself by the path it was started with.
    let tool = try #require(toolURL()).path

    let early = try startTool(arguments, in: output)
    try waitForOutput(early, containing: "Recipe:")
    early.process.terminate()
    let first = early.finish()
    #expect(first.status == 143)
    #expect(first.stderr.contains("nothing was saved, so there is nothing to resume yet"), "\(first.stderr)")
    #expect(first.stderr.contains("start again with: \(tool) " + arguments.joined(separator: " ")), "\(first.stderr)")

    // "epoch 2/3" is printed after epoch 1's checkpoint was saved.
    let late = try startTool(arguments, in: output)
    try waitForOutput(late, containing: "epoch 2/3")
    late.process.terminate()
    let second = late.finish()
    #expect(second.status == 143)
    let expected =
      "continue this run with: \(tool) train --resume \(output.path)/train/checkpoint.safetensors --output \(output.path) --data \(mnist)"
    #expect(second.stderr.contains(expected), "\(second.stderr)")
    let state = try TrainingCheckpoint.loadState(from: output.appendingPathComponent("train/checkpoint.safetensors"))
    #expect(try state.epochsFinished() >= 1)
    // The printed command (plain paths, so split at spaces) continues this very run.
    let command = try #require(second.stderr.components(separatedBy: "continue this run with: \(tool) ").last)
    let continued = try runTool(command.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: " "))
    #expect(continued.status == 0, "\(continued.stderr)")
    #expect(continued.stdout.contains("Resuming after epoch") && continued.stdout.contains("epoch 3/3"))
  }
}

/// Reads a started tool's standard output until `text` appears (or it ends).
func waitForOutput(_ tool: StartedTool, containing text: String) throws {
  var seen = ""
  while !seen.contains(text) {
    let chunk = tool.out.fileHandleForReading.availableData
    if chunk.isEmpty {
      throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no \(text) in: \(seen)"])
    }
    seen += String(decoding: chunk, as: UTF8.self)
  }
}
