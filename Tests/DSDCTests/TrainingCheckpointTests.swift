import DSDC
import Foundation
import Testing

@Suite("Training checkpoints on disk", .removesTemporaryFolders)
struct TrainingCheckpointTests {
  @Test func stateFileRoundTripsAndResumesExactly() throws {
    let dir = try makeTemporaryDirectory()
    let url = dir.appendingPathComponent(TrainingCheckpoint.stateFileName)
    // One epoch, saved to disk, then one more epoch from the file = two epochs straight.
    let straight = Trainer(recipe: TrainerTests.recipe(epochs: 2), config: TinyNet.config)
    try straight.train(on: TrainerTests.train)
    let first = Trainer(recipe: TrainerTests.recipe(epochs: 2), config: TinyNet.config)
    try first.trainEpoch(on: TrainerTests.train)
    try TrainingCheckpoint.saveState(first.state(), to: url)
    let loaded = try TrainingCheckpoint.loadState(from: url)
    // The file lays tensors out in its own order; compare by name, bit for bit.
    let saved = Dictionary(uniqueKeysWithValues: first.state().tensors.map { ($0.name, $0.tensor) })
    let read = Dictionary(uniqueKeysWithValues: loaded.tensors.map { ($0.name, $0.tensor) })
    #expect(read == saved)
    let resumed = try Trainer(resuming: loaded)
    try resumed.train(on: TrainerTests.train)
    #expect(resumed.model.namedTensors().map(\.tensor) == straight.model.namedTensors().map(\.tensor))
  }

  @Test func modelFileHoldsTheStateDictAndBatchCounters() throws {
    let dir = try makeTemporaryDirectory()
    let url = dir.appendingPathComponent(TrainingCheckpoint.modelFileName)
    let trainer = Trainer(recipe: TrainerTests.recipe(epochs: 1), config: TinyNet.config)
    try trainer.train(on: TrainerTests.train)
    try TrainingCheckpoint.saveModel(trainer.model, steps: trainer.step, metadata: trainer.state().metadata, to: url)
    let file = try SafetensorsFile(contentsOf: url)
    // Every state_dict tensor, plus one int64 num_batches_tracked per BatchNorm = the step count (40/16 → 3).
    let names = trainer.model.namedTensors().map(\.name)
    #expect(Set(file.names) == Set(names + trainer.model.batchNorms.map { $0.name + ".num_batches_tracked" }))
    #expect(file[trainer.model.batchNorms[0].name + ".num_batches_tracked"]?.values == .i64([3]))
    let (model, metadata) = try TrainingCheckpoint.loadModel(from: url)
    #expect(model.namedTensors().map(\.tensor) == trainer.model.namedTensors().map(\.tensor))
    #expect(metadata[TrainingState.Key.epoch] == "1")
  }

  @Test func aDefaultNetworkCheckpointDoesNotLoadIntoAnotherShape() throws {
    let dir = try makeTemporaryDirectory()
    let url = dir.appendingPathComponent("other.safetensors")
    var generator = SeededGenerator(seed: 0)
    let tiny = DSDCNet(config: TinyNet.config, using: &generator)
    // Weights of the tiny network without a config in the metadata: read as the default DSDC-Net.
    try TrainingCheckpoint.saveModel(tiny, steps: 0, metadata: [:], to: url)
    #expect {
      _ = try TrainingCheckpoint.loadModel(from: url)
    } throws: { error in
      guard let e = error as? CheckpointError, case .shapeMismatch(let path, let name, _, _) = e else { return false }
      return path == url.path && name == "stem.weight"
    }
  }
}
