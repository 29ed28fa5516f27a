import CZlib
import Foundation

/// One IDX file: the simple binary format MNIST ships in.
///
/// ```
/// offset  bytes  field
/// 0       2      0x00 0x00
/// 2       1      data type (0x08 = unsigned byte)
/// 3       1      number of dimensions d
/// 4       4·d    each dimension, big-endian UInt32
/// 4+4d    …      the data, Π dimensions bytes for unsigned byte data
/// ```
/// So the magic number of an image file is `0x00000803` (bytes, 3 dimensions)
/// and that of a label file `0x00000801`.
public struct IDXFile: Sendable, Equatable {
  /// The first four bytes read as a big-endian number.
  public var magic: UInt32
  /// The dimensions, outermost first (e.g. `[10000, 28, 28]`).
  public var dimensions: [Int]
  /// The raw header bytes (magic and dimensions), for showing them.
  public var header: [UInt8]
  /// The data, `dimensions.reduce(1, *)` bytes.
  public var data: [UInt8]

  /// The most data bytes a file may claim before anything is allocated (1 GiB;
  /// MNIST's largest file holds 47 MB).
  public static let defaultByteLimit = 1 << 30

  /// Reads an IDX file, gzip-compressed or not (zlib reads plain files as they are),
  /// checking the magic number, the header and that the data length matches it.
  /// - Parameter expectedMagic: `0x00000803` for images, `0x00000801` for labels.
  public static func read(
    _ url: URL, expectedMagic: UInt32, byteLimit: Int = defaultByteLimit
  ) throws(MNISTError) -> IDXFile {
    let path = url.path
    if let problem = InputFile.problem(path) { throw .unreadable(path: path, reason: problem) }
    guard let file = gzopen(path, "rb") else {
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { gzclose(file) }
    var reader = GzipReader(file: file, path: path)

    let magicBytes = try reader.read(4)
    guard magicBytes.count == 4 else {
      throw .sizeMismatch(path: path, expected: 4, found: magicBytes.count)
    }
    let magic = bigEndian(magicBytes[...])
    guard magic == expectedMagic else {
      throw .badMagic(path: path, expected: expectedMagic, found: magic)
    }
    let rank = Int(magicBytes[3])
    let dimensionBytes = try reader.read(4 * rank)
    guard dimensionBytes.count == 4 * rank else {
      throw .sizeMismatch(path: path, expected: 4 + 4 * rank, found: 4 + dimensionBytes.count)
    }
    let dimensions = (0..<rank).map { Int(bigEndian(dimensionBytes[4 * $0..<4 * $0 + 4])) }
    // Any zero extent means no data at all (and keeps 0 · ∞ out of the size reported below).
    var byteCount = dimensions.contains(0) ? 0 : 1
    for d in dimensions where byteCount > 0 {
      let (product, overflow) = byteCount.multipliedReportingOverflow(by: d)
      guard !overflow, product <= byteLimit else {
        throw .tooLarge(path: path, bytes: dimensions.reduce(1.0) { $0 * Double($1) }.exactInt, limit: byteLimit)
      }
      byteCount = product
    }
    let data = try reader.read(byteCount)
    guard data.count == byteCount else {
      throw .sizeMismatch(path: path, expected: byteCount, found: data.count)
    }
    let extra = try reader.read(1)
    guard extra.isEmpty else {
      let rest = try reader.count(limit: byteLimit)
      throw .sizeMismatch(path: path, expected: byteCount, found: byteCount + 1 + rest)
    }
    return IDXFile(magic: magic, dimensions: dimensions, header: magicBytes + dimensionBytes, data: data)
  }
}

/// Reads a gzip (or plain) stream through zlib, turning its errors into `MNISTError`.
private struct GzipReader {
  let file: gzFile
  let path: String

  /// Up to `count` bytes; fewer only at the end of the stream. The buffer grows
  /// (doubling from 64 KiB) as bytes arrive, so a header that claims a gigabyte
  /// over a few bytes of data costs kilobytes, not the claim.
  mutating func read(_ count: Int) throws(MNISTError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: min(count, 1 << 16))
    var filled = 0
    while filled < count {
      if filled == bytes.count {
        // Exactly the next size, not the array's own (larger) growth: the split's
        // pixels stay in memory for the whole run.
        bytes.reserveCapacity(min(count, 2 * bytes.count))
        bytes.append(contentsOf: repeatElement(0, count: min(count - filled, bytes.count)))
      }
      let chunk = UInt32(min(bytes.count - filled, 1 << 30))
      let got = bytes.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + filled, chunk) }
      try check(got)
      if got == 0 { break }
      filled += Int(got)
    }
    bytes.removeLast(bytes.count - filled)
    return bytes
  }

  /// Counts (and discards) the remaining bytes, up to `limit`.
  mutating func count(limit: Int) throws(MNISTError) -> Int {
    var total = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while total <= limit {
      let got = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress!, UInt32($0.count)) }
      try check(got)
      if got == 0 { break }
      total += Int(got)
    }
    return total
  }

  private func check(_ result: Int32) throws(MNISTError) {
    var code: Int32 = 0
    let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
    if result < 0 || (code != Z_OK && code != Z_STREAM_END) {
      throw .corruptGzip(path: path, reason: message.isEmpty ? "zlib error \(code)" : message)
    }
  }
}

private func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
  bytes.reduce(0) { $0 << 8 | UInt32($1) }
}

extension Double {
  fileprivate var exactInt: Int { self >= Double(Int.max) ? Int.max : Int(self) }
}
