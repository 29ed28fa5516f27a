import DSDC
import Foundation
import Testing

/// Every figure kind renders, writes a PNG that reads back identical, and shows what it should.
@Suite("Figures", .removesTemporaryFolders)
struct FigureTests {
  /// A 28×28 "digit": a bright vertical bar in columns 12…15, rows 4…23, on 0.
  static let digit: RasterImage = {
    var image = RasterImage(width: 28, height: 28, channels: 1)
    for y in 4...23 { for x in 12...15 { image[x: x, y: y] = 255 } }
    return image
  }()

  /// Writes the figure into a fresh temporary folder and checks the file reads back as the
  /// rendered image; returns that image.
  @discardableResult
  func roundTrip(_ figure: some Figure, name: String) throws -> RasterImage {
    let path = try makeTemporaryDirectory().appendingPathComponent(name).path
    try figure.writePNG(to: path)
    let rendered = figure.render()
    let back = try PNGFile.read(path, channels: 3)
    #expect(back.width == rendered.width && back.height == rendered.height)
    #expect(back == rendered)
    #expect(rendered.pixels[0..<3] == [255, 255, 255], "figures have a white background")
    return rendered
  }

  /// Count of pixels of exactly `color`.
  func count(_ color: RGB, in image: RasterImage) -> Int {
    (0..<image.height).reduce(0) { sum, y in sum + (0..<image.width).filter { image.color(x: $0, y: y) == color }.count
    }
  }

  @Test func featureMapFigure() throws {
    let sobel = Tensor(shape: [3, 3], storage: [-1, 0, 1, -2, 0, 2, -1, 0, 1])
    let blur = Tensor(shape: [3, 3], repeating: 1.0 / 9)
    let figure = FeatureMapFigure(
      title: "Two kernels", tiles: [(label: "Sobel x", plane: sobel), (label: "blur", plane: blur)],
      style: .diverging, scale: 20, printsValues: true)
    let image = try roundTrip(figure, name: "kernels.png")
    // Shared range: max |w| = 2 over both tiles, so -2 draws the pure negative end, 20×20 of it
    // minus the ink of its "-2" label; the per-tile map of blur makes 1/9 the positive end.
    #expect(figure.colorMap(forTile: 1) == .diverging(maxAbs: 2))
    #expect(count(ColorMap.negativeEnd, in: image) > 300)
    var perTile = figure
    perTile.range = .perTile
    #expect(perTile.colorMap(forTile: 1) == .diverging(maxAbs: 1.0 / 9))
    try roundTrip(perTile, name: "kernels-per-tile.png")
    var fixed = figure
    fixed.range = .fixed(lo: -4, hi: 1)
    #expect(fixed.colorMap(forTile: 0) == .diverging(maxAbs: 4))
  }

  @Test func featureMapTilesFromChannels() throws {
    let y = Tensor(shape: [2, 3, 4, 4], storage: (0..<96).map(Float.init))
    let tiles = FeatureMapFigure.Tile.channels(of: y, n: 1, labelPrefix: "out ")
    #expect(tiles.map(\.label) == ["out 0", "out 1", "out 2"])
    #expect(tiles[2].plane == y.plane(n: 1, c: 2))
    try roundTrip(
      FeatureMapFigure(title: "Channels", tiles: tiles, style: .grayInverted, columns: 2), name: "channels.png")
  }

  /// A 2×2 image [0, 255 / 128, 7] at 24 px per cell: each cell shows its level around the number.
  @Test func digitValueFigure() throws {
    let figure = DigitValueFigure(title: "Values", pixels: [0, 255, 128, 7], width: 2, height: 2)
    let image = try roundTrip(figure, name: "values.png")
    // Cell interiors: 4 cells of 23×23 minus their digits; levels 255 and 128 appear in bulk.
    #expect(count(RGB(gray: 255), in: image) > 400)
    #expect(count(RGB(gray: 128), in: image) > 400)
    #expect(count(RGB(gray: 0), in: image) > 400)
    try roundTrip(DigitValueFigure(title: "A bar", image: Self.digit, scale: 20, inverted: true), name: "digit.png")
  }

  @Test func galleryFigure() throws {
    let items =
      (0..<12).map { i in
        GalleryFigure.Item(
          image: Self.digit, caption: i == 5 ? "true 4 → pred 9\n(87%)" : "\(i)", captionColor: i == 5 ? .red : .ink)
      } + [GalleryFigure.Item(plane: Tensor(shape: [28, 28], repeating: 0.5), caption: "plane")]
    let image = try roundTrip(GalleryFigure(title: "Gallery", items: items, columns: 5), name: "gallery.png")
    // 13 items at 2× are 56×56 each: the bar (4×20 pixels → 8×40) is white in 12 of them.
    #expect(count(.white, in: image) > 12 * 8 * 40)
    #expect(count(.red, in: image) > 0)
  }

