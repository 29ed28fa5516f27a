import DSDC
import Testing

@Suite("Bitmap font")
struct BitmapFontTests {
  /// width = (characters · 6 − 1) · scale; height = (lines · 11 − 2) · scale.
  @Test func textWidthAndHeightArithmetic() {
    #expect(BitmapFont.width(of: "") == 0)
    #expect(BitmapFont.width(of: "1") == 5)
    #expect(BitmapFont.width(of: "255") == 17)
    #expect(BitmapFont.width(of: "255", scale: 2) == 34)
    #expect(BitmapFont.width(of: "true 4 → pred 9") == 15 * 6 - 1)
    #expect(BitmapFont.width(of: "ab\nlonger\nx") == 35)
    #expect(BitmapFont.height(of: "x") == 9)
    #expect(BitmapFont.height(of: "x\ny") == 20)
    #expect(BitmapFont.height(of: "x", scale: 3) == 27)
  }

  /// "1" is  ..#.. / .##.. / ..#.. ×4 / .###. : 1 + 2 + 1·4 + 3 = 10 ink pixels, all inside
  /// its 5 × 7 cell; at scale 2 each becomes 4 pixels.
  @Test(arguments: [1, 2])
  func glyphOneInksOnlyItsCell(scale: Int) {
    var canvas = Canvas(width: 30, height: 30)
    canvas.drawText("1", x: 4, y: 3, scale: scale, color: .black)
    var inside = 0
    var outside = 0
    for y in 0..<30 {
      for x in 0..<30 where canvas[x: x, y: y] == .black {
        if x >= 4 && x < 4 + 5 * scale && y >= 3 && y < 3 + 7 * scale { inside += 1 } else { outside += 1 }
      }
    }
    #expect(inside == 10 * scale * scale)
    #expect(outside == 0)
    // The foot of the "1" is row 6, columns 1…3.
    #expect(canvas[x: 4 + 1 * scale, y: 3 + 6 * scale] == .black)
    #expect(canvas[x: 4, y: 3 + 6 * scale] == .white)
  }

  @Test func everyPrintableASCIICharacterHasAGlyphWithInk() {
    for code in 33...126 {
      let character = Character(Unicode.Scalar(UInt8(code)))
      #expect(BitmapFont.hasGlyph(character), "no glyph for \(character)")
      #expect(BitmapFont.rows(of: character).contains { $0 != 0 }, "glyph \(character) is blank")
    }
    #expect(BitmapFont.hasGlyph(" "))
    #expect(BitmapFont.rows(of: " ").allSatisfy { $0 == 0 })
    for symbol: Character in ["×", "→", "−", "±", "Δ", "Σ", "·"] { #expect(BitmapFont.hasGlyph(symbol)) }
  }

  @Test func unknownCharactersDrawAsQuestionMark() {
    #expect(!BitmapFont.hasGlyph("€"))
    var a = Canvas(width: 10, height: 12)
    var b = Canvas(width: 10, height: 12)
    a.drawText("€", x: 1, y: 1)
    b.drawText("?", x: 1, y: 1)
    #expect(a == b)
  }

  /// Glyphs never overlap: the 1-pixel column between "##" (whose middle row is full width)
  /// stays paper.
  @Test func advanceLeavesOneColumnBetweenGlyphs() {
    var canvas = Canvas(width: 20, height: 10)
    canvas.drawText("##", x: 0, y: 0, color: .black)
    #expect((0..<9).allSatisfy { canvas[x: 5, y: $0] == .white })
    #expect(canvas[x: 6 + 1, y: 0] == .black)
  }

  @Test func alignmentPlacesTheTextBox() {
    var left = Canvas(width: 40, height: 10)
    var centered = Canvas(width: 40, height: 10)
    var right = Canvas(width: 40, height: 10)
    left.drawText("12", x: 9, y: 0)
    centered.drawText("12", x: 9 + 11 / 2, y: 0, align: .center)
    right.drawText("12", x: 9 + 11, y: 0, align: .right)
    #expect(left == centered)
    #expect(left == right)
  }

  @Test func lineBreakStartsTheNextLineElevenPixelsLower() {
    var twoLines = Canvas(width: 10, height: 30)
    twoLines.drawText("1\n1", x: 0, y: 0)
    var second = Canvas(width: 10, height: 30)
    second.drawText("1", x: 0, y: 0)
    second.drawText("1", x: 0, y: 11)
    #expect(twoLines == second)
  }
}
