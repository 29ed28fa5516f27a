import DSDC
import Testing

@Suite("Lesson 2's four maps of the digit")
struct DigitMapsTests {
  /// A 28×28 "digit" dark in columns 0–13 and white (255) in columns 14–27.
  static func halfWhite() -> LessonDigit {
    let pixels = (0..<28 * 28).map { $0 % 28 >= 14 ? UInt8(255) : 0 }
    return LessonDigit(test: LabeledImages(count: 1, rows: 28, columns: 28, pixels: pixels, labels: [1]), index: 0)
  }

  /// By hand, with x = pixel/255 (0 or 1) and zero padding: Sobel x is (1+2+1)·1 = 4 on
  /// both columns beside the edge (13 and 14) and 0 inside the white half; the blur's
  /// weights sum to 1, so it is 1 inside the white half. The strongest edge,
  /// |Sobel x| + |Sobel y|, is 3 + 3 = 6 where the edge or the white half's border meets
  /// the padding (row 0 or 27, column 14 or 27); row 0, column 14 comes first.
  @Test func mapsAndProbeOfAnEdgeByHand() {
    let maps = DigitMaps(digit: Self.halfWhite())
    #expect(maps.x.shape == [1, 1, 28, 28] && maps.maps.shape == [1, 4, 28, 28])
    #expect(maps.x[n: 0, c: 0, h: 5, w: 14] == 1 && maps.x[n: 0, c: 0, h: 5, w: 13] == 0)
    #expect(maps.maps[n: 0, c: 0, h: 5, w: 13] == 4 && maps.maps[n: 0, c: 0, h: 5, w: 14] == 4)
    #expect(maps.maps[n: 0, c: 0, h: 5, w: 20] == 0 && maps.maps[n: 0, c: 2, h: 5, w: 20] == 1)
    #expect(maps.probe.row == 0 && maps.probe.column == 14)
  }

  /// The figure has one tile per kernel, named after it; `framed` marks the probe.
  @Test func figureFramesTheProbeWhenAsked() {
    let maps = DigitMaps(digit: Self.halfWhite())
    let framed = maps.figure(framed: true)
    #expect(framed.tiles.map(\.label) == ["c=0: Sobel x", "c=1: Sobel y", "c=2: blur", "c=3: sharpen"])
    #expect(framed.marked == GridCell(row: 0, column: 14))
    #expect(maps.figure(framed: false).marked == nil)
  }
}
