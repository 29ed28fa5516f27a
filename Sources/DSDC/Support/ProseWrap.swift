/// A printed line too wide for the terminal broken at spaces into lines of at most
/// `width` columns (`DisplayWidth`), its spacing kept. Continuation lines start where
/// the text after a leading mark (`✓ `, `✗ `, `⚠ `, `→ `) starts, else 2 columns
/// further in than the line, so they read as part of the same item:
/// ```
///   ✓ standard convolution with the block-diagonal kernel (4, 4, 3, 3) gives the same maps:
///     max |Δ| = 0.0e+00
/// ```
/// A relation stays on one line: no break next to a lone `=`, `≤`, `→`, `+`, `×` or
/// another operator, nor after `max`, `min`, `mean` or a number (`max |Δ| = 0.0e+00`,
/// `2 thread(s)` move as a whole), nor inside a parenthesis of at most 40 columns, unless the group alone is
/// wider than a line. A shell word in single quotes (`'My Output/x.png'`) stays
/// whole too, however wide. A word wider than a line stands alone on its line.
public enum ProseWrap {
  /// Marks that start a line; continuation lines align with the text after them.
  static let marks = ["✓ ", "✗ ", "⚠ ", "→ "]
  /// Words that bind their neighbours: no line break on either side of them.
  static let operators: Set<Substring> = ["=", "≠", "≈", "<", ">", "≤", "≥", "→", "+", "−", "-", "×", "·", "/"]
  /// Words that stay with the word after them (`max |Δ|`).
  static let leading: Set<Substring> = ["max", "min", "mean"]
  /// Whether `word` is a number (`2`, `60,000`, `0.5`), which stays with the word after it.
  static func isNumber(_ word: Substring) -> Bool {
    word.first?.isNumber == true && word.allSatisfy { $0.isNumber || $0 == "," || $0 == "." }
  }
  /// The widest parenthesis kept on one line, in columns.
  static let maxParenthesis = 40

  /// `line` as lines of at most `width` columns (unchanged if it fits); `continuation`
  /// starts every line after the first (default: by the rule above).
  public static func lines(_ line: String, width: Int, continuation: String? = nil) -> [String] {
    guard DisplayWidth.of(line) > width else { return [line] }
    let indent = line.prefix { $0 == " " }.count
    let text = line.dropFirst(indent)
    let hang = marks.first { text.hasPrefix($0) }.map { DisplayWidth.of($0) } ?? 2
    let continuation = continuation ?? String(repeating: " ", count: indent + hang)
    let room = width - DisplayWidth.of(continuation)

    // Words with the spaces before them, then groups of words that stay together.
    var words: [(spaces: Int, word: Substring)] = []
    var spaces = 0
    var start = text.startIndex
    while start < text.endIndex {
      if text[start] == " " {
        spaces += 1
        start = text.index(after: start)
        continue
      }
      let end = text[start...].firstIndex(of: " ") ?? text.endIndex
      words.append((spaces, text[start..<end]))
      (spaces, start) = (0, end)
    }
    // Short parentheses, `(max |Δ| = 0.0e+00)`, stay whole too.
    var inParentheses = Set<Int>()
    var open: (index: Int, depth: Int)?
    for (index, word) in words.enumerated() {
      let depth = (open?.depth ?? 0) + word.word.filter { $0 == "(" }.count - word.word.filter { $0 == ")" }.count
      if let start = open?.index, depth <= 0 {
        let group = words[start...index]
        let columns = group.reduce(0) { $0 + $1.spaces + DisplayWidth.of($1.word) } - group.first!.spaces
        if columns <= maxParenthesis { inParentheses.formUnion(start + 1...index) }
        open = nil
      } else if open == nil, depth > 0 {
        open = (index, depth)
      } else if open != nil {
        open!.depth = depth
      }
    }
    // Words inside a single-quoted shell word: from one starting with ' to one ending with it.
    var quoted = Set<Int>()
    var quoteOpen = false
    for (index, word) in words.enumerated() {
      if quoteOpen { quoted.insert(index) }
      if !quoteOpen, word.word.hasPrefix("'"), !(word.word.count > 1 && word.word.hasSuffix("'")) {
        quoteOpen = true
      } else if quoteOpen, word.word.hasSuffix("'") {
        quoteOpen = false
      }
    }
    var units: [[(spaces: Int, word: Substring)]] = []
    for (index, word) in words.enumerated() {
      let bound =
        index > 0
        && (operators.contains(word.word) || operators.contains(words[index - 1].word)
          || leading.contains(words[index - 1].word) || isNumber(words[index - 1].word)
          || inParentheses.contains(index) || quoted.contains(index))
      if bound, !units.isEmpty { units[units.count - 1].append(word) } else { units.append([word]) }
    }
    // A group wider than a line breaks at its own spaces after all, except a quoted word.
    let columns = { (unit: [(spaces: Int, word: Substring)]) in
      unit.enumerated().reduce(0) { $0 + ($1.offset > 0 ? $1.element.spaces : 0) + DisplayWidth.of($1.element.word) }
    }
    units = units.flatMap { unit in
      columns(unit) > room && !(unit.count > 1 && unit[0].word.hasPrefix("'") && unit.last!.word.hasSuffix("'"))
        ? unit.map { [$0] } : [unit]
    }

    var lines: [String] = []
    var current = String(line.prefix(indent))
    var used = indent
    var empty = true
    for unit in units {
      let unitColumns = columns(unit)
      if !empty && used + unit[0].spaces + unitColumns > width {
        lines.append(current)
        (current, used, empty) = (continuation, DisplayWidth.of(continuation), true)
      }
      for (offset, word) in unit.enumerated() {
        let gap = offset == 0 && empty ? 0 : word.spaces
        current += String(repeating: " ", count: gap) + word.word
      }
      used += (empty ? 0 : unit[0].spaces) + unitColumns
      empty = false
    }
    lines.append(current)
    return lines
  }
}
