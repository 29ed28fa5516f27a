import DSDC
import Foundation
import Testing

/// Reading PNG kinds that `PNGFile` never writes (palette, alpha, 1-bit, 16-bit). The files
/// are built byte by byte by `HandMadePNG` below, straight from the PNG specification, so
/// the expected pixels are known without libpng.
@Suite("PNG reading converts every kind", .removesTemporaryFolders)
struct PNGConversionTests {
  /// Writes `bytes` to a fresh temporary file and returns its path.
  func file(_ bytes: [UInt8], name: String = "fixture.png") throws -> String {
    let path = try makeTemporaryDirectory().appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Palette (colour type 3) of red, blue and (10, 200, 30); indices 0 1 2 / 2 1 0.
  @Test func paletteReadsAsItsColours() throws {
    let png = HandMadePNG.file(
      width: 3, height: 2, bitDepth: 8, colorType: 3, rows: [[0, 1, 2], [2, 1, 0]],
      chunks: [("PLTE", [255, 0, 0, 0, 0, 255, 10, 200, 30])])
    let image = try PNGFile.read(try file(png), channels: 3)
    #expect(image.pixels == [255, 0, 0, 0, 0, 255, 10, 200, 30, 10, 200, 30, 0, 0, 255, 255, 0, 0])
  }

  /// Palette black/white/gray 77 with tRNS making entry 1 fully transparent: it reads as the
  /// white background, the others as their gray level.
  @Test func paletteWithTransparencyReadsAsGray() throws {
    let png = HandMadePNG.file(
      width: 3, height: 1, bitDepth: 8, colorType: 3, rows: [[0, 1, 2]],
      chunks: [("PLTE", [0, 0, 0, 0, 0, 0, 77, 77, 77]), ("tRNS", [255, 0, 255])])
    let image = try PNGFile.read(try file(png), channels: 1)
    #expect(image.pixels == [0, 255, 77])
  }

  /// 1-bit gray: bits 1 0 1 1 are white black white white.
  @Test func oneBitGray() throws {
    let png = HandMadePNG.file(width: 4, height: 1, bitDepth: 1, colorType: 0, rows: [[0b1011_0000]])
    #expect(try PNGFile.read(try file(png), channels: 1).pixels == [255, 0, 255, 255])
  }

  /// 16-bit gray without gAMA: v16 = 257·v reads as v (0, 100, 255).
  @Test func sixteenBitGray() throws {
    let png = HandMadePNG.file(
      width: 3, height: 1, bitDepth: 16, colorType: 0,
      rows: [HandMadePNG.bigEndian16([0, 257 * 100, 65535])])
    #expect(try PNGFile.read(try file(png), channels: 1).pixels == [0, 100, 255])
  }

  /// 16-bit RGB without gAMA: (257·10, 257·20, 257·30) reads as (10, 20, 30).
  @Test func sixteenBitRGB() throws {
    let png = HandMadePNG.file(
      width: 2, height: 1, bitDepth: 16, colorType: 2,
      rows: [HandMadePNG.bigEndian16([257 * 10, 257 * 20, 257 * 30, 65535, 0, 65535])])
    #expect(try PNGFile.read(try file(png), channels: 3).pixels == [10, 20, 30, 255, 0, 255])
  }

  /// Gray + alpha: opaque pixels keep their level, transparent ones become white.
  @Test func grayAlphaCompositesOverWhite() throws {
    let png = HandMadePNG.file(
      width: 3, height: 1, bitDepth: 8, colorType: 4, rows: [[0, 255, 200, 255, 0, 0]])
    #expect(try PNGFile.read(try file(png), channels: 1).pixels == [0, 200, 255])
    #expect(try PNGFile.read(try file(png), channels: 3).pixels == [0, 0, 0, 200, 200, 200, 255, 255, 255])
  }

  /// RGBA: an opaque pixel keeps its colour, a transparent one becomes white.
  @Test func rgbaCompositesOverWhite() throws {
    let png = HandMadePNG.file(
      width: 2, height: 1, bitDepth: 8, colorType: 6, rows: [[10, 20, 30, 255, 90, 0, 0, 0]])
    #expect(try PNGFile.read(try file(png), channels: 3).pixels == [10, 20, 30, 255, 255, 255])
  }

  /// The hand-made encoder itself: a plain 8-bit gray file reads back unchanged.
  @Test func handMadeEncoderAgreesWithLibpng() throws {
    let png = HandMadePNG.file(width: 2, height: 2, bitDepth: 8, colorType: 0, rows: [[1, 2], [3, 4]])
    #expect(try PNGFile.decode(png, channels: 1).pixels == [1, 2, 3, 4])
  }

  /// CRC-32 of "123456789" is 0xCBF43926 (the check value of the PNG/zlib polynomial);
  /// Adler-32 of "Wikipedia" is 0x11E60398.
  @Test func checksumsMatchPublishedCheckValues() {
    #expect(HandMadePNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(HandMadePNG.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
  }
}

/// A minimal PNG writer from the PNG specification (chunks with CRC-32, zlib "stored"
/// deflate blocks with Adler-32, filter type 0 on every row), independent of libpng.
enum HandMadePNG {
  /// A complete PNG: signature, IHDR, the extra `chunks` (PLTE, tRNS, …), one IDAT, IEND.
  /// `rows` are the raw scanline bytes without the filter byte.
  static func file(
    width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
    chunks: [(String, [UInt8])] = []
  ) -> [UInt8] {
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    out += chunk("IHDR", bigEndian32(UInt32(width)) + bigEndian32(UInt32(height)) + [bitDepth, colorType, 0, 0, 0])
    for (type, data) in chunks { out += chunk(type, data) }
    out += chunk("IDAT", zlibStored(rows.flatMap { [0] + $0 }))
    out += chunk("IEND", [])
    return out
  }

  /// Length, type, data, CRC-32 over type + data.
  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    return bigEndian32(UInt32(data.count)) + typeBytes + data + bigEndian32(crc32(typeBytes + data))
  }

  /// zlib stream (header 0x78 0x01) of uncompressed deflate blocks, then Adler-32.
  static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
      let n = min(65535, data.count - start)
      let last: UInt8 = start + n == data.count ? 1 : 0
      out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
      out += data[start..<start + n]
      start += n
    } while start < data.count
    return out + bigEndian32(adler32(data))
  }

  /// CRC-32, polynomial 0xEDB88320 (reflected), bit by bit.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      c ^= UInt32(byte)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return ~c
  }

  /// Adler-32: two running sums modulo 65521.
  static func adler32(_ bytes: [UInt8]) -> UInt32 {
    var (a, b): (UInt32, UInt32) = (1, 0)
    for byte in bytes {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    return b << 16 | a
  }

  static func bigEndian32(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
  }

  static func bigEndian16(_ values: [Int]) -> [UInt8] {
    values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
  }
}
