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

/// Several figures in one image, on a white background: side by side and top-aligned
/// (`.row`, e.g. a loss plot next to an accuracy plot), or stacked top to bottom and
/// left-aligned (`.column`).
///
/// ```
/// try FigureStack(.row, [lossPlot, accuracyPlot]).writePNG(to: "Output/train/curves.png")
/// ```
public struct FigureStack: Figure {
  /// Which way the figures follow each other.
  public enum Direction: Sendable {
    /// Left to right.
    case row
    /// Top to bottom.
    case column
  }

  /// Which way the figures follow each other.
  public var direction: Direction
  /// The figures, left to right or top to bottom.
  public var figures: [any Figure]
  /// Empty pixels between neighbours.
  public var gap: Int

  /// A row or column of `figures` separated by `gap` white pixels.
  public init(_ direction: Direction, _ figures: [any Figure], gap: Int = 0) {
    precondition(!figures.isEmpty, "FigureStack needs at least one figure")
    self.direction = direction
    self.figures = figures
    self.gap = gap
  }

  /// Draws the figures next to (or below) each other on a white background.
  public func render() -> RasterImage {
    let images = figures.map { $0.render() }
    let row = direction == .row
    let along = { (image: RasterImage) in row ? image.width : image.height }
    let length = images.map(along).reduce(0, +) + gap * (images.count - 1)
    let breadth = images.map { row ? $0.height : $0.width }.max()!
    var canvas = row ? Canvas(width: length, height: breadth) : Canvas(width: breadth, height: length)
    var offset = 0
    for image in images {
      canvas.draw(image, x: row ? offset : 0, y: row ? 0 : offset)
      offset += along(image) + gap
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
