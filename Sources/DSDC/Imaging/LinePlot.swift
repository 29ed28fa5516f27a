/// A line chart of one or more series with axes, tick labels, grid, legend, title and
/// axis titles; the y axis is ranged to the data automatically unless given.
///
/// ```
/// try LinePlot(
///   title: "Loss per epoch", xLabel: "epoch", yLabel: "cross-entropy",
///   series: [.init(name: "train", values: trainLoss), .init(name: "test", values: testLoss)]
/// ).writePNG(to: "Output/train/loss.png")
/// ```
/// A series given by `values` alone is plotted at x = 1, 2, 3, … (epochs). Points are marked
/// when a series has at most 60 of them (unless the series says not to); NaN values leave a
/// gap in the line.
public struct LinePlot: Figure {
  /// One named line.
  public struct Series: Sendable {
    /// Legend text.
    public var name: String
    /// Horizontal positions, one per value.
    public var x: [Float]
    /// Vertical positions.
    public var y: [Float]
    /// Line colour; `nil` takes the next colour of `RGB.palette`.
    public var color: RGB?
    /// Line width in pixels.
    public var thickness: Int
    /// Whether points are marked with squares when there are at most 60 of them.
    public var marksPoints: Bool

    /// A series at x = 1, 2, …, `values.count` (epochs counted from 1).
    public init(name: String, values: [Float], color: RGB? = nil) {
      self.init(name: name, x: (0..<values.count).map { Float($0 + 1) }, y: values, color: color)
    }

    /// A series through the points `(x[i], y[i])`.
    public init(name: String, x: [Float], y: [Float], color: RGB? = nil, thickness: Int = 2, marksPoints: Bool = true) {
      precondition(x.count == y.count, "series '\(name)' has \(x.count) x values but \(y.count) y values")
      precondition(thickness >= 1, "series '\(name)' has line thickness \(thickness); give 1 or more")
      self.name = name
      self.x = x
      self.y = y
      self.color = color
      self.thickness = thickness
      self.marksPoints = marksPoints
    }
  }

  /// Text at the top.
  public var title: String
  /// Title of the horizontal axis, e.g. "epoch".
  public var xLabel: String
  /// Title of the vertical axis, e.g. "accuracy (%)".
  public var yLabel: String
  /// The lines, drawn in order.
  public var series: [Series]
  /// Fixed vertical range; `nil` fits the data, widened to whole tick steps.
  public var yRange: ClosedRange<Float>?
  /// Size of the plotting area in pixels (axes and labels come on top of it).
  public var plotWidth: Int
  /// Height of the plotting area in pixels.
  public var plotHeight: Int
  /// Font scale of ticks, axis titles and legend.
  public var textScale: Int

  /// A plot of `series`; see the type's example.
  public init(
    title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Float>? = nil,
    plotWidth: Int = 520, plotHeight: Int = 300, textScale: Int = 1
  ) {
    precondition(plotWidth >= 40 && plotHeight >= 40, "plot area \(plotWidth)×\(plotHeight) is too small")
    if let range = yRange {
      precondition(range.upperBound > range.lowerBound, "yRange \(range) is empty; give lo < hi")
    }
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.yRange = yRange
    self.plotWidth = plotWidth
    self.plotHeight = plotHeight
    self.textScale = textScale
  }

  /// The y axis range and ticks that `render` uses.
  public func yAxis() -> (lo: Float, hi: Float, ticks: [Float], step: Float) {
    if let range = yRange {
      let (ticks, step) = NumberLabel.niceTicks(lo: range.lowerBound, hi: range.upperBound)
      return (range.lowerBound, range.upperBound, ticks, step)
    }
    var (lo, hi) = extent(series.flatMap(\.y))
    if hi - lo < 1e-6 * max(abs(lo), 1) { (lo, hi) = (lo - max(abs(lo) * 0.1, 1), hi + max(abs(hi) * 0.1, 1)) }
    let step = NumberLabel.niceTicks(lo: lo, hi: hi).step
    let (first, last) = (Int((lo / step + 1e-4).rounded(.down)), Int((hi / step - 1e-4).rounded(.up)))
    let ticks = (first...last).map { Float($0) * step }
    return (ticks.first!, ticks.last!, ticks, step)
  }

  /// The x axis range and ticks that `render` uses (whole-number steps when every x is whole).
  public func xAxis() -> (lo: Float, hi: Float, ticks: [Float], step: Float) {
    let all = series.flatMap(\.x)
    var (lo, hi) = extent(all)
    if hi - lo < 1e-6 * max(abs(lo), 1) { (lo, hi) = (lo - 1, hi + 1) }
    // Fewer ticks when labels are larger, so neighbouring labels do not touch.
    var (ticks, step) = NumberLabel.niceTicks(lo: lo, hi: hi, target: max(3, min(8, plotWidth / (40 * textScale))))
    if all.allSatisfy({ $0 == $0.rounded() }) && step < 1 {
      (ticks, step) = ((Int(lo.rounded(.up))...Int(hi.rounded(.down))).map(Float.init), 1)
    }
    // A little room on both sides so end points and their markers are not cut by the frame.
    let pad = (hi - lo) * 0.03
    return (lo - pad, hi + pad, ticks, step)
  }

