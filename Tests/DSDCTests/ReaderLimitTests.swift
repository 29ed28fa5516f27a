import DSDC
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

// Each reader refuses a file whose header claims more than it allows, from the
// header alone, with an error that names the file and the limit — and memory
// follows the bytes a file really holds, not what its header claims.

/// The peak resident memory of this process so far, in bytes. Other tests run at the
/// same time, so a check allows them 512 MB; a claim of 1–2 GB allocated would exceed it.
private func peakResidentBytes() -> Int {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return usage.ru_maxrss * 1024  // kilobytes on Linux
}

/// Big-endian bytes of a UInt32, as IDX headers and PNG chunks store them.
private func bigEndian32(_ value: UInt32) -> [UInt8] {
  [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

@Suite("Reader limits: IDX", .removesTemporaryFolders)
struct IDXLimitTests {
  /// 2³¹ images of 28×28 (1.7 TB) or 2³¹ labels (2 GiB), claimed by a header with no data.
  @Test(arguments: [
    (dimensions: [1 << 31, 28, 28], magic: MNISTDataset.imageMagic, gzip: false),
    (dimensions: [1 << 31, 28, 28], magic: MNISTDataset.imageMagic, gzip: true),
    (dimensions: [1 << 31], magic: MNISTDataset.labelMagic, gzip: false),
  ])
  func twoToThe31ItemsAreRefusedNamingTheLimit(dimensions: [Int], magic: UInt32, gzip: Bool) throws {
    let url = try makeTemporaryDirectory().appendingPathComponent(gzip ? "huge.gz" : "huge")
    let header = idxBytes(dimensions: dimensions, data: [], magicOverride: magic)
    if gzip { writeGzip(header, to: url) } else { try Data(header).write(to: url) }
    let claimed = dimensions.reduce(1, *)
    let error = #expect(throws: MNISTError.self) { _ = try IDXFile.read(url, expectedMagic: magic) }
    #expect(error == .tooLarge(path: url.path, bytes: claimed, limit: IDXFile.defaultByteLimit))
    let text = error?.description ?? ""
    #expect(text.contains(url.path) && text.contains("\(claimed)") && text.contains("limit of 1073741824"))
  }

  /// Dimensions whose product does not fit in 64 bits (three times 2³² − 1, or 255 of them).
  @Test(arguments: [3, 255])
  func dimensionProductOverflowIsRefused(rank: Int) throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("overflow")
    let header: [UInt8] = [0, 0, 0x08, UInt8(rank)] + (0..<rank).flatMap { _ in bigEndian32(.max) }
    try Data(header).write(to: url)
    let magic = UInt32(0x0800) | UInt32(rank)
    #expect(throws: MNISTError.tooLarge(path: url.path, bytes: Int.max, limit: IDXFile.defaultByteLimit)) {
      _ = try IDXFile.read(url, expectedMagic: magic)
    }
  }

  /// A header just under the 1 GiB limit over 3 bytes of data is a size mismatch, and
  /// reading it does not allocate the gigabyte it claims.
  @Test(arguments: [false, true])
  func claimUnderTheLimitCostsOnlyTheBytesPresent(gzip: Bool) throws {
    let url = try makeTemporaryDirectory().appendingPathComponent(gzip ? "short.gz" : "short")
    let bytes = idxBytes(dimensions: [1, 32768, 32767], data: [1, 2, 3])
    if gzip { writeGzip(bytes, to: url) } else { try Data(bytes).write(to: url) }
    let before = peakResidentBytes()
    #expect(throws: MNISTError.sizeMismatch(path: url.path, expected: 32768 * 32767, found: 3)) {
      _ = try IDXFile.read(url, expectedMagic: MNISTDataset.imageMagic)
    }
    let grown = peakResidentBytes() - before
    #expect(grown < 512 << 20, "peak memory grew by \(grown >> 20) MB reading a \(bytes.count)-byte file")
  }
}

@Suite("Reader limits: safetensors", .removesTemporaryFolders)
struct SafetensorsLimitTests {
  /// The header length as the file's first 8 bytes, little-endian.
  private static func lengthPrefix(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }

