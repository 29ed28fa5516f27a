import DSDC
import Foundation
import Testing

/// A comparison that stops continues where it stopped: kept runs are reused, a run in
/// progress resumes from its saved epoch, and the results are the same bits.
@Suite("Comparison runs kept between invocations", .removesTemporaryFolders)
struct ComparisonRunStoreTests {
  /// A budget small enough for a unit test: DSDC-Net, 2 epochs of 32 images, 2 seeds.
  static func settings(epochs: Int = 2) -> ComparisonSettings {
    var recipe = TrainingRecipe()
    recipe.epochs = epochs
    recipe.batchSize = 16
    recipe.trainLimit = 32
    recipe.threads = 1
    return ComparisonSettings(
      variants: [.dsdc], seeds: [0, 1], recipe: recipe, curveTestLimit: 20, testLimit: 20, fieldImages: 3,
      timingRepeats: 1)
  }

  static let train = TinyNet.images(count: 32, seed: 11)
  static let test = TinyNet.images(count: 20, seed: 12)
  static let data = DatasetIdentity(train: train, test: test)

  /// Everything a report prints except the timings: per network, the accuracies, curves,
  /// field sides and map.
  static func numbers(_ report: ComparisonReport) -> [[Double]] {
    report.results.map { result in
      result.accuracy.values + result.curves.joined() + result.effectiveField.values
        + result.fieldMap.map.storage.map(Double.init)
    }
  }

  static func run(
    _ settings: ComparisonSettings, folder: URL, kept: Bool = true,
    prepare: (ComparisonRunStore) throws -> Void = { _ in }
  ) throws -> (ComparisonRun, ComparisonReport) {
    let run = ComparisonRun(settings: settings)
    if kept {
      let store = ComparisonRunStore(folder: folder, settings: settings, data: data)
      try store.prepare()
      try prepare(store)
      run.store = store
    }
    return (run, try run.run(train: train, test: test, folder: folder))
  }

  /// The key covers what decides a run's numbers and nothing else.
  /// The comparison trains with the default recipe but at batch 64, the batch of its
  /// recorded runs (docs/comparison.md), not `dsdc train`'s default of 32.
  @Test func theComparisonKeepsBatch64() {
    var expected = TrainingRecipe()
    #expect(expected.batchSize == 32)
    expected.batchSize = 64
    #expect(ComparisonSettings.defaultRecipe == expected && ComparisonSettings().recipe == expected)
    #expect(FineTuningRun.recipe(epochs: 5, trainLimit: 1_000, seed: 0).batchSize == 64)
  }

  @Test func theKeyFollowsTheSettingsThatDecideTheNumbers() {
    let folder = URL(fileURLWithPath: "/nowhere")
    let base = ComparisonRunStore(folder: folder, settings: Self.settings(), data: Self.data)
    var moreSeeds = Self.settings()
    moreSeeds.seeds = [0, 1, 2, 3]
    moreSeeds.variants = [.standard, .dsdc]
    #expect(ComparisonRunStore(folder: folder, settings: moreSeeds, data: Self.data).key == base.key)
    #expect(ComparisonRunStore(folder: folder, settings: Self.settings(epochs: 3), data: Self.data).key != base.key)
    var threads = Self.settings()
    threads.recipe.threads = 2
    #expect(ComparisonRunStore(folder: folder, settings: threads, data: Self.data).key != base.key)
    var field = Self.settings()
    field.fieldImages = 4
    #expect(ComparisonRunStore(folder: folder, settings: field, data: Self.data).key != base.key)
    let otherData = DatasetIdentity(train: Self.test, test: Self.train)
    #expect(ComparisonRunStore(folder: folder, settings: Self.settings(), data: otherData).key != base.key)
    #expect(base.key.count == 16 && base.directory.path == "/nowhere/runs/\(base.key)")
  }

  /// A record reads back exactly, the field map's floats included.
  @Test func aRecordRoundTripsExactly() throws {
    let folder = try makeTemporaryDirectory()
    let store = ComparisonRunStore(folder: folder, settings: Self.settings(), data: Self.data)
    try store.prepare()
    var rng = SeededGenerator(seed: 9)
    let map = Tensor(shape: [4, 4], storage: (0..<16).map { _ in Float.random(in: 0..<1, using: &rng) / 3 })
    let field = EffectiveReceptiveField(map: map, images: 7, theoreticalWindow: -2...5)
    let record = ComparisonRunRecord(
      variant: .separable, seed: 4, accuracy: 97.31 + 1e-13, curve: [90.1, 1.0 / 3], trainImagesPerSecond: 1234.5678,
      trainSeconds: 0.1 + 0.2, otherCPUShare: nil, field: field,
      timing: .init(batch1Milliseconds: 0.21, batch1000ImagesPerSecond: 4899.5, fileBytes: 130_000))
    #expect(try store.record(.separable, seed: 4) == nil)
    try store.save(record)
    let read = try #require(try store.record(.separable, seed: 4))
    #expect(read == record)
    #expect(read.field?.map.storage == map.storage && read.field?.theoreticalWindow == -2...5)
    #expect(try store.record(.separable, seed: 5) == nil)
  }

