import Foundation
import Testing

@testable import DSDC

/// The defaults that docs/training.md's table of options states, against the recipe's
/// own (the seed: the tools' default): a changed default must not leave the
/// documentation behind.
@Suite("Documented defaults")
struct DocumentedDefaultsTests {
  /// The first number in the last cell of the table row of `option`, e.g. 9 from
  /// "| `--epochs N` | … | 9 (`finetune`: 3) |".
  static func documentedDefault(_ option: String) throws -> Int? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let text = try String(contentsOf: root.appending(path: "docs/training.md"), encoding: .utf8)
    guard let row = text.split(separator: "\n").first(where: { $0.hasPrefix("| `\(option) ") }) else { return nil }
    let cells = row.split(separator: "|", omittingEmptySubsequences: true)
    guard let last = cells.last else { return nil }
    return Int(last.prefix { $0 == " " || $0 == "`" || $0.isNumber }.filter(\.isNumber))
  }

  @Test func theTableOfOptionsStatesTheRecipesDefaults() throws {
    let recipe = TrainingRecipe()
    #expect(try Self.documentedDefault("--epochs") == recipe.epochs)
    #expect(try Self.documentedDefault("--batch-size") == recipe.batchSize)
    #expect(try Self.documentedDefault("--threads") == recipe.threads)
    #expect(try Self.documentedDefault("--seed") == Int(LessonSettings.defaultSeed))  // the tools' seed
  }
}
