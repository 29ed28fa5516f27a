import DSDC
import Foundation
import Testing

@Suite("Terminal columns of text")
struct DisplayWidthTests {
  /// Widths from Unicode's East Asian Width property (UAX #11): ideographs and fullwidth
  /// forms are wide (W, F), halfwidth katakana narrow (H); combining marks take no column.
  @Test(arguments: [
    ("out[0,0]", 8), ("卷积核", 6), ("ℝ^{K×K×C}", 9), ("x̂", 1), ("✓ ⚠ ✗", 5), ("Ａ", 2), ("ｱ", 1),
    ("😀", 2), ("标准卷积, standard convolution", 30), ("", 0),
  ])
  func columns(text: String, expected: Int) {
    #expect(DisplayWidth.of(text) == expected)
  }

  /// `Format.wrap` counts columns, not characters: three 2-character CJK words are
  /// 8 characters but 14 columns.
  @Test func formatWrapCountsColumns() {
    #expect(Format.wrap("卷积 卷积 卷积", width: 10) == ["卷积 卷积", "  卷积"])
    #expect(Format.wrap("ab cd ef", width: 10) == ["ab cd ef"])
  }
}

@Suite("Breaking long printed lines")
struct ProseWrapTests {
  /// Every piece fits, and the words are the line's words, in order.
  @Test(arguments: [
    "Block 3's centre output, (3, 3) of 7×7, reads input rows and columns 1…26 (26 of 28: all but the outer ring, blank in almost every MNIST digit).",
    "  ✓ standard convolution with the block-diagonal kernel (4, 4, 3, 3) gives the same maps: max |Δ| = 0.0e+00",
    "    article:   卷积核为 K ∈ ℝ^{K×K×C} … K 为卷积核尺寸 (\"the kernel is K ∈ ℝ^{K×K×C} … K is the kernel size\") 卷积核为卷积核为卷积核为",
    "  Recipe: 1 epochs × 2000 images, batch 64, AdamW peak lr 0.003, weight decay 0.05, one-cycle (warm-up 20%) schedule",
  ])
  func piecesFitAndKeepEveryWord(line: String) {
    let pieces = ProseWrap.lines(line, width: 60)
    #expect(pieces.count > 1)
    #expect(pieces.allSatisfy { DisplayWidth.of($0) <= 60 }, "\(pieces)")
    #expect(pieces.flatMap { $0.split(separator: " ") } == line.split(separator: " "))
  }

  /// A line that fits is left alone, spacing and all.
  @Test func fittingLineUnchanged() {
    let line = "  c=0  row 15:   (-1)·0 + 0·1      + 1·0.9922   =   0.9922"
    #expect(ProseWrap.lines(line, width: 100) == [line])
  }

  /// Continuations align after a check mark, else indent 2 more than the line; a relation
  /// and a short parenthesis move whole; spacing inside a piece is kept.
  @Test func continuationAndGlue() {
    #expect(
      ProseWrap.lines("  ✓ the same maps: max |Δ| = 0.0e+00", width: 24)
        == ["  ✓ the same maps:", "    max |Δ| = 0.0e+00"])
    #expect(
      ProseWrap.lines("some text  (|Δ| = 0.0e+00 ≤ 1.0e-05)", width: 30) == [
        "some text", "  (|Δ| = 0.0e+00 ≤ 1.0e-05)",
      ])
    #expect(ProseWrap.lines("a  b  c dddd", width: 9) == ["a  b  c", "  dddd"])
    #expect(ProseWrap.lines("ERRATUM: x y", width: 9, continuation: "    ") == ["ERRATUM:", "    x y"])
  }

  /// A shell word in single quotes is never broken at its spaces, even when it is
  /// wider than a line; an apostrophe inside a word quotes nothing.
  @Test func aQuotedShellWordStaysWhole() {
    #expect(
      ProseWrap.lines("open  '/tmp/a b/My Output/x.png' next", width: 20)
        == ["open", "  '/tmp/a b/My Output/x.png'", "  next"])
    #expect(
      ProseWrap.lines("the lesson's map and the article's own words", width: 24)
        == ["the lesson's map and the", "  article's own words"])
  }

  /// Two CJK characters take four columns: four 3-character words, 15 characters, take 27 columns.
  @Test func wideCharactersCountTwice() {
    let pieces = ProseWrap.lines("卷积核 卷积核 卷积核 卷积核", width: 20)
    #expect(pieces == ["卷积核 卷积核 卷积核", "  卷积核"])
  }
}
