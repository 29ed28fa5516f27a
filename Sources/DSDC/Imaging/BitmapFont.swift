/// A built-in 5×9 pixel font (ASCII 32–126 plus `× → ← · − — ± ≤ ≥ ≈ ° ² … Δ Σ σ μ`) for
/// titles, labels and numbers in figures, drawn at an integer scale.
///
/// Each glyph is 5 pixels wide and advances 6 (one pixel of spacing); capitals and digits
/// are 7 pixels tall and descenders use 2 more rows, so a line is 9 pixels tall and lines
/// are 11 apart, all multiplied by `scale`. Characters without a glyph draw as `?`;
/// `"\n"` starts a new line.
/// ```
/// BitmapFont.width(of: "255", scale: 2)   // 3·6·2 − 2 = 34
/// canvas.drawText("epoch", x: 10, y: 10, scale: 2, color: .ink)
/// ```
public enum BitmapFont {
  /// Ink columns of a glyph: 5.
  public static let glyphWidth = 5
  /// Horizontal step from one glyph to the next: 6 (5 + 1 spacing).
  public static let advance = 6
  /// Height of capitals and digits above the baseline: 7.
  public static let capHeight = 7
  /// Height of one line including descenders: 9.
  public static let glyphHeight = 9
  /// Vertical step from one line to the next: 11 (9 + 2 spacing).
  public static let lineHeight = 11

  /// Width in pixels of the longest line of `text` at `scale`, without trailing spacing:
  /// ```
  /// width = (characters · 6 − 1) · scale      (0 for an empty line)
  /// ```
  public static func width(of text: String, scale: Int = 1) -> Int {
    lines(of: text).map { line in line.isEmpty ? 0 : (line.count * advance - 1) * scale }.max() ?? 0
  }

  /// Height in pixels of `text` at `scale`: `(lines · 11 − 2) · scale`, so one line is `9·scale`.
  public static func height(of text: String, scale: Int = 1) -> Int {
    (lines(of: text).count * lineHeight - (lineHeight - glyphHeight)) * scale
  }

  /// Whether `character` has its own glyph (otherwise it is drawn as `?`).
  public static func hasGlyph(_ character: Character) -> Bool {
    glyphs[character] != nil
  }

  /// The glyph's rows top to bottom (9 of them), bit 4 = leftmost column, bit 0 = rightmost.
  public static func rows(of character: Character) -> [UInt8] {
    glyphs[character] ?? glyphs["?"]!
  }

  /// The lines of `text` split at `"\n"` (at least one, possibly empty).
  static func lines(of text: String) -> [Substring] {
    text.split(separator: "\n", omittingEmptySubsequences: false)
  }

  /// `glyphTable` parsed into 9 row masks per character.
  private static let glyphs: [Character: [UInt8]] = {
    var table: [Character: [UInt8]] = [:]
    for (character, picture) in glyphTable {
      var rows = [UInt8](repeating: 0, count: glyphHeight)
      for (r, row) in picture.split(separator: " ").enumerated() {
        precondition(r < glyphHeight && row.count == glyphWidth, "bad glyph row '\(row)' for '\(character)'")
        rows[r] = row.reduce(0) { mask, pixel in (mask << 1) | (pixel == "#" ? 1 : 0) }
      }
      table[character] = rows
    }
    return table
  }()
}

/// Where the `x` given to `Canvas.drawText` sits on each line of the text.
public enum TextAlignment: Sendable {
  /// `x` is the left edge.
  case left
  /// `x` is the middle.
  case center
  /// `x` is the right edge (one past the last ink column).
  case right
}

extension Canvas {
  /// Draws `text` with `BitmapFont`, top of the first line at `y`, each line aligned on `x`.
  ///
  /// ```
  /// canvas.drawText("Sobel x", x: 100, y: 8, scale: 2, align: .center)
  /// ```
  public mutating func drawText(
    _ text: String, x: Int, y: Int, scale: Int = 1, color: RGB = .ink, align: TextAlignment = .left
  ) {
    precondition(scale >= 1, "text scale must be ≥ 1, got \(scale)")
    for (n, line) in BitmapFont.lines(of: text).enumerated() {
      let width = BitmapFont.width(of: String(line), scale: scale)
      var left: Int
      switch align {
      case .left: left = x
      case .center: left = x - width / 2
      case .right: left = x - width
      }
      let top = y + n * BitmapFont.lineHeight * scale
      for character in line {
        let rows = BitmapFont.rows(of: character)
        for (r, mask) in rows.enumerated() where mask != 0 {
          for c in 0..<BitmapFont.glyphWidth where mask & (1 << (BitmapFont.glyphWidth - 1 - c)) != 0 {
            fillRect(x: left + c * scale, y: top + r * scale, width: scale, height: scale, color: color)
          }
        }
        left += BitmapFont.advance * scale
      }
    }
  }

  /// Draws `text` turned a quarter turn counter-clockwise (reading bottom to top), its
  /// bounding box's top-left at `(x, y)`; for vertical axis titles.
  public mutating func drawVerticalText(_ text: String, x: Int, y: Int, scale: Int = 1, color: RGB = .ink) {
    let w = BitmapFont.width(of: text, scale: scale)
    let h = BitmapFont.height(of: text, scale: scale)
    guard w > 0 else { return }
    var label = Canvas(width: w, height: h)
    label.drawText(text, x: 0, y: 0, scale: scale, color: color)
    let turned = label.image.rotatedCounterClockwise()
    // Copy only the ink so the text can sit on any background.
    for row in 0..<turned.height {
      for col in 0..<turned.width where turned.color(x: col, y: row) != .white {
        setPixel(x: x + col, y: y + row, turned.color(x: col, y: row))
      }
    }
  }
}
