/// A JSON value as the safetensors header reader sees it.
///
/// Objects keep their keys in file order *with* duplicates, so the reader can
/// reject a name that appears twice, and numbers keep their literal text, so an
/// offset such as `184467440737095516160` is reported as too large and `1.0` or
/// `true` is not taken for the integer 1. Foundation's `JSONSerialization` and
/// `JSONDecoder` can do neither: they keep one of two equal keys silently (each
/// a different one) and bridge `true` and `1.0` to `Int` 1.
enum HeaderJSON {
  case object([(key: String, value: HeaderJSON)])
  case array([HeaderJSON])
  case string(String)
  case number(String)
  case bool(Bool)
  case null
}

/// A strict RFC 8259 parser for header bytes (UTF-8 already checked by the caller).
///
/// Nesting is limited to `maxDepth` levels, so a hostile header of a million `[`
/// fails with an error instead of exhausting the stack; a valid header needs 3.
struct HeaderJSONParser {
  /// Deepest nesting of arrays and objects accepted.
  static let maxDepth = 16

  /// Why the bytes are not JSON, with the byte position in the header.
  struct Failure: Error, Equatable {
    let message: String
  }

  private let bytes: [UInt8]
  private var position = 0

  private init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// The single JSON value in `bytes`, which may be surrounded by whitespace.
  static func parse(_ bytes: [UInt8]) throws(Failure) -> HeaderJSON {
    var parser = HeaderJSONParser(bytes)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    if parser.position != bytes.count { throw parser.failure("unexpected data after the JSON value") }
    return value
  }

  private func failure(_ message: String) -> Failure {
    Failure(message: "\(message) at byte \(position) of the header")
  }

  private mutating func skipWhitespace() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func expect(_ byte: UInt8) throws(Failure) {
    guard peek() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
    position += 1
  }

  private mutating func value(depth: Int) throws(Failure) -> HeaderJSON {
    guard let byte = peek() else { throw failure("unexpected end of JSON") }
    switch byte {
    case UInt8(ascii: "{"): return try object(depth: depth + 1)
    case UInt8(ascii: "["): return try array(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: throw failure("unexpected character")
    }
  }

  private mutating func literal(_ word: String) throws(Failure) {
    let word = Array(word.utf8)
    guard bytes.count - position >= word.count, Array(bytes[position..<position + word.count]) == word
    else { throw failure("unknown literal") }
    position += word.count
  }

  private mutating func object(depth: Int) throws(Failure) -> HeaderJSON {
    var pairs: [(key: String, value: HeaderJSON)] = []
    try container(depth: depth, open: "{", close: "}") { parser throws(Failure) in
      guard parser.peek() == UInt8(ascii: "\"") else { throw parser.failure("expected a string key") }
      let key = try parser.string()
      parser.skipWhitespace()
      try parser.expect(UInt8(ascii: ":"))
      parser.skipWhitespace()
      pairs.append((key, try parser.value(depth: depth)))
    }
    return .object(pairs)
  }

  private mutating func array(depth: Int) throws(Failure) -> HeaderJSON {
    var items: [HeaderJSON] = []
    try container(depth: depth, open: "[", close: "]") { parser throws(Failure) in
      items.append(try parser.value(depth: depth))
    }
    return .array(items)
  }

  /// An object or array: `open`, then `element` once per comma-separated entry
  /// (white space around each skipped), then `close`; deeper than `maxDepth` fails.
  private mutating func container(
    depth: Int, open: Unicode.Scalar, close: Unicode.Scalar,
    _ element: (inout HeaderJSONParser) throws(Failure) -> Void
  ) throws(Failure) {
    if depth > Self.maxDepth { throw failure("JSON nested deeper than \(Self.maxDepth) levels") }
    try expect(UInt8(ascii: open))
    skipWhitespace()
    if peek() == UInt8(ascii: close) {
      position += 1
      return
    }
    while true {
      skipWhitespace()
      try element(&self)
      skipWhitespace()
      if peek() == UInt8(ascii: ",") {
        position += 1
      } else {
        try expect(UInt8(ascii: close))
        return
      }
    }
  }

  /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as its text.
  private mutating func number() throws(Failure) -> String {
    let start = position
    func digits(_ parser: inout HeaderJSONParser) -> Int {
      let first = parser.position
      while let b = parser.peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { parser.position += 1 }
      return parser.position - first
    }
    if peek() == UInt8(ascii: "-") { position += 1 }
    if peek() == UInt8(ascii: "0") {
      position += 1
    } else if digits(&self) == 0 {
      throw failure("malformed number")
    }
    if peek() == UInt8(ascii: ".") {
      position += 1
      if digits(&self) == 0 { throw failure("malformed number") }
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      position += 1
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
      if digits(&self) == 0 { throw failure("malformed number") }
    }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  /// A string literal with its escapes resolved (surrogate pairs joined, lone ones rejected).
  private mutating func string() throws(Failure) -> String {
    try expect(UInt8(ascii: "\""))
    var out: [UInt8] = []
    while true {
      guard let byte = peek() else { throw failure("unterminated string") }
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)
      case 0x00..<0x20:
        throw failure("control character inside a string")
      case UInt8(ascii: "\\"):
        guard let escape = peek() else { throw failure("unterminated string") }
        position += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
        default: throw failure("unknown escape")
        }
      default:
        out.append(byte)
      }
    }
  }

  /// The UTF-8 bytes of a `\uXXXX` escape (the `\u` already read), or of a pair.
  private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
    var code = UInt32(try hex4())
    if (0xD800..<0xDC00).contains(code) {
      guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"),
        bytes[position + 1] == UInt8(ascii: "u")
      else { throw failure("unpaired surrogate escape") }
      position += 2
      let low = UInt32(try hex4())
      guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate escape") }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
    }
    guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired surrogate escape") }
    var utf8: [UInt8] = []
    UTF8.encode(scalar) { utf8.append($0) }
    return utf8
  }

  private mutating func hex4() throws(Failure) -> UInt16 {
    guard bytes.count - position >= 4,
      let value = UInt16(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16),
      bytes[position..<position + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
    else { throw failure("malformed \\u escape") }
    position += 4
    return value
  }
}
