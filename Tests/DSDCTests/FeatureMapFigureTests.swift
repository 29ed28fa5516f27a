import DSDC
import Foundation
import Testing

@Suite("Feature map figure: value labels and the marked position")
struct FeatureMapFigureTests {
  /// By hand (6 px per character, minus 1, times the text scale): "-0.035" is 35 px at
  /// scale 1 and 70 at scale 2, too wide for a 64 px block (62 usable), so the whole
  /// figure writes at scale 1; "0.5" alone fits at 2 (34 px); "-0.0035" (41 px at
  /// scale 1) needs a 43 px block, so a 30 px block grows.
  @Test func oneTextScaleThatFitsEveryLabel() {
    #expect(FeatureMapFigure.valueLayout(labels: ["0.5", "-0.035"], scale: 64) == (1, 64))
    #expect(FeatureMapFigure.valueLayout(labels: ["0.5"], scale: 64) == (2, 64))
    #expect(FeatureMapFigure.valueLayout(labels: ["0.5", "-0.0035"], scale: 30) == (1, 43))
    #expect(FeatureMapFigure.valueLayout(labels: ["1"], scale: 20) == (1, 20))
    #expect(FeatureMapFigure.valueLabel(-0.0351) == "-0.035")
  }

  /// Both values of a 1×2 plane get their label (before, the small one was dropped
  /// and its block looked like a 0): the pixels that labels change span both blocks.
  @Test func everyValueIsWritten() {
    let plane = Tensor(shape: [1, 2], storage: [0.5, -0.0351])
    let withValues = FeatureMapFigure(
      title: "W", tiles: [(label: "w", plane: plane)], style: .diverging, scale: 64, printsValues: true
    ).render()
    let without = FeatureMapFigure(
      title: "W", tiles: [(label: "w", plane: plane)], style: .diverging, scale: 64, printsValues: false
    ).render()
    #expect(withValues.width == without.width && withValues.height == without.height)
    var changed: [Int] = []
    for y in 0..<without.height {
      for x in 0..<without.width where withValues.color(x: x, y: y) != without.color(x: x, y: y) { changed.append(x) }
    }
    let span = (changed.max() ?? 0) - (changed.min() ?? 0)
    #expect(span > 64, "labels drawn only within \(span) px: one block has no label")
  }

  /// The marked position is framed in black, 2 px wide, around its 10×10 block:
  /// 14² − 10² = 96 black pixels; a position outside the plane draws nothing.
  @Test func markedPositionIsFramed() {
    let plane = Tensor(shape: [3, 4], repeating: 0)
    func blackPixels(_ mark: GridCell) -> Int {
      let image = FeatureMapFigure(
        title: "M", tiles: [(label: "m", plane: plane)], style: .diverging, scale: 10, marked: mark
      ).render()
      return (0..<image.height).reduce(0) { sum, y in
        sum + (0..<image.width).filter { image.color(x: $0, y: y) == .black }.count
      }
    }
    #expect(blackPixels(GridCell(row: 1, column: 2)) == 96)
    #expect(blackPixels(GridCell(row: 3, column: 0)) == 0)
  }
}
