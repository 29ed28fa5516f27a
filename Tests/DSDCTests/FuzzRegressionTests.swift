import DSDC
import Foundation
import Testing

/// One saved input of a fuzz target: a minimised input that once crashed, hung or
/// misled a reader (`Fuzz/regressions/<target>/`), or a seed (`Fuzz/corpus/<target>/`).
struct FuzzInput: Sendable, CustomTestStringConvertible {
  /// `idx`, `safetensors` or `png`.
  let target: String
  /// The file.
  let url: URL

  /// e.g. `regressions/idx/claims-1gib-over-3-bytes`.
  var testDescription: String {
    let folder = url.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
    return "\(folder)/\(target)/\(url.lastPathComponent)"
  }

  /// Every regression, then every seed, of `target`.
  static func all(_ target: String) -> [FuzzInput] {
    ["regressions", "corpus"].flatMap { folder in
      let directory = repositoryRoot.appendingPathComponent("Fuzz/\(folder)/\(target)")
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
        .map { FuzzInput(target: target, url: directory.appendingPathComponent($0)) }
    }
  }

  /// The file's bytes.
  func bytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
}

/// A reader's error is one line, without control characters, that names what was read.
private func expectOneLine(_ text: String, naming name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let clean = !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
  #expect(clean && text.contains(name), "\(text.debugDescription)", sourceLocation: sourceLocation)
}

@Suite("Fuzz regressions: every saved input is read or refused cleanly")
struct FuzzRegressionTests {
  /// Read as images, as labels, and as whatever its own magic number says (so that
  /// any rank reaches the dimension checks).
  @Test(arguments: FuzzInput.all("idx"))
  func idx(_ input: FuzzInput) throws {
    let bytes = try input.bytes()
    let own = bytes.count >= 4 ? bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : nil
    for magic in [MNISTDataset.imageMagic, MNISTDataset.labelMagic] + (own.map { [$0] } ?? []) {
      do {
        let file = try IDXFile.read(input.url, expectedMagic: magic)
        #expect(file.data.count == (file.dimensions.contains(0) ? 0 : file.dimensions.reduce(1, *)))
        #expect(file.dimensions.count == Int(magic & 0xFF))
      } catch {
        expectOneLine(error.description, naming: input.url.path)
      }
    }
  }

  /// From disk and from memory the outcome is the same: equal files, or the same error.
  @Test(arguments: FuzzInput.all("safetensors"))
  func safetensors(_ input: FuzzInput) throws {
    let bytes = try input.bytes()
    let fromDisk = Result { () throws(CheckpointError) in try SafetensorsFile(contentsOf: input.url) }
    let fromMemory = Result { () throws(CheckpointError) in try SafetensorsFile(bytes: bytes, path: input.url.path) }
    switch (fromDisk, fromMemory) {
    case (.success(let a), .success(let b)):
      #expect(a == b)
      // Written back, the tensors come in layout order; the set of tensors is the same.
      let again = try SafetensorsFile(bytes: a.encoded())
      #expect(again.layoutOrder == a.layoutOrder && again.metadata == a.metadata)
    case (.failure(let a), .failure(let b)):
      expectOneLine(a.description, naming: input.url.path)
      #expect(a.description == b.description)
    default:
      Issue.record("disk and memory disagree: \(fromDisk) vs \(fromMemory)")
    }
  }

  /// As gray and as RGB, from disk and from memory: the same image, or the same error.
  @Test(arguments: FuzzInput.all("png"))
  func png(_ input: FuzzInput) throws {
    let bytes = try input.bytes()
    for channels in [1, 3] {
      let fromDisk = Result { try PNGFile.read(input.url.path, channels: channels) }
      let fromMemory = Result { try PNGFile.decode(bytes, channels: channels, name: input.url.path) }
      switch (fromDisk, fromMemory) {
      case (.success(let a), .success(let b)):
        #expect(a == b && a.channels == channels)
      case (.failure(let a as PNGError), .failure(let b as PNGError)):
        expectOneLine(a.description, naming: input.url.path)
        #expect(a.description == b.description || isReadFailure(a) && isReadFailure(b))
      default:
        Issue.record("disk and memory disagree: \(fromDisk) vs \(fromMemory)")
      }
    }
  }

  /// As a checkpoint's `dsdc.config` and as its `dsdc.recipe`: the honest seeds pass the
  /// checks, the others are refused, and every refusal names its key.
  @Test(arguments: FuzzInput.all("metadata"))
  func metadata(_ input: FuzzInput) throws {
    let text = String(decoding: try input.bytes(), as: UTF8.self)
    let state = TrainingState(tensors: [], metadata: [TrainingState.Key.config: text, TrainingState.Key.recipe: text])
    let name = input.url.lastPathComponent
    let honestConfigs = ["config-default.json", "config-tiny.json"]
    let honestRecipes = ["recipe-default.json", "recipe-sgd-cosine.json", "recipe-constant-no-augment.json"]
    do {
      _ = try state.config()
      #expect(honestConfigs.contains(name), "\(name) passed as a configuration")
    } catch {
      #expect(!honestConfigs.contains(name) && error.description.contains(TrainingState.Key.config), "\(error)")
    }
    do {
      _ = try state.recipe()
      #expect(honestRecipes.contains(name), "\(name) passed as a recipe")
    } catch {
      #expect(!honestRecipes.contains(name) && error.description.contains(TrainingState.Key.recipe), "\(error)")
    }
  }

  /// libpng words a read error differently for a file and a memory buffer.
  private func isReadFailure(_ error: PNGError) -> Bool {
    if case .readFailed = error { return true }
    return false
  }
}