  /// A damaged or foreign record is an error naming the file and the way out.
  @Test func aDamagedRecordIsNamed() throws {
    let folder = try makeTemporaryDirectory()
    let store = ComparisonRunStore(folder: folder, settings: Self.settings(), data: Self.data)
    try store.prepare()
    let url = store.recordURL(.dsdc, seed: 0)
    for bytes in [Data("{\"accuracy\": 9".utf8), Data("[]".utf8)] {
      try bytes.write(to: url)
      #expect(throws: ComparisonStoreError.damaged(path: url.path, reason: "it does not read as a finished run")) {
        try store.record(.dsdc, seed: 0)
      }
    }
    // Another run's record under this run's name.
    let field = EffectiveReceptiveField(map: Tensor(shape: [2, 2], repeating: 1), images: 1, theoreticalWindow: 0...1)
    let other = ComparisonRunRecord(
      variant: .dsdc, seed: 1, accuracy: 50, curve: [50], trainImagesPerSecond: 1, trainSeconds: 1,
      otherCPUShare: 0, field: field)
    try store.save(other)
    try FileManager.default.removeItem(at: url)
    try FileManager.default.copyItem(at: store.recordURL(.dsdc, seed: 1), to: url)
    let error = try #require(throws: ComparisonStoreError.self) { try store.record(.dsdc, seed: 0) }
    #expect(error.description.contains("dsdc seed 0") && error.description.contains("--fresh"))
  }

  /// Run twice: the second invocation trains nothing and reports the same numbers; a
  /// run resumed from its first epoch's saved state ends where an uninterrupted one does.
  @Test func aStoppedComparisonContinuesToTheSameNumbers() throws {
    let plain = try makeTemporaryDirectory()
    let (_, reference) = try Self.run(Self.settings(), folder: plain, kept: false)

    let kept = try makeTemporaryDirectory()
    let (first, firstReport) = try Self.run(Self.settings(), folder: kept)
    #expect(first.keptRuns == 0 && first.resumedRuns == 0)
    #expect(Self.numbers(firstReport) == Self.numbers(reference))
    let (second, secondReport) = try Self.run(Self.settings(), folder: kept)
    #expect(second.keptRuns == 2 && second.resumedRuns == 0)
    #expect(Self.numbers(secondReport) == Self.numbers(reference))
    #expect(secondReport.results[0].batch1000ImagesPerSecond == firstReport.results[0].batch1000ImagesPerSecond)
    #expect(second.trainingSeconds == first.trainingSeconds)

    // Seed 1 stopped after its first epoch: its saved state is all there is of it.
    let stopped = try makeTemporaryDirectory()
    let (resumed, resumedReport) = try Self.run(Self.settings(), folder: stopped) { store in
      var recipe = Self.settings().recipe
      recipe.seed = 1
      let trainer = ComparisonRun.makeTrainer(.dsdc, recipe: recipe)
      try trainer.trainEpoch(on: Self.train, test: Self.test.prefix(20))
      try TrainingCheckpoint.saveState(trainer.state(), to: store.checkpointURL(.dsdc, seed: 1))
    }
    #expect(resumed.keptRuns == 0 && resumed.resumedRuns == 1)
    #expect(Self.numbers(resumedReport) == Self.numbers(reference))
    let store = ComparisonRunStore(folder: stopped, settings: Self.settings(), data: Self.data)
    #expect(!FileManager.default.fileExists(atPath: store.checkpointURL(.dsdc, seed: 1).path))
    // The resumed run's model is the uninterrupted run's, bit for bit.
    let models = try [kept, stopped].map {
      try Data(
        contentsOf: ComparisonRunStore(folder: $0, settings: Self.settings(), data: Self.data).modelURL(.dsdc, seed: 1))
    }
    #expect(models[0] == models[1])
  }

  /// The verdicts fit 80 columns, and the full budget's command, with an output folder
  /// whose name has a space, is laid out as a command: a ` \` ends each of its lines but
  /// the last, and the quoted folder stays whole.
  @Test func theVerdictsFitTheLineAndTheCommandStaysACommand() throws {
    let folder = try makeTemporaryDirectory()
    var (_, report) = try Self.run(Self.settings(), folder: folder, kept: false)
    let output = folder.appendingPathComponent("My Output").path
    report.fullBudgetCommand = ShellQuoting.line(
      ["dsdc", "compare", "--epochs", "9", "--seeds", "3", "--data", "/a/long/folder/of/mnist", "--output", output])
    let lines = report.verdictLines
    let start = try #require(lines.firstIndex { $0.hasPrefix("  dsdc compare") })
    var end = start
    while lines[end].hasSuffix(" \\") { end += 1 }
    #expect(end > start, "\(lines)")
    let command = lines[start...end].map { $0.trimmingCharacters(in: .whitespaces) }
      .map { $0.hasSuffix(" \\") ? String($0.dropLast(2)) : $0 }.joined(separator: " ")
    #expect(command == report.fullBudgetCommand)
    #expect(lines.contains { $0.contains("'\(output)'") })
    #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 || $0.contains(output) }, "\(lines)")
  }

  /// A saved state of other settings under a run's name is refused, not trained on.
  @Test func aForeignSavedStateIsRefused() throws {
    let folder = try makeTemporaryDirectory()
    #expect(throws: ComparisonStoreError.self) {
      _ = try Self.run(Self.settings(), folder: folder) { store in
        var recipe = Self.settings(epochs: 3).recipe
        recipe.seed = 0
        let trainer = ComparisonRun.makeTrainer(.dsdc, recipe: recipe)
        try TrainingCheckpoint.saveState(trainer.state(), to: store.checkpointURL(.dsdc, seed: 0))
      }
    }
  }
}
