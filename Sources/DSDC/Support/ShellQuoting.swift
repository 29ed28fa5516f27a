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
}
