import DSDC
import Testing

@Suite("Text tables")
struct TextTableTests {
  /// Columns as wide as their widest cell, two spaces apart; the first left-aligned and
  /// the second right-aligned, as asked; no line ends in a space (the short cell of the
  /// last, left-aligned column is not padded out).
  @Test func columnsTakeTheirWidestCell() {
    let rows = [["layer", "params", "note"], ["stem", "288", "x"], ["block1.pointwise", "2,048", ""]]
    let lines = TextTable.lines(rows) { $0 != 1 }
    #expect(
      lines == [
        "layer             params  note",
        "stem                 288  x",
        "block1.pointwise   2,048",
      ])
    #expect(TextTable.widths(rows) == [16, 6, 4])
    #expect(TextTable.rule([3, 1]) == "---  -")
  }

  /// Right-aligned everywhere, with a cell longer than the width given: the cell is
  /// never cut, and the columns after it move over.
  @Test func aCellWiderThanItsColumnIsKept() {
    #expect(TextTable.line(["12345", "6"], widths: [3, 2]) { _ in false } == "12345   6")
    #expect(TextTable.line(["a", "b"], widths: [3, 3]) { _ in true } == "a    b")
  }

  /// No rows, no widths and no lines.
  @Test func anEmptyTable() {
    #expect(TextTable.widths([]).isEmpty)
    #expect(TextTable.lines([]) { _ in true }.isEmpty)
  }
}
