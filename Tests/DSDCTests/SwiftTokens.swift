/// A small Swift tokenizer for the layering check: the identifiers and braces of a source
/// file, with comments skipped and string literals skipped except for the code of their
/// interpolations (`"\(Format.fixed(x))"` uses `Format`).
///
/// It knows `//` and nested `/* */` comments, `"…"`, `"""…"""` and raw `#"…"#` strings
/// with `\(…)` (raw: `\#(…)`) interpolations, and backquoted names. Anything else that is
/// not part of an identifier is punctuation; only `{`, `}`, `.` and `@` are kept.
struct SwiftTokens {
  /// One token: an identifier (`isIdentifier`) or one of `{`, `}`, `.`, `@`.
  struct Token: Equatable {
    var text: String
    var isIdentifier: Bool
  }

  /// The tokens in source order.
  private(set) var tokens: [Token] = []
  private let bytes: [UInt8]
  private var index = 0

  init(_ source: String) {
    bytes = Array(source.utf8)
    scanCode(until: nil)
  }

  /// Scans code up to the byte `end` at parenthesis depth 0 (an interpolation's `)`), or
  /// to the end of the file.
  private mutating func scanCode(until end: UInt8?) {
    var parentheses = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "(") { parentheses += 1 }
      if byte == UInt8(ascii: ")") {
        if parentheses == 0 && end == UInt8(ascii: ")") {
          index += 1
          return
        }
        parentheses -= 1
      }
      if starts("//") {
        while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
      } else if starts("/*") {
        skipBlockComment()
      } else if byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\"") {
        var hashes = 0
        while index + hashes < bytes.count && bytes[index + hashes] == UInt8(ascii: "#") { hashes += 1 }
        if index + hashes < bytes.count && bytes[index + hashes] == UInt8(ascii: "\"") {
          index += hashes
          scanString(hashes: hashes)
        } else {
          index += max(hashes, 1)  // `#if`, `#filePath`: the name after `#` is read next
        }
      } else if byte == UInt8(ascii: "`") {
        let start = index + 1
        index = start
        while index < bytes.count && bytes[index] != UInt8(ascii: "`") && bytes[index] != UInt8(ascii: "\n") {
          index += 1
        }
        tokens.append(Token(text: text(start..<index), isIdentifier: true))
        index += 1
      } else if Self.startsIdentifier(byte) {
        let start = index
        while index < bytes.count && Self.continuesIdentifier(bytes[index]) { index += 1 }
        tokens.append(Token(text: text(start..<index), isIdentifier: true))
      } else {
        if [UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "."), UInt8(ascii: "@")].contains(byte) {
          tokens.append(Token(text: String(UnicodeScalar(byte)), isIdentifier: false))
        }
        index += 1
      }
    }
  }

  /// Skips a `/* … */` comment, which may hold nested ones.
  private mutating func skipBlockComment() {
    var depth = 0
    while index < bytes.count {
      if starts("/*") {
        depth += 1
        index += 2
      } else if starts("*/") {
        depth -= 1
        index += 2
        if depth == 0 { return }
      } else {
        index += 1
      }
    }
  }

  /// Skips a string literal that starts at `index` (after its `hashes` leading `#`),
  /// scanning the code of its interpolations.
  private mutating func scanString(hashes: Int) {
    let isMultiline = starts("\"\"\"")
    let quote = isMultiline ? "\"\"\"" : "\""
    index += quote.utf8.count
    let closing = Array((quote + String(repeating: "#", count: hashes)).utf8)
    let interpolation = Array(("\\" + String(repeating: "#", count: hashes) + "(").utf8)
    while index < bytes.count {
      if starts(closing) {
        index += closing.count
        return
      }
      if starts(interpolation) {
        index += interpolation.count
        scanCode(until: UInt8(ascii: ")"))
      } else if hashes == 0 && bytes[index] == UInt8(ascii: "\\") {
        index += 2  // an escape such as `\"` or `\\`
      } else if !isMultiline && bytes[index] == UInt8(ascii: "\n") {
        return  // an unterminated literal ends at its line
      } else {
        index += 1
      }
    }
  }

  private func starts(_ prefix: String) -> Bool { starts(Array(prefix.utf8)) }

  private func starts(_ prefix: [UInt8]) -> Bool {
    index + prefix.count <= bytes.count && bytes[index..<index + prefix.count].elementsEqual(prefix)
  }

  private func text(_ range: Range<Int>) -> String {
    String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
  }

  /// Letters, `_` and any non-ASCII byte (Swift names may use `σ`, `μ`).
  private static func startsIdentifier(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
  }

  private static func continuesIdentifier(_ byte: UInt8) -> Bool {
    startsIdentifier(byte) || (byte >= 0x30 && byte <= 0x39)
  }
}
