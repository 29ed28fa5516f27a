/// One cell of an image grid, by row and column (both from 0, row 0 at the top).
public struct GridCell: Sendable, Hashable {
  /// Row from the top.
  public var row: Int
  /// Column from the left.
  public var column: Int

  /// The cell at `row`, `column`.
  public init(row: Int, column: Int) {
    self.row = row
    self.column = column
  }

  /// The K × K input cells that a kernel centred on `center` reads with dilation D:
  /// ```
  /// (center.row + (u − ⌊K/2⌋)·D,  center.column + (v − ⌊K/2⌋)·D)   for u, v in 0..<K
  /// ```
  /// `GridCell.kernelTaps(center: GridCell(row: 14, column: 14), kernel: 3, dilation: 2)`.
  /// Cells may fall outside the image (they are in the zero padding) — figures skip them.
  public static func kernelTaps(center: GridCell, kernel: Int = 3, dilation: Int = 1) -> [GridCell] {
    precondition(kernel >= 1 && dilation >= 1, "kernel \(kernel) and dilation \(dilation) must be ≥ 1")
    let half = kernel / 2
    return (0..<kernel).flatMap { u in
      (0..<kernel).map { v in
        GridCell(row: center.row + (u - half) * dilation, column: center.column + (v - half) * dilation)
      }
    }
  }
}

/// Images side by side with some cells tinted and outlined in colour, and a legend: e.g. the
/// input pixels one dilated-convolution output reads, for D = 1, 2, 3.
///
/// ```
/// let center = GridCell(row: 14, column: 14)
/// let panels = [1, 2, 3].map { d in
///   OverlayFigure.Panel(label: "D = \(d)", image: digit, highlights: [
///     .init(cells: GridCell.kernelTaps(center: center, dilation: d), color: .orange, label: "input pixels read"),
///     .init(cells: [center], color: .red, label: "output position"),
///   ])
/// }
/// try OverlayFigure(title: "What one 3×3 output reads", panels: panels).writePNG(to: "Output/04-dilation/taps.png")
/// ```
public struct OverlayFigure: Figure {
  /// A set of cells drawn in one colour, named in the legend by `label` (if not empty).
  public struct Highlight: Sendable {
    /// The cells (outside the image they are skipped).
    public var cells: [GridCell]
    /// Tint and outline colour.
    public var color: RGB
    /// Legend text; empty for none.
    public var label: String
    /// Mix the colour into the cell (`opacity` 0…1); the outline is always drawn.
    public var opacity: Float

    /// Cells tinted `opacity` of the way to `color` and outlined in it.
    public init(cells: [GridCell], color: RGB, label: String = "", opacity: Float = 0.55) {
      self.cells = cells
      self.color = color
      self.label = label
      self.opacity = opacity
    }
  }

  /// One image with its highlights and a caption.
  public struct Panel: Sendable {
    /// Caption under the image.
    public var label: String
    /// The image (gray or RGB).
    public var image: RasterImage
    /// Drawn in order, later ones on top.
    public var highlights: [Highlight]

    /// A panel of a ready image.
    public init(label: String, image: RasterImage, highlights: [Highlight]) {
      self.label = label
      self.image = image
      self.highlights = highlights
    }

    /// A panel of a float plane drawn through `colorMap` (default: 0 → black, 1 → white).
    public init(label: String, plane: Tensor, colorMap: ColorMap = .gray(lo: 0, hi: 1), highlights: [Highlight]) {
      self.init(label: label, image: RasterImage(plane: plane, colorMap: colorMap), highlights: highlights)
    }
  }

  /// Text at the top.
  public var title: String
  /// The images, left to right.
  public var panels: [Panel]
  /// Each image pixel becomes a `scale × scale` cell.
  public var scale: Int
  /// Draw faint lines between cells so they can be counted.
  public var showsGrid: Bool

  /// Panels side by side, cells `scale` pixels wide.
  public init(title: String, panels: [Panel], scale: Int = 10, showsGrid: Bool = true) {
    precondition(!panels.isEmpty, "OverlayFigure needs at least one panel")
    precondition(scale >= 2, "OverlayFigure scale must be ≥ 2, got \(scale)")
    self.title = title
    self.panels = panels
    self.scale = scale
    self.showsGrid = showsGrid
  }