  @Test func kernelTapsOfADilatedKernel() {
    let taps = GridCell.kernelTaps(center: GridCell(row: 5, column: 5), kernel: 3, dilation: 2)
    #expect(
      taps.map { [$0.row, $0.column] } == [
        [3, 3], [3, 5], [3, 7], [5, 3], [5, 5], [5, 7], [7, 3], [7, 5], [7, 7],
      ])
    #expect(
      GridCell.kernelTaps(center: GridCell(row: 0, column: 0), kernel: 1, dilation: 3) == [GridCell(row: 0, column: 0)])
  }

  /// Tint over black: orange (255, 127, 14) at opacity 0.55 → (140, 70, 8). With the grid off,
  /// each of the 9 highlighted 10-px cells keeps a 6×6 tinted inside its 2-px outline.
  @Test func overlayFigure() throws {
    let black = RasterImage(width: 28, height: 28, channels: 1)
    let cells = GridCell.kernelTaps(center: GridCell(row: 14, column: 14), dilation: 3)
    let figure = OverlayFigure(
      title: "Taps",
      panels: [.init(label: "D = 3", image: black, highlights: [.init(cells: cells, color: .orange, label: "read")])],
      scale: 10, showsGrid: false)
    let image = try roundTrip(figure, name: "overlay.png")
    #expect(RGB.black.mixed(with: .orange, 0.55) == RGB(140, 70, 8))
    #expect(count(RGB(140, 70, 8), in: image) == 9 * 6 * 6)
    let withGrid = OverlayFigure(
      title: "D = 1, 2, 3",
      panels: [1, 2, 3].map { d in
        .init(
          label: "D = \(d)", plane: Tensor(shape: [28, 28], repeating: 0.2),
          highlights: [
            .init(cells: GridCell.kernelTaps(center: GridCell(row: 1, column: 1), dilation: d), color: .orange)
          ])
      })
    try roundTrip(withGrid, name: "overlay-grid.png")
  }

  /// Losses 0.052 … 0.412: step 0.05 (see `NumberLabelTests`), axis widened to whole steps
  /// ⌊0.052/0.05⌋·0.05 = 0.05 … ⌈0.412/0.05⌉·0.05 = 0.45, 9 ticks; epochs 1…5 get whole-number ticks.
  @Test func linePlotAxes() throws {
    let plot = LinePlot(
      title: "Loss", xLabel: "epoch", yLabel: "loss",
      series: [
        .init(name: "train", values: [0.412, 0.108, 0.074, 0.061, 0.052]),
        .init(name: "test", values: [0.135, 0.081, .nan, 0.058, 0.060]),
      ])
    let y = plot.yAxis()
    #expect(abs(y.lo - 0.05) < 1e-6 && abs(y.hi - 0.45) < 1e-6 && abs(y.step - 0.05) < 1e-7 && y.ticks.count == 9)
    let x = plot.xAxis()
    #expect(x.ticks == [1, 2, 3, 4, 5] && x.step == 1)
    #expect(x.lo < 1 && x.hi > 5)
    let image = try roundTrip(plot, name: "loss.png")
    #expect(count(RGB.palette[0], in: image) > 100)
    #expect(count(RGB.palette[1], in: image) > 100)
  }

  @Test func linePlotWithFixedRangeAndOnePoint() throws {
    let plot = LinePlot(
      title: "Accuracy", xLabel: "epoch", yLabel: "%", series: [.init(name: "test", values: [97.9], color: .green)],
      yRange: 90...100)
    #expect(plot.yAxis().lo == 90 && plot.yAxis().hi == 100)
    try roundTrip(plot, name: "acc.png")
    try roundTrip(FigureStack(.row, [plot, plot], gap: 10), name: "row.png")
  }

  /// Values far outside a fixed range, infinities and NaN positions are clipped or skipped.
  @Test func linePlotSurvivesWildValues() throws {
    let plot = LinePlot(
      title: "Diverged", xLabel: "step", yLabel: "loss",
      series: [.init(name: "loss", x: [1, 2, .nan, 4, 5], y: [1, 1e30, 3, -.infinity, -1e30])], yRange: 0...10)
    let image = try roundTrip(plot, name: "wild.png")
    #expect(count(RGB.palette[0], in: image) > 0)
  }

  /// Accuracy = trace / total = (50 + 45 + 40) / (50 + 2 + 45 + 3 + 1 + 40) = 135 / 141.
  @Test func confusionMatrixFigure() throws {
    let counts = [[50, 2, 0], [0, 45, 3], [1, 0, 40]]
    let figure = ConfusionMatrixFigure(title: "Confusion", counts: counts, classLabels: ["a", "b", "c"])
    #expect(abs(figure.accuracy - 135.0 / 141.0) < 1e-6)
    let image = try roundTrip(figure, name: "confusion.png")
    // The largest diagonal cell is the full blue (8, 69, 148), the largest error full red.
    #expect(count(RGB(8, 69, 148), in: image) > 300)
    #expect(count(RGB(180, 20, 30), in: image) > 300)
    let ten = (0..<10).map { t in (0..<10).map { p in t == p ? 1000 + t : (t + p) % 3 } }
    try roundTrip(ConfusionMatrixFigure(title: "MNIST", counts: ten), name: "confusion10.png")
  }
}
