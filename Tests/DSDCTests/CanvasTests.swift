import DSDC
import Testing

@Suite("Canvas and raster images")
struct CanvasTests {
  /// [[10, 20], [30, 40]] ×3: each value fills a 3 × 3 block of the 6 × 6 result.
  @Test func upscaleTwoByTwoByThree() {
    let small = RasterImage(width: 2, height: 2, channels: 1, pixels: [10, 20, 30, 40])
    let big = small.upscaled(by: 3)
    #expect(big.width == 6 && big.height == 6 && big.channels == 1)
    let expected: [UInt8] = [
      10, 10, 10, 20, 20, 20,
      10, 10, 10, 20, 20, 20,
      10, 10, 10, 20, 20, 20,
      30, 30, 30, 40, 40, 40,
      30, 30, 30, 40, 40, 40,
      30, 30, 30, 40, 40, 40,
    ]
    #expect(big.pixels == expected)
  }

  @Test func upscaleRGBKeepsChannelsTogether() {
    let small = RasterImage(width: 2, height: 1, channels: 3, pixels: [1, 2, 3, 4, 5, 6])
    let big = small.upscaled(by: 2)
    #expect(big.pixels == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
    #expect(Canvas(small).upscaled(by: 2).image == big)
  }

  @Test func grayToRGBAndPixelAccess() {
    let gray = RasterImage(width: 2, height: 1, channels: 1, pixels: [7, 200])
    #expect(gray.rgb().pixels == [7, 7, 7, 200, 200, 200])
    #expect(gray.color(x: 1, y: 0) == RGB(gray: 200))
    #expect(gray[x: 0, y: 0] == 7)
  }

  /// 3 wide, 2 tall  [a b c / d e f]  turned counter-clockwise is 2 wide, 3 tall
  /// [c f / b e / a d].
  @Test func rotationCounterClockwise() {
    let image = RasterImage(width: 3, height: 2, channels: 1, pixels: [1, 2, 3, 4, 5, 6])
    let turned = image.rotatedCounterClockwise()
    #expect(turned.width == 2 && turned.height == 3)
    #expect(turned.pixels == [3, 6, 2, 5, 1, 4])
  }

  @Test func fillRectIsClippedToTheCanvas() {
    var canvas = Canvas(width: 4, height: 3)
    canvas.fillRect(x: 2, y: -1, width: 10, height: 3, color: .black)
    let black = (0..<3).flatMap { y in (0..<4).filter { canvas[x: $0, y: y] == .black }.map { ($0, y) } }
    #expect(black.map { "\($0.0),\($0.1)" } == ["2,0", "3,0", "2,1", "3,1"])
  }

  @Test func translucentFillMixes() {
    var canvas = Canvas(width: 1, height: 1, background: .black)
    canvas.fillRect(x: 0, y: 0, width: 1, height: 1, color: RGB(200, 100, 0), opacity: 0.5)
    #expect(canvas[x: 0, y: 0] == RGB(100, 50, 0))
  }

  /// A 5 × 4 outline has 2·5 + 2·(4 − 2) = 14 pixels and leaves the 3 × 2 inside alone.
  @Test func strokeRectOutlinesOnly() {
    var canvas = Canvas(width: 7, height: 6)
    canvas.strokeRect(x: 1, y: 1, width: 5, height: 4, color: .red)
    let red = (0..<6).flatMap { y in (0..<7).map { canvas[x: $0, y: y] } }.filter { $0 == .red }
    #expect(red.count == 14)
    #expect(canvas[x: 3, y: 2] == .white)
    #expect(canvas[x: 5, y: 4] == .red)
  }

  @Test func linesHitBothEndsAndOnlyTheLine() {
    var canvas = Canvas(width: 6, height: 6)
    canvas.drawLine(x0: 0, y0: 0, x1: 4, y1: 4, color: .black)
    for y in 0..<6 {
      for x in 0..<6 { #expect((canvas[x: x, y: y] == .black) == (x == y && x <= 4)) }
    }
    var horizontal = Canvas(width: 6, height: 3)
    horizontal.drawLine(x0: 5, y0: 1, x1: 1, y1: 1, color: .black)
    #expect((0..<6).map { horizontal[x: $0, y: 1] == .black } == [false, true, true, true, true, true])
  }

  @Test func blitCopiesAndClips() {
    let gray = RasterImage(width: 2, height: 2, channels: 1, pixels: [0, 50, 100, 150])
    var canvas = Canvas(width: 3, height: 3)
    canvas.draw(gray, x: 1, y: 1)
    #expect(canvas[x: 1, y: 1] == RGB(gray: 0))
    #expect(canvas[x: 2, y: 2] == RGB(gray: 150))
    #expect(canvas[x: 0, y: 0] == .white)
    canvas.draw(gray, x: -1, y: -1)  // only its last pixel lands on the canvas
    #expect(canvas[x: 0, y: 0] == RGB(gray: 150))
  }

  /// Values 0, 1, 0.5, 0.25 through gray 0…1 → 0, 255, 128, 64, each as a 2 × 2 block.
  @Test func drawPlaneAtScaleTwo() {
    var canvas = Canvas(width: 4, height: 4)
    let plane = Tensor(shape: [1, 1, 2, 2], storage: [0, 1, 0.5, 0.25])
    canvas.drawPlane(plane, x: 0, y: 0, scale: 2, colorMap: .gray(lo: 0, hi: 1))
    let levels = (0..<4).flatMap { y in (0..<4).map { canvas[x: $0, y: y].r } }
    #expect(levels == [0, 0, 255, 255, 0, 0, 255, 255, 128, 128, 64, 64, 128, 128, 64, 64])
    #expect(
      RasterImage(plane: plane, colorMap: .gray(lo: 0, hi: 1)).pixels == [
        0, 0, 0, 255, 255, 255, 128, 128, 128, 64, 64, 64,
      ])
  }
}