  /// Draws the panels and legend on a white background.
  public func render() -> RasterImage {
    let labelScale = panels.map { $0.image.width * scale }.max()! >= 200 ? 2 : 1
    let panelWidth = panels.map { max($0.image.width * scale + 2, BitmapFont.width(of: $0.label, scale: labelScale)) }
      .max()!
    let imageHeight = panels.map { $0.image.height * scale }.max()!
    let labelHeight = panels.map { BitmapFont.height(of: $0.label, scale: labelScale) }.max()!
    let gap = 24
    var legend: [(label: String, color: RGB)] = []
    for highlight in panels.flatMap(\.highlights) where !highlight.label.isEmpty {
      if !legend.contains(where: { $0.label == highlight.label && $0.color == highlight.color }) {
        legend.append((highlight.label, highlight.color))
      }
    }
    let legendEntries = legend.map { 14 + 6 + BitmapFont.width(of: $0.label, scale: labelScale) }
    let legendWidth = legendEntries.reduce(0, +) + max(0, legend.count - 1) * 24
    let legendHeight = legend.isEmpty ? 0 : 18 + BitmapFont.glyphHeight * labelScale
    let contentWidth = max(panels.count * panelWidth + (panels.count - 1) * gap, legendWidth)
    var (canvas, left, top) = FigureStyle.titled(
      title, contentWidth: contentWidth,
      contentHeight: imageHeight + 2 + FigureStyle.labelGap + labelHeight + legendHeight)
    let panelsLeft = left + (contentWidth - (panels.count * panelWidth + (panels.count - 1) * gap)) / 2

    for (i, panel) in panels.enumerated() {
      let center = panelsLeft + i * (panelWidth + gap) + panelWidth / 2
      let (w, h) = (panel.image.width, panel.image.height)
      let x = center - w * scale / 2
      let y = top + 1 + (imageHeight - h * scale) / 2
      canvas.draw(panel.image.upscaled(by: scale), x: x, y: y)
      if showsGrid {
        for k in 1..<max(w, 1) {
          canvas.fillRect(x: x + k * scale, y: y, width: 1, height: h * scale, color: RGB(gray: 128), opacity: 0.35)
        }
        for k in 1..<max(h, 1) {
          canvas.fillRect(x: x, y: y + k * scale, width: w * scale, height: 1, color: RGB(gray: 128), opacity: 0.35)
        }
      }
      for highlight in panel.highlights {
        for cell in highlight.cells where cell.row >= 0 && cell.row < h && cell.column >= 0 && cell.column < w {
          let (cx, cy) = (x + cell.column * scale, y + cell.row * scale)
          canvas.fillRect(x: cx, y: cy, width: scale, height: scale, color: highlight.color, opacity: highlight.opacity)
          canvas.strokeRect(
            x: cx, y: cy, width: scale, height: scale, color: highlight.color, thickness: scale >= 8 ? 2 : 1)
        }
      }
      canvas.strokeRect(x: x - 1, y: y - 1, width: w * scale + 2, height: h * scale + 2, color: FigureStyle.frame)
      canvas.drawText(
        panel.label, x: center, y: top + imageHeight + 2 + FigureStyle.labelGap, scale: labelScale, align: .center)
    }

    var legendX = left + (contentWidth - legendWidth) / 2
    let legendY = top + imageHeight + 2 + FigureStyle.labelGap + labelHeight + 18
    for (entry, width) in zip(legend, legendEntries) {
      let swatchY = legendY + (BitmapFont.capHeight * labelScale - 14) / 2
      canvas.fillRect(x: legendX, y: swatchY, width: 14, height: 14, color: entry.color, opacity: 0.55)
      canvas.strokeRect(x: legendX, y: swatchY, width: 14, height: 14, color: entry.color, thickness: 2)
      canvas.drawText(entry.label, x: legendX + 20, y: legendY, scale: labelScale)
      legendX += width + 24
    }
    return canvas.image
  }
}
