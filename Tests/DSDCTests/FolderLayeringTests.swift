import Foundation
import Testing

@Suite("The library's folders follow ARCHITECTURE.md's levels")
struct FolderLayeringTests {
  /// The level table of `ARCHITECTURE.md`.
  static func architectureLevels() throws -> [String: Int] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("ARCHITECTURE.md"), encoding: .utf8)
    return FolderLayering.levels(architecture: text)
  }

  /// Folders of one file each, `{folder: file text}`, the file named `<folder>File.swift`.
  static func folders(_ texts: [String: String]) -> [String: [SourceFile]] {
    Dictionary(uniqueKeysWithValues: texts.map { ($0.key, [SourceFile(name: "\($0.key)File.swift", text: $0.value)]) })
  }

  static let levels = ["Support": 0, "Tensor": 1, "Data": 2, "Imaging": 2, "Training": 5]

  @Test func everyFileOfTheLibraryUsesOnlyItsOwnAndLowerFolders() throws {
    let levels = try Self.architectureLevels()
    let folders = try FolderLayering.readFolders(repositoryRoot.appendingPathComponent("Sources/DSDC"))
    #expect(folders.count >= 10 && folders.values.allSatisfy { !$0.isEmpty })
    #expect(Set(levels.keys) == Set(folders.keys), "ARCHITECTURE.md's table lists exactly the library's folders")
    let problems = FolderLayering.problems(folders, levels: levels)
    #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
    // The check sees real uses: Training uses Tensor's `Tensor` and Support's `seconds`.
    let uses = FolderLayering.crossFolderUses(folders)
    #expect(uses.contains { $0.folder == "Training" && $0.name == "Tensor" && $0.declaredIn == "Tensor" })
    #expect(uses.contains { $0.file == "Trainer.swift" && $0.name == "seconds" && $0.declaredIn == "Support" })
  }

  @Test func aUseOfAHigherFolderIsNamedWithItsFileAndName() {
    let folders = Self.folders([
      "Support": "public enum Format {\n  static func rate(_ t: Trainer) -> Double { 0 }\n}\n",
      "Training": "public final class Trainer {}\n",
    ])
    let problems = FolderLayering.problems(folders, levels: Self.levels)
    let use = FolderUse(folder: "Support", file: "SupportFile.swift", name: "Trainer", declaredIn: "Training")
    #expect(problems == [.againstOrder(use, fromLevel: 0, toLevel: 5)])
    #expect(problems.first?.description.contains("Support/SupportFile.swift uses Trainer of Training/") == true)
  }

  @Test func foldersOnOneLevelMustNotUseEachOther() {
    let folders = Self.folders([
      "Data": "struct LabeledImages { var preview: RasterImage }\n",
      "Imaging": "struct RasterImage {}\n",
    ])
    let use = FolderUse(folder: "Data", file: "DataFile.swift", name: "RasterImage", declaredIn: "Imaging")
    #expect(FolderLayering.problems(folders, levels: Self.levels) == [.againstOrder(use, fromLevel: 2, toLevel: 2)])
  }

  @Test func aCycleIsNamedWithTheUsesThatCloseIt() {
    let folders = Self.folders([
      "Tensor": "func seconds(_ d: Duration) -> Double { 0 }\nstruct Tensor { var step: TrainingStep? }\n",
      "Training": "struct TrainingStep { var time = seconds(.zero); var x: Tensor }\n",
    ])
    let problems = FolderLayering.problems(folders, levels: Self.levels)
    let upward = FolderUse(folder: "Tensor", file: "TensorFile.swift", name: "TrainingStep", declaredIn: "Training")
    let downward = FolderUse(folder: "Training", file: "TrainingFile.swift", name: "Tensor", declaredIn: "Tensor")
    #expect(problems.contains(.againstOrder(upward, fromLevel: 1, toLevel: 5)))
    #expect(problems.contains(.cycle(folders: ["Tensor", "Training"], uses: [upward, downward])))
    #expect(FolderLayering.cycles(FolderLayering.crossFolderUses(folders)) == [["Tensor", "Training"]])
  }

  @Test func aFolderMissingFromTheTableIsReported() {
    let folders = Self.folders(["Support": "enum Format {}\n", "Extras": "enum Extra {}\n"])
    #expect(FolderLayering.problems(folders, levels: Self.levels) == [.unlisted(folder: "Extras")])
  }

  @Test func commentsStringsPrivateNamesAndMembersAreNotUses() {
    let lower = """
      // Trainer in a comment
      /* a block /* nested Trainer */ still a comment: Trainer */
      /// Doc comment: `Trainer`.
      let text = "Trainer \\" Trainer"
      let raw = #"Trainer "quoted" \\(Trainer)"#
      let block = \"\"\"
        Trainer
        \"\"\"
      let member = text.Trainer + x.trainingRate
      func helper() -> Int { .trainingRate }

      """
    let higher = "public final class Trainer {}\nprivate let trainingRate = 1\nprivate func trainingHelp() {}\n"
    #expect(FolderLayering.declarations(in: higher) == ["Trainer"])
    #expect(FolderLayering.declarations(in: lower) == ["text", "raw", "block", "member", "helper"])
    #expect(!FolderLayering.uses(in: lower).contains("Trainer"))
    #expect(FolderLayering.problems(Self.folders(["Support": lower, "Training": higher]), levels: Self.levels) == [])
  }

  @Test func interpolationsAndModuleQualifiedNamesAreUses() {
    #expect(FolderLayering.uses(in: "let a = \"rate \\(Trainer.rate(x)) done\"\n").contains("Trainer"))
    #expect(FolderLayering.uses(in: "let b = #\"rate \\#(Evaluation.run())\"#\n").contains("Evaluation"))
    #expect(FolderLayering.uses(in: "let c = DSDC.seconds(d)\n").contains("seconds"))
    #expect(!FolderLayering.uses(in: "let c = clock.seconds\n").contains("seconds"))
  }

  @Test func nestedDeclarationsAreNotTopLevel() {
    let text = """
      public struct TrainingState {
        public enum Key { case step }
        func load() {}
      }
      extension Tensor {
        struct Plane {}
      }
      private extension Tensor {
        func hidden() {}
      }
      enum After {}

      """
    #expect(FolderLayering.declarations(in: text) == ["TrainingState", "After"])
  }

  @Test func theTableIsTheFirstCodeBlock() {
    let text = """
      # Title

      ```text
      level  folder   holds
      1      Tensor   tensors
      0      Support  helpers
      ```

      ```
      9 Other x
      ```

      """
    #expect(FolderLayering.levels(architecture: text) == ["Tensor": 1, "Support": 0])
  }
}
