import DSDC
import Foundation
import Testing

@Suite("Text from files is printed safely", .removesTemporaryFolders)
struct TerminalTextTests {
  @Test(arguments: [
    ("plain name", "plain name"),
    ("line\nbreak", "line\\u{a}break"),
    ("clear\u{1B}[2Jscreen", "clear\\u{1b}[2Jscreen"),
    ("bell\u{7}", "bell\\u{7}"),
    ("separator\u{2028}here", "separator\\u{2028}here"),
    ("Ankle boot — 靴", "Ankle boot — 靴"),
  ])
  func controlCharactersAreShownEscaped(text: String, shown: String) {
    #expect(TerminalText.safe(text) == shown)
  }

  /// A checkpoint whose class names hold a line break and a terminal escape: `dsdc
  /// evaluate` prints them escaped, on the lines where they belong.
  @Test func classNamesFromACheckpointReachTheTerminalEscaped() throws {
    let data = try makeTinyDataFolder()
    let folder = try makeTemporaryDirectory()
    let model = TinyNet.model()
    let trainer = Trainer(model: model, recipe: TrainingRecipe(), generator: SeededGenerator(seed: 1))
    var names = (0..<10).map { "class \($0)" }
    names[3] = "three\nfake line"
    names[4] = "four\u{1B}[2J"
    let encoded = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
    let url = folder.appendingPathComponent("hostile.safetensors")
    try TrainingCheckpoint.saveModel(
      model, steps: 0, metadata: trainer.state().metadata.merging([FineTuningMetadata.Key.classNames: encoded]) { $1 },
      to: url)
    let result = try runTool(["evaluate", "--checkpoint", url.path, "--data", data.path, "--output", folder.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stdout.unicodeScalars.contains("\u{1B}"))
    #expect(result.stdout.contains("three\\u{a}fake line") && result.stdout.contains("four\\u{1b}[2J"))
    #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("fake line") })
  }
}
