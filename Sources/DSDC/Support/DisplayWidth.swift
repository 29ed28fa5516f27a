/// How many terminal columns text takes, the way terminals draw it (wcwidth):
/// East Asian wide and fullwidth characters (CJK ideographs, kana, hangul, fullwidth
/// forms) and emoji drawn as emoji take 2 columns, combining marks and other
/// zero-width characters 0, everything else 1.
/// ```
/// DisplayWidth.of("out[0,0]")    // 8
/// DisplayWidth.of("卷积核")        // 6
/// DisplayWidth.of("x̂")           // 1 (x and a combining circumflex)
/// ```
/// Characters of ambiguous width (`█`, `·`, `×`, Greek letters) count 1, as in
/// every terminal outside East Asian locales.
public enum DisplayWidth {
  /// The columns `text` takes.
  public static func of(_ text: some StringProtocol) -> Int {
    text.unicodeScalars.reduce(0) { $0 + of($1) }
  }

  /// The columns one scalar takes: 0, 1 or 2.
  public static func of(_ scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if value < 0x300 { return value < 0x20 || (0x7F..<0xA0).contains(value) ? 0 : 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control: return 0
    default: break
    }
    if scalar.properties.isEmojiPresentation { return 2 }
    return wide.contains { $0.contains(value) } ? 2 : 1
  }

  /// Blocks of East Asian Width W and F (Unicode Standard Annex #11) outside emoji.
  private static let wide: [ClosedRange<UInt32>] = [
    0x1100...0x115F,  // Hangul Jamo initial consonants
    0x2329...0x232A,  // angle brackets
    0x2E80...0x303E,  // CJK radicals, Kangxi radicals, CJK symbols and punctuation
    0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
    0x3400...0x4DBF,  // CJK Unified Ideographs Extension A
    0x4E00...0x9FFF,  // CJK Unified Ideographs
    0xA000...0xA4CF,  // Yi
    0xA960...0xA97F,  // Hangul Jamo Extended-A
    0xAC00...0xD7A3,  // Hangul syllables
    0xF900...0xFAFF,  // CJK compatibility ideographs
    0xFE10...0xFE19,  // vertical forms
    0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
    0xFF00...0xFF60,  // fullwidth forms
    0xFFE0...0xFFE6,  // fullwidth signs
    0x1B000...0x1B2FF,  // Kana supplement and extensions
    0x20000...0x3FFFD,  // CJK Unified Ideographs Extensions B and later
  ]
}
