import DSDC
import Foundation
import Testing

/// A tiny MNIST-style data folder (TinyNet's square images, 28×28) for quick tool runs.
func makeTinyDataFolder(seed: UInt64 = 11) throws -> URL {
  let folder = try makeTemporaryDirectory()
  try FineTuningTests.writeIDX(
    train: TinyNet.images(count: 64, seed: seed), test: TinyNet.images(count: 16, seed: seed + 1),
    in: folder)
  return folder
}

/// Every path below `folder` with its bytes (empty for folders), to check that nothing changed.
func folderContents(_ folder: URL) throws -> [String: Data] {
  var result: [String: Data] = [:]
  let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
  while let url = enumerator?.nextObject() as? URL {
    var isFolder: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
    result[url.path] = isFolder.boolValue ? Data() : try Data(contentsOf: url)
  }
  return result
}

@Suite("One run per output folder", .removesTemporaryFolders)
struct FolderLockTests {
  @Test func aSecondLockIsRefusedNamingTheHolderAndReleaseFreesIt() throws {
    let folder = try makeTemporaryDirectory()
    let first = try FolderLock(folder)
    let error = #expect(throws: FolderLockError.self) { _ = try FolderLock(folder) }
    #expect(error?.description.contains("pid \(getpid())") == true, "\(String(describing: error))")
    #expect(error?.description.contains(folder.path) == true)
    first.release()
    #expect(try Data(contentsOf: folder.appendingPathComponent(FolderLock.fileName)).isEmpty)
    // Another test of this process may be starting a tool process right now: between its
    // fork and exec the child shares our open lock file (closed at exec, O_CLOEXEC), so
    // the lock can stay held for that moment after release. Retry for up to a second.
    var again: FolderLock?
    for _ in 0..<100 where again == nil {
      again = try? FolderLock(folder)
      if again == nil { usleep(10_000) }
    }
    #expect(again != nil, "the released folder could not be locked again")
    again?.release()
  }

  @Test func aTrainingRunRefusesAFolderInUseAndChangesNothing() throws {
    let data = try makeTinyDataFolder()
    let output = try makeTemporaryDirectory()
    let folder = output.appendingPathComponent("train")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let holder = try FolderLock(folder)
    defer { holder.release() }
    let before = try folderContents(output)
    let result = try runTool([
      "train", "--data", data.path, "--output", output.path, "--epochs", "1", "--batch-size", "16",
    ])
    #expect(result.stderr.contains("in use by another dsdc run (pid \(getpid())"), "\(result.stderr)")
    expectOneLineError(result)
    #expect(try folderContents(output) == before)
  }

  /// Two `dsdc train` runs started together into one folder, with different seeds:
  /// either one is refused (they overlapped) or they ran one after the other; either
  /// way the folder's weights, training state and record come from one run.
  @Test func twoConcurrentRunsNeverMixAFolder() throws {
    let data = try makeTinyDataFolder()
    let output = try makeTemporaryDirectory()
    let runs = try ["1", "2"].map { seed in
      try startTool([
        "train", "--data", data.path, "--output", output.path, "--epochs", "4", "--batch-size", "16",
        "--seed", seed, "--threads", "1",
      ])
    }
    let results = runs.map { $0.finish() }
    #expect(results.contains { $0.status == 0 }, "\(results.map(\.stderr))")
    for result in results where result.status != 0 {
      #expect(result.status == 1 && result.stderr.contains("in use by another dsdc run"), "\(result.stderr)")
    }
    let folder = output.appendingPathComponent("train")
    let (_, modelMetadata) = try TrainingCheckpoint.loadModel(from: folder.appendingPathComponent("model.safetensors"))
    let state = try TrainingCheckpoint.loadState(from: folder.appendingPathComponent("checkpoint.safetensors"))
    let record = try LessonRecord.load(from: folder.appendingPathComponent("run.json"))
    let modelSeed = try JSONDecoder().decode(
      TrainingRecipe.self, from: Data(modelMetadata[TrainingState.Key.recipe]!.utf8)
    ).seed
    #expect(try state.recipe().seed == modelSeed)
    #expect(record.settings["seed"] == String(modelSeed))
  }
}
