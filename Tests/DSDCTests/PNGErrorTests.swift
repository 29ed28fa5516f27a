import DSDC
import Foundation
import Testing

@Suite("PNG errors", .removesTemporaryFolders)
struct PNGErrorTests {
  static let image = RasterImage(width: 3, height: 2, channels: 1, pixels: [0, 50, 100, 150, 200, 250])

  @Test func writingIntoMissingFolderThrowsAndLeavesNothing() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("missing/x.png").path
    #expect(throws: PNGError.writeFailed(path: path, message: "No such file or directory")) {
      try Self.image.writePNG(to: path)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  /// A "folder" that is a regular file cannot be written into, even by root.
  @Test func writingUnderARegularFileThrowsAndLeavesNothing() throws {
    let folder = try makeTemporaryDirectory()
    let blocker = folder.appendingPathComponent("afile")
    try Data("not a folder".utf8).write(to: blocker)
    let path = blocker.appendingPathComponent("x.png").path
    let error = #expect(throws: PNGError.self) { try Self.image.writePNG(to: path) }
    #expect(error == .writeFailed(path: path, message: "Not a directory"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["afile"])
  }

  /// The final rename fails when the target is a folder; the temporary file is removed.
  @Test func failedRenameRemovesTheTemporaryFile() throws {
    let folder = try makeTemporaryDirectory()
    let target = folder.appendingPathComponent("x.png")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
    let error = #expect(throws: PNGError.self) { try Self.image.writePNG(to: target.path) }
    guard case .writeFailed(let path, _) = error else {
      Issue.record("expected writeFailed, got \(String(describing: error))")
      return
    }
    #expect(path == target.path)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["x.png"])
  }

  @Test func descriptionIsOneLineWithPathAndHint() {
    let text = PNGError.writeFailed(path: "Output/x.png", message: "Permission denied").description
    #expect(text == "cannot write Output/x.png: Permission denied — HINT: choose a writable folder with --output DIR")
    let errors: [PNGError] = [
      .writeFailed(path: "a.png", message: "No such file or directory"),
      .readFailed(path: "a.png", message: "Read Error"),
      .notPNG(path: "a.png"),
      .tooLarge(path: "a.png", width: 100_000, height: 100_000, limit: 100_000_000),
    ]
    for error in errors {
      #expect(!error.description.contains("\n"))
      #expect(error.description.contains("a.png"))
      #expect(error.description.contains("HINT: "))
      #expect(error.path == "a.png")
    }
  }

  @Test func readingAMissingFileThrowsReadFailed() throws {
    let path = try makeTemporaryDirectory().appendingPathComponent("absent.png").path
    #expect(throws: PNGError.readFailed(path: path, message: "No such file or directory")) {
      try PNGFile.read(path)
    }
  }

  @Test(arguments: [
    ("text", Array("hello, this is not an image\n".utf8)),
    ("empty", []),
    ("short", [0x89, 0x50, 0x4E]),
    ("jpeg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0]),
  ])
  func readingNonPNGThrowsNotPNG(name: String, bytes: [UInt8]) throws {
    let path = try makeTemporaryDirectory().appendingPathComponent("\(name).png").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: PNGError.notPNG(path: path)) { try PNGFile.read(path) }
    #expect(throws: PNGError.notPNG(path: "bytes")) { try PNGFile.decode(bytes, name: "bytes") }
  }

  /// Cut a valid file after the header (inside IDAT) and inside IHDR: both are read errors.
  @Test(arguments: [0.5, 0.2])
  func readingATruncatedPNGThrowsReadFailed(fraction: Double) throws {
    let big = RasterImage(
      width: 40, height: 30, channels: 3, pixels: (0..<3600).map { UInt8(($0 * 7919) % 251) })
    let bytes = try PNGFile.encode(big)
    let path = try makeTemporaryDirectory().appendingPathComponent("cut.png").path
    try Data(bytes.prefix(Int(Double(bytes.count) * fraction))).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: PNGError.self) { try PNGFile.read(path) }
    guard case .readFailed(let errorPath, let message) = error else {
      Issue.record("expected readFailed, got \(String(describing: error))")
      return
    }
    #expect(errorPath == path)
    #expect(!message.isEmpty)
  }

  /// A valid header claiming 100000 × 100000 pixels (10¹⁰ bytes of gray) is refused from the
  /// header alone, without trying to allocate the pixels.
  @Test func hugeHeaderIsRefusedBeforeAllocation() throws {
    let png = HandMadePNG.file(width: 100_000, height: 100_000, bitDepth: 8, colorType: 0, rows: [[0, 0]])
    let path = try makeTemporaryDirectory().appendingPathComponent("huge.png").path
    try Data(png).write(to: URL(fileURLWithPath: path))
    #expect(throws: PNGError.tooLarge(path: path, width: 100_000, height: 100_000, limit: 100_000_000)) {
      try PNGFile.read(path, channels: 1)
    }
    #expect(throws: PNGError.tooLarge(path: "huge", width: 100_000, height: 100_000, limit: 1000)) {
      try PNGFile.decode(png, channels: 3, pixelLimit: 1000, name: "huge")
    }
  }
}
