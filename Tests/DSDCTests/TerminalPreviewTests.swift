import DSDC
import Testing

@Suite("Text pictures of images")
struct TerminalPreviewTests {
  /// Only the columns from the first to the last with ink are printed, and the caption
  /// says which.
  @Test func valuesWhereThereIsInk() {
    let plane = Tensor(shape: [2, 5], storage: [0, 0, 7, 0, 0, 0, 12, 0, 0, 0])
    let grid = TerminalPreview.inkValueGrid(plane)
    #expect(grid.caption == "columns 1…2 (from 0; the others are all 0)")
    #expect(grid.lines == ["  0   7", " 12   0"])
  }

  /// Ink in the first and the last column, or none at all: every column.
  @Test(arguments: [[1, 0, 0, 2], [0, 0, 0, 0]] as [[Float]])
  func everyColumnWhenNoneIsBlankAtTheEdges(values: [Float]) {
    let grid = TerminalPreview.inkValueGrid(Tensor(shape: [1, 4], storage: values))
    #expect(grid.caption == "all 4 columns")
    #expect(grid.lines == [values.map { "  \(Int($0))" }.joined(separator: " ")])
  }
}