  /// A whole file: length, header, data.
  private static func file(_ header: String, data: [UInt8]) -> [UInt8] {
    lengthPrefix(UInt64(header.utf8.count)) + Array(header.utf8) + data
  }

  /// A header of 100,000,001 bytes (one over the limit) in a sparse 100 MB file on disk is
  /// refused from the first 8 bytes, without reading the header.
  @Test func headerOneByteOverTheLimitIsRefusedFromDisk() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("big.safetensors")
    let length = UInt64(SafetensorsFile.maxHeaderLength + 1)
    try Data(Self.lengthPrefix(length)).write(to: url)
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: 8 + length + 16)  // sparse: no disk blocks, no memory
    try handle.close()
    let error = #expect(throws: CheckpointError.self) { try SafetensorsFile(contentsOf: url) }
    #expect(error == .headerTooLarge(path: url.path, headerLength: length, limit: 100_000_000))
    #expect(error?.description.contains("exceeds the limit of 100000000 bytes") == true)
  }

  /// Offsets at the ends of the 64-bit range (past the data, or a length that overflows),
  /// and 2⁴⁰ floats claimed over 4 bytes of data: refused from the header alone.
  @Test(arguments: [
    ("U8", "[7]", "[9223372036854775800,9223372036854775807]"),
    ("U8", "[1]", "[-9223372036854775808,9223372036854775807]"),
    ("U8", "[1]", "[9223372036854775807,-9223372036854775808]"),
    ("F32", "[1099511627776]", "[0,4398046511104]"),
  ])
  func offsetsOutOfRangeAreRefused(dtype: String, shape: String, offsets: String) throws {
    let header = "{\"w\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}}"
    let error = #expect(throws: CheckpointError.self) {
      try SafetensorsFile(bytes: Self.file(header, data: [0, 0, 0, 0]), path: "w.safetensors")
    }
    switch error {
    case .dataPastEnd(let path, "w", _, _, 4)?, .sizeMismatch(let path, "w", _, _, _)?:
      #expect(path == "w.safetensors")
    default:
      Issue.record("expected dataPastEnd or sizeMismatch, got \(String(describing: error))")
    }
    #expect(error?.description.contains("data_offsets") == true)
  }

  /// One tensor's bytes lying wholly inside another's, listed in either order; the
  /// description names both tensors and the file.
  @Test(arguments: [["outer", "inner"], ["inner", "outer"]])
  func tensorInsideAnotherIsRefused(order: [String]) throws {
    let entries = [
      "outer": "\"outer\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}",
      "inner": "\"inner\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}",
    ]
    let header = "{" + order.map { entries[$0]! }.joined(separator: ",") + "}"
    let error = #expect(throws: CheckpointError.self) {
      try SafetensorsFile(bytes: Self.file(header, data: [UInt8](repeating: 0, count: 16)), path: "o.safetensors")
    }
    #expect(error == .overlappingTensors(path: "o.safetensors", name: "inner", other: "outer"))
    let text = error?.description ?? ""
    #expect(text.contains("o.safetensors") && text.contains("\"outer\"") && text.contains("\"inner\""))
  }

  /// An empty tensor may claim any extents: `[0, 2⁶²]` holds no bytes and reads as empty.
  @Test func emptyTensorWithHugeExtentReadsAsEmpty() throws {
    let header = "{\"e\":{\"dtype\":\"U8\",\"shape\":[0,4611686018427387904],\"data_offsets\":[0,0]}}"
    let file = try SafetensorsFile(bytes: Self.file(header, data: []))
    #expect(file["e"]?.shape == [0, 1 << 62])
    #expect(file["e"]?.values == .u8([]))
  }
}

