@testable import DSDC
import Foundation
import Testing

@Suite("Atomic file writes", .removesTemporaryFolders)
struct AtomicFileTests {
  @Test("a write replaces the file whole and leaves no temporary file beside it")
  func replaceLeavesOnlyTheFile() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("model.safetensors").path
    try AtomicFile.replace(path, with: [1, 2, 3])
    try AtomicFile.replace(path, with: [4, 5])
    #expect(FileManager.default.contents(atPath: path) == Data([4, 5]))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
  }

  @Test("temporary names are hidden, beside the file, with 16 hex digits")
  func temporaryNames() {
    let name = AtomicFile.temporaryPath(for: "/a/b/model.safetensors")
    #expect(name.hasPrefix("/a/b/.model.safetensors.tmp-"))
    let suffix = name.dropFirst("/a/b/.model.safetensors.tmp-".count)
    #expect(suffix.count == 16 && suffix.allSatisfy(\.isHexDigit))
    #expect(AtomicFile.temporaryPath(for: "x").hasPrefix(".x.tmp-"))
  }

  @Test("leftovers of a killed write are removed; other files, even similar names, stay")
  func leftoversAreRemoved() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("checkpoint.safetensors").path
    let keep = [
      "checkpoint.safetensors", "model.safetensors", ".model.safetensors.tmp-0123456789abcdef",
      ".checkpoint.safetensors.tmp-short", "notes.txt",
    ]
    let stale = [".checkpoint.safetensors.tmp-0123456789abcdef", ".checkpoint.safetensors.tmp-00000000000000ff"]
    for name in keep + stale {
      #expect(FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data([7])))
    }
    #expect(AtomicFile.removeLeftovers(of: path) == 2)
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set(keep))
    #expect(AtomicFile.removeLeftovers(of: path) == 0)
  }
}
