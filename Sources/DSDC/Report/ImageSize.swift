import Foundation

/// Image dimensions read from a file's header, so the report can size pixel art
/// to whole multiples of its pixels before the browser has loaded it.
enum ImageSize {
  /// Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian), or `nil`
  /// if the file is missing or not a PNG.
  static func png(at url: URL) -> (width: Int, height: Int)? {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
    defer { try? handle.close() }
    guard let header = try? handle.read(upToCount: 24), header.count == 24 else { return nil }
    let bytes = [UInt8](header)
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
    let word = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    let (width, height) = (word(16), word(20))
    return width > 0 && height > 0 ? (width, height) : nil
  }

  /// The whole-number enlargement that brings a small image to at least `minimum`
  /// pixels wide (at most 32×), so a 28×28 digit shows as crisp 224×224 squares.
  static func scale(width: Int, minimum: Int = 200) -> Int {
    guard width > 0, width < minimum else { return 1 }
    return min(32, (minimum + width - 1) / width)
  }
}
