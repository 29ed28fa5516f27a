/// Command lines and paths as the learner can paste them back into a shell: words
/// with anything but `A–Z a–z 0–9 _ . / = : , + -` are single-quoted.
/// ```
/// ShellWords.join(["lesson", "2", "--output", "My Output"])   // lesson 2 --output 'My Output'
/// ```
public enum ShellWords {
  /// Characters that need no quoting.
  private static let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-")

  /// One word, quoted if it needs to be (`'` inside becomes `'\''`).
  public static func quote(_ word: String) -> String {
    !word.isEmpty && word.allSatisfy(plain.contains)
      ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// Words joined by spaces, each quoted if it needs to be.
  public static func join(_ words: [String]) -> String {
    words.map(quote).joined(separator: " ")
  }
}