@Suite("Reader limits: PNG", .removesTemporaryFolders)
struct PNGLimitTests {
  /// The refusal of a 100,000 × 100,000 header names the limit in its one line.
  @Test func tooLargeNamesTheLimit() throws {
    let png = HandMadePNG.file(width: 100_000, height: 100_000, bitDepth: 8, colorType: 2, rows: [[0, 0, 0]])
    let error = #expect(throws: PNGError.self) { try PNGFile.decode(png, channels: 3, name: "huge.png") }
    let text = error?.description ?? ""
    #expect(text.contains("huge.png") && text.contains("100000×100000"))
    #expect(text.contains("exceeds the limit of 100000000"))
    #expect(!text.contains("\n"))
  }

  /// A damaged tEXt length claiming 2 GiB in an 82-byte file is refused before libpng
  /// allocates (and zeroes) the claimed length, from memory and from disk.
  @Test func chunkClaimingMoreThanTheFileHoldsIsRefusedBeforeAllocating() throws {
    var png = HandMadePNG.file(width: 1, height: 1, bitDepth: 8, colorType: 0, rows: [[0]])
    let text = HandMadePNG.chunk("tEXt", Array("Comment\0dsdc".utf8))
    png.insert(contentsOf: [0x7E, 0x00, 0x00, 0x0C] + text.dropFirst(4), at: 33)  // after IHDR
    let before = peakResidentBytes()
    for message in try Self.readFailures(png, name: "long-text.png", readChannels: 1) {
      #expect(message.contains("tEXt") && message.contains("2113929228"))
    }
    #expect(peakResidentBytes() - before < 512 << 20)
  }

  /// A file that ends inside a chunk's header-plus-CRC frame (here: the 42-byte input
  /// the PNG fuzzer found, a zTXt chunk claiming 0x30000000 bytes with 1 byte of data and
  /// no CRC) is refused by the same check, before libpng allocates 768 MiB for it.
  @Test func fileEndingInsideAChunkIsRefusedBeforeAllocating() throws {
    var png = Array(HandMadePNG.file(width: 2, height: 2, bitDepth: 16, colorType: 2, rows: [[0]]).prefix(33))
    png += [0x30, 0x00, 0x00, 0x00] + Array("zTXt".utf8) + [0x49]
    for message in try Self.readFailures(png, name: "cut-short.png", readChannels: 3) {
      #expect(message == "zTXt: chunk length 805306368 exceeds the 0 bytes that follow")
    }
  }

  /// The messages of the `readFailed` errors `png` gives decoded from memory (as 1
  /// channel) and read from a file `name` in a new folder (as `readChannels`); another
  /// outcome is recorded as an issue and gives no message.
  static func readFailures(
    _ png: [UInt8], name: String, readChannels: Int, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [String] {
    let path = try makeTemporaryDirectory().appendingPathComponent(name).path
    try Data(png).write(to: URL(fileURLWithPath: path))
    let errors = [
      #expect(throws: PNGError.self, sourceLocation: sourceLocation) {
        try PNGFile.decode(png, channels: 1, name: path)
      },
      #expect(throws: PNGError.self, sourceLocation: sourceLocation) { try PNGFile.read(path, channels: readChannels) },
    ]
    return errors.compactMap { error in
      guard case .readFailed(path, let message)? = error else {
        Issue.record("expected readFailed, got \(String(describing: error))", sourceLocation: sourceLocation)
        return nil
      }
      return message
    }
  }

  /// Widths or heights beyond libpng's own limit of 1,000,000 (and beyond 2³¹ − 1, which
  /// PNG forbids) fail while reading the header, as a read error.
  @Test(arguments: [(1_000_001, 1), (1, 1_000_001), (Int(UInt32.max), 1)])
  func dimensionsBeyondLibpngLimitsAreReadErrors(width: Int, height: Int) throws {
    let png = HandMadePNG.file(width: width, height: height, bitDepth: 8, colorType: 0, rows: [[0]])
    let error = #expect(throws: PNGError.self) { try PNGFile.decode(png, channels: 1, name: "wide.png") }
    guard case .readFailed(let path, let message)? = error else {
      Issue.record("expected readFailed, got \(String(describing: error))")
      return
    }
    #expect(path == "wide.png" && !message.isEmpty)
  }
}
