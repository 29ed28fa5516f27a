/// Command lines as the user can paste them back into a POSIX shell.
public enum ShellQuoting {
  /// Characters that need no quoting: `A–Z a–z 0–9 _ . / = : , + -`.
  static let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-")

  /// The words joined by spaces, each word with any other character (or empty)
  /// single-quoted, a `'` inside written `'\''`: `["a b", "it's"]` → `'a b' 'it'\''s'`.
  public static func line(_ words: [String]) -> String {
    words.map(word).joined(separator: " ")
  }

  /// One word, quoted if it needs it.
  public static func word(_ word: String) -> String {
    !word.isEmpty && word.allSatisfy(plain.contains)
      ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// A command as lines of at most `width` columns, each after `indent`, broken between
  /// words with a trailing ` \` (the shell joins them back); the lines after the first
  /// are 2 columns further in. A word wider than a line stands alone.
  public static func lines(_ words: [String], indent: String, width: Int) -> [String] {
    layout(words.map(word), indent: indent, width: width)
  }

  /// `lines(_:indent:width:)` for a command `line(_:)` has already joined.
  public static func lines(quoted command: String, indent: String, width: Int) -> [String] {
    layout(split(command), indent: indent, width: width)
  }

  /// The words of a command `line(_:)` joined, each as written: a space inside single
  /// quotes or after a backslash does not split (`'a b' 'it'\''s'` is two words).
  public static func split(_ command: String) -> [String] {
    var words: [String] = []
    var current = ""
    var (quoted, escaped) = (false, false)
    for character in command {
      if escaped {
        escaped = false
      } else if character == "\\" && !quoted {
        escaped = true
      } else if character == "'" {
        quoted.toggle()
      } else if character == " " && !quoted {
        if !current.isEmpty { words.append(current) }
        current = ""
        continue
      }
      current.append(character)
    }
    if !current.isEmpty { words.append(current) }
    return words
  }

  private static func layout(_ words: [String], indent: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = indent
    for word in words {
      let candidate = line == indent ? line + word : line + " " + word
      if line != indent && DisplayWidth.of(candidate) + 2 > width {
        lines.append(line + " \\")
        line = indent + "  " + word
      } else {
        line = candidate
      }
    }
    return lines + [line]
  }
}