  /// Draws the plot on a white background.
  public func render() -> RasterImage {
    let s = textScale
    let (yLo, yHi, yTicks, yStep) = yAxis()
    let (xLo, xHi, xTicks, xStep) = xAxis()
    let yTickText = NumberLabel.ticks(yTicks, step: yStep)
    let xTickText = NumberLabel.ticks(xTicks, step: xStep)
    let lineHeight = BitmapFont.glyphHeight * s
    let yTitleWidth = yLabel.isEmpty ? 0 : lineHeight + 10
    let tickWidth = (yTickText.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0) + 8
    let legendHeight = series.isEmpty ? 0 : lineHeight + 14
    let below = 8 + lineHeight + (xLabel.isEmpty ? 0 : 8 + lineHeight)
    let left = yTitleWidth + tickWidth
    let rightPad = BitmapFont.width(of: xTickText.last ?? "", scale: s) / 2 + 4
    var (canvas, x0, y0) = FigureStyle.titled(
      title, contentWidth: left + plotWidth + rightPad, contentHeight: legendHeight + plotHeight + below,
      scale: s + 1)
    let (plotX, plotY) = (x0 + left, y0 + legendHeight)
    let colors = series.enumerated().map { $0.element.color ?? RGB.palette[$0.offset % RGB.palette.count] }

    // Legend: a short line sample and the name of each series, centred above the plot.
    let entries = series.map { 28 + BitmapFont.width(of: $0.name, scale: s) }
    var legendX = plotX + (plotWidth - entries.reduce(0, +) - 20 * max(series.count - 1, 0)) / 2
    for (i, entry) in series.enumerated() {
      canvas.fillRect(x: legendX, y: y0 + (BitmapFont.capHeight * s) / 2 - 1, width: 20, height: 3, color: colors[i])
      canvas.drawText(entry.name, x: legendX + 26, y: y0, scale: s)
      legendX += entries[i] + 20
    }

    // The plotting area is drawn on its own canvas, so lines outside the range are clipped.
    // Positions far outside the area are clamped (they are clipped anyway) so Int() cannot trap.
    func pixel(_ f: Float) -> Int { f.isNaN ? -1_000_000 : Int(min(max(f, -1e6), 1e6).rounded()) }
    func px(_ x: Float) -> Int { pixel((x - xLo) / (xHi - xLo) * Float(plotWidth - 1)) }
    func py(_ y: Float) -> Int { pixel((1 - (y - yLo) / (yHi - yLo)) * Float(plotHeight - 1)) }
    var area = Canvas(width: plotWidth, height: plotHeight)
    for t in yTicks { area.fillRect(x: 0, y: py(t), width: plotWidth, height: 1, color: RGB(gray: 232)) }
    for t in xTicks { area.fillRect(x: px(t), y: 0, width: 1, height: plotHeight, color: RGB(gray: 232)) }
    for (i, line) in series.enumerated() {
      let points = zip(line.x, line.y).map { (x: $0, y: $1) }
      for (a, b) in zip(points, points.dropFirst()) where a.x.isFinite && a.y.isFinite && b.x.isFinite && b.y.isFinite {
        area.drawLine(x0: px(a.x), y0: py(a.y), x1: px(b.x), y1: py(b.y), color: colors[i], thickness: line.thickness)
      }
      if line.marksPoints && points.count <= 60 {
        for p in points where p.x.isFinite && p.y.isFinite {
          area.fillRect(x: px(p.x) - 3, y: py(p.y) - 3, width: 7, height: 7, color: .white)
          area.strokeRect(x: px(p.x) - 3, y: py(p.y) - 3, width: 7, height: 7, color: colors[i], thickness: 2)
        }
      }
    }
    canvas.draw(area.image, x: plotX, y: plotY)
    canvas.strokeRect(x: plotX - 1, y: plotY - 1, width: plotWidth + 2, height: plotHeight + 2, color: .mutedInk)

    // Ticks and their labels.
    for (t, text) in zip(yTicks, yTickText) {
      let y = plotY + py(t)
      canvas.fillRect(x: plotX - 5, y: y, width: 4, height: 1, color: .mutedInk)
      canvas.drawText(text, x: plotX - 8, y: y - BitmapFont.capHeight * s / 2, scale: s, align: .right)
    }
    for (t, text) in zip(xTicks, xTickText) {
      let x = plotX + px(t)
      canvas.fillRect(x: x, y: plotY + plotHeight + 1, width: 1, height: 4, color: .mutedInk)
      canvas.drawText(text, x: x + 1, y: plotY + plotHeight + 8, scale: s, align: .center)
    }
    canvas.drawText(xLabel, x: plotX + plotWidth / 2, y: plotY + plotHeight + 16 + lineHeight, scale: s, align: .center)
    let yTitleHeight = BitmapFont.width(of: yLabel, scale: s)
    canvas.drawVerticalText(yLabel, x: x0, y: plotY + (plotHeight - yTitleHeight) / 2, scale: s)
    return canvas.image
  }

  /// Smallest and largest finite value, `(0, 1)` when there are none.
  private func extent(_ values: [Float]) -> (Float, Float) {
    let finite = values.filter(\.isFinite)
    guard let lo = finite.min(), let hi = finite.max() else { return (0, 1) }
    return (lo, hi)
  }
}
