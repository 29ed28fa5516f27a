import DSDC
import Foundation
import Testing

@Suite("PNG file round trips", .removesTemporaryFolders)
struct PNGFileTests {
  /// 7×5 gray image whose byte at flat index i is (37·i) mod 256: every byte differs from
  /// its neighbours, so a swapped row, column or stride would show.
  static let gray = RasterImage(
    width: 7, height: 5, channels: 1, pixels: (0..<35).map { UInt8((37 * $0) % 256) })

  /// 7×5 RGB image with r = 10·x, g = 40·y, b = 255 − 7·(x + 7y).
  static let color: RasterImage = {
    var pixels: [UInt8] = []
    for y in 0..<5 {
      for x in 0..<7 { pixels += [UInt8(10 * x), UInt8(40 * y), UInt8(255 - 7 * (x + 7 * y))] }
    }
    return RasterImage(width: 7, height: 5, channels: 3, pixels: pixels)
  }()

  @Test func grayWriteThenReadIsIdentical() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("gray.png").path
    try Self.gray.writePNG(to: path)
    let back = try RasterImage(pngFile: path, channels: 1)
    #expect(back == Self.gray)
    #expect(back[x: 1, y: 0] == 37)
    #expect(back[x: 0, y: 1] == UInt8((37 * 7) % 256))
  }

  @Test func rgbWriteThenReadIsIdentical() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("color.png").path
    try Self.color.writePNG(to: path)
    let back = try PNGFile.read(path, channels: 3)
    #expect(back == Self.color)
    #expect(back.color(x: 6, y: 4) == RGB(60, 160, 255 - 7 * 34))
  }

  @Test func fileStartsWithSignatureAndEncodeMatchesFile() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("gray.png").path
    try Self.gray.writePNG(to: path)
    let onDisk = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(Array(onDisk.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(onDisk == (try PNGFile.encode(Self.gray)))
    #expect(try PNGFile.decode(onDisk, channels: 1) == Self.gray)
  }

  /// Gray v read as RGB is (v, v, v).
  @Test func grayReadAsRGBRepeatsTheLevel() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("gray.png").path
    try Self.gray.writePNG(to: path)
    let back = try PNGFile.read(path, channels: 3)
    #expect(back == Self.gray.rgb())
  }

  /// RGB read as gray is libpng's `rgb_to_gray` (see `PNGFile`): neutral pixels keep their
  /// level; a primary at 255 stays 255 in 8-bit linear light, is weighted by its Rec. 709
  /// coefficient c/32768 and re-encoded with the power 1/2.2:
  /// ```
  /// Y = ⌊(c·255 + 16384) / 32768⌋          red c = 6968 → 54, green 23434 → 182, blue 2366 → 18
  /// out = round(255 · (Y / 255)^(1/2.2))   54 → 125.9 → 126, 182 → 218.8 → 219, 18 → 76.4 → 76
  /// ```
  @Test func rgbReadAsGrayFollowsLibpngLuminance() throws {
    let pixels: [RGB] = [.black, .white, RGB(gray: 100), RGB(255, 0, 0), RGB(0, 255, 0), RGB(0, 0, 255)]
    let image = RasterImage(width: 6, height: 1, channels: 3, pixels: pixels.flatMap { [$0.r, $0.g, $0.b] })
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("primaries.png").path
    try image.writePNG(to: path)
    let gray = try PNGFile.read(path, channels: 1)
    #expect(gray.width == 6 && gray.height == 1 && gray.channels == 1)
    #expect(gray.pixels == [0, 255, 100, 126, 219, 76])
  }

  @Test func overwritingReplacesTheFileAndLeavesNoTemporaryFiles() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("x.png").path
    try Self.color.writePNG(to: path)
    try Self.gray.writePNG(to: path)
    #expect(try PNGFile.read(path, channels: 1) == Self.gray)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["x.png"])
  }

  /// 7×5 = 35 pixels: a limit of 35 reads, 34 refuses.
  @Test func pixelLimitIsInclusive() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("small.png").path
    try Self.gray.writePNG(to: path)
    #expect(try PNGFile.read(path, channels: 1, pixelLimit: 35) == Self.gray)
    #expect(throws: PNGError.tooLarge(path: path, width: 7, height: 5, limit: 34)) {
      try PNGFile.read(path, channels: 1, pixelLimit: 34)
    }
  }

  @Test func upscaledImageSurvivesTheRoundTrip() throws {
    let folder = try makeTemporaryDirectory()
    let path = folder.appendingPathComponent("big.png").path
    let big = Self.color.upscaled(by: 4)
    try big.writePNG(to: path)
    let back = try PNGFile.read(path)
    #expect(back.width == 28 && back.height == 20)
    #expect(back == big)
  }
}
