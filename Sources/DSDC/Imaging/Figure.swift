/// Something that draws itself as a picture: every figure builder in `Imaging/`.
///
/// ```
/// try FeatureMapFigure(title: "Kernels", tiles: tiles).writePNG(to: "Output/03-depthwise/kernels.png")
/// ```
public protocol Figure: Sendable {
  /// Draws the whole figure (white background, title, content) as an RGB image.
  func render() -> RasterImage
}

extension Figure {
  /// Renders the figure and saves it as a PNG, atomically; throws `PNGError`.
  public func writePNG(to path: String) throws {
    try render().writePNG(to: path)
  }
}

/// Several figures side by side in one image, top-aligned: e.g. a loss plot next to an
/// accuracy plot.
///
/// ```
/// try FigureRow([lossPlot, accuracyPlot]).writePNG(to: "Output/train/curves.png")
/// ```
public struct FigureRow: Figure {
  /// The figures, left to right.
  public var figures: [any Figure]
  /// Empty pixels between neighbours.
  public var gap: Int

  /// A row of `figures` separated by `gap` white pixels.
  public init(_ figures: [any Figure], gap: Int = 0) {
    precondition(!figures.isEmpty, "FigureRow needs at least one figure")
    self.figures = figures
    self.gap = gap
  }

  /// Draws the figures next to each other on a white background.
  public func render() -> RasterImage {
    let images = figures.map { $0.render() }
    let width = images.map(\.width).reduce(0, +) + gap * (images.count - 1)
    var canvas = Canvas(width: width, height: images.map(\.height).max()!)
    var x = 0
    for image in images {
      canvas.draw(image, x: x, y: 0)
      x += image.width + gap
    }
    return canvas.image
  }
}

/// Figures stacked top to bottom, left-aligned, on one image.
public struct FigureColumn: Figure {
  /// The figures, top to bottom.
  public var figures: [any Figure]
  /// Empty pixels between neighbours.
  public var gap: Int

  /// A column of `figures` separated by `gap` white pixels.
  public init(_ figures: [any Figure], gap: Int = 0) {
    precondition(!figures.isEmpty, "FigureColumn needs at least one figure")
    self.figures = figures
    self.gap = gap
  }

  /// Draws the figures below each other on a white background.
  public func render() -> RasterImage {
    let images = figures.map { $0.render() }
    let height = images.map(\.height).reduce(0, +) + gap * (images.count - 1)
    var canvas = Canvas(width: images.map(\.width).max()!, height: height)
    var y = 0
    for image in images {
      canvas.draw(image, x: 0, y: y)
      y += image.height + gap
    }
    return canvas.image
  }
}

/// Spacing and text sizes shared by the figure builders, so all figures look alike.
enum FigureStyle {
  /// Empty border around the whole figure.
  static let margin = 16
  /// Font scale of titles.
  static let titleScale = 2
  /// Gap below the title.
  static let titleGap = 14
  /// Gap between a label and what it labels.
  static let labelGap = 5
  /// Thin frame around images and plot areas.
  static let frame = RGB(160, 160, 160)

  /// A white canvas with `title` centred at the top (bold, font `scale`, lines split at "\n")
  /// and room for `contentWidth × contentHeight` below it; returns the canvas and the
  /// content's top-left corner (content is centred when the title is wider).
  static func titled(
    _ title: String, contentWidth: Int, contentHeight: Int, scale: Int = titleScale
  ) -> (canvas: Canvas, x: Int, y: Int) {
    let titleWidth = BitmapFont.width(of: title, scale: scale) + 1
    let titleHeight = title.isEmpty ? 0 : BitmapFont.height(of: title, scale: scale) + titleGap
    let inner = max(contentWidth, titleWidth)
    var canvas = Canvas(width: inner + 2 * margin, height: margin + titleHeight + contentHeight + margin)
    // Drawn twice, one pixel apart, for a bold title.
    for dx in 0...1 {
      canvas.drawText(title, x: canvas.width / 2 + dx, y: margin, scale: scale, color: .ink, align: .center)
    }
    return (canvas, margin + (inner - contentWidth) / 2, margin + titleHeight)
  }
}
