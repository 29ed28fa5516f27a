import DSDC
import Testing

@Suite("Colour maps and scale bar")
struct ColorMapTests {
  @Test func divergingEndPointsAndZeroAreExact() {
    let map = ColorMap.diverging(maxAbs: 2)
    #expect(map.color(for: -2) == RGB(25, 70, 220))
    #expect(map.color(for: 0) == RGB(255, 255, 255))
    #expect(map.color(for: 2) == RGB(220, 30, 30))
    // Beyond ±maxAbs the ends are held.
    #expect(map.color(for: -7) == RGB(25, 70, 220))
    #expect(map.color(for: 9) == RGB(220, 30, 30))
    // -0 is zero too.
    #expect(map.color(for: -0.0) == .white)
  }

  /// Half way to −max: 255 + ½·(25 − 255) = 140, 255 + ½·(70 − 255) = 162.5 → 163,
  /// 255 + ½·(220 − 255) = 237.5 → 238; to +max: 237.5 → 238, 142.5 → 143, 142.5 → 143.
  @Test func divergingIsLinearOnEachSide() {
    let map = ColorMap.diverging(maxAbs: 4)
    #expect(map.color(for: -2) == RGB(140, 163, 238))
    #expect(map.color(for: 2) == RGB(238, 143, 143))
    #expect(map.range == (lo: -4, hi: 4))
  }

  @Test func divergingWithZeroRangeIsWhite() {
    #expect(ColorMap.diverging(maxAbs: 0).color(for: 1) == .white)
  }

  /// level = round(255·(v − lo)/(hi − lo)): lo → 0, hi → 255, midpoint 127.5 → 128,
  /// a quarter 63.75 → 64.
  @Test func grayRampEnds() {
    let map = ColorMap.gray(lo: -1, hi: 3)
    #expect(map.color(for: -1) == RGB(0, 0, 0))
    #expect(map.color(for: 3) == RGB(255, 255, 255))
    #expect(map.color(for: 1) == RGB(gray: 128))
    #expect(map.color(for: 0) == RGB(gray: 64))
    #expect(map.color(for: -5) == .black)
    #expect(map.color(for: 10) == .white)
  }

  @Test func invertedGrayIsWhitePaperDarkInk() {
    let map = ColorMap.gray(lo: 0, hi: 1, inverted: true)
    #expect(map.color(for: 0) == .white)
    #expect(map.color(for: 1) == .black)
    #expect(map.color(for: 0.25) == RGB(gray: 255 - 64))
  }

  @Test func degenerateGrayAndNaN() {
    #expect(ColorMap.gray(lo: 2, hi: 2).color(for: 2) == .black)
    #expect(ColorMap.gray(lo: 0, hi: 1).color(for: .nan) == RGB(255, 0, 255))
    #expect(ColorMap.diverging(maxAbs: 1).color(for: .nan) == RGB(255, 0, 255))
  }

  @Test func stylesFitTheData() {
    let values: [Float] = [-0.5, 2, 1, .nan]
    #expect(ColorMapStyle.diverging.fitted(to: values) == .diverging(maxAbs: 2))
    #expect(ColorMapStyle.gray.fitted(to: values) == .gray(lo: -0.5, hi: 2))
    #expect(ColorMapStyle.grayInverted.fitted(to: [3, 7]) == .gray(lo: 3, hi: 7, inverted: true))
    #expect(ColorMapStyle.gray.fitted(to: [Float]()) == .gray(lo: 0, hi: 1))
    #expect(ColorMapStyle.diverging.map(lo: -3, hi: 1) == .diverging(maxAbs: 3))
  }

  @Test func scaleBarTicksAtMinZeroMax() {
    #expect(ScaleBar(colorMap: .diverging(maxAbs: 1.5)).tickValues == [-1.5, 0, 1.5])
    #expect(ScaleBar(colorMap: .gray(lo: 0, hi: 1)).tickValues == [0, 1])
    #expect(ScaleBar(colorMap: .gray(lo: -1, hi: 4)).tickValues == [-1, 0, 4])
  }

  /// The gradient's first column is the map's low end, its last the high end, its middle
  /// column (of 101) exactly zero → white; the three labels put ink below the bar.
  @Test func scaleBarDrawsGradientAndLabels() {
    let bar = ScaleBar(colorMap: .diverging(maxAbs: 2), length: 101, thickness: 10)
    var canvas = Canvas(width: bar.width + 10, height: bar.height + 10)
    bar.draw(into: &canvas, x: 5, y: 5)
    let left = 5 + bar.overhang
    #expect(canvas[x: left, y: 9] == RGB(25, 70, 220))
    #expect(canvas[x: left + 50, y: 9] == .white)
    #expect(canvas[x: left + 100, y: 9] == RGB(220, 30, 30))
    let labelRows = (5 + 10 + 6)..<(5 + bar.height)
    let ink = labelRows.flatMap { y in (0..<canvas.width).map { canvas[x: $0, y: y] } }.filter { $0 == .ink }
    #expect(ink.count > 20)
  }
}
