/// One small gray image enlarged, with every pixel's value (0–255) printed inside its cell
/// and row/column numbers along the edges: what a digit looks like to the network.
///
/// ```
/// try DigitValueFigure(title: "Test image 0: a 7, 28×28 bytes", image: digit)
///   .writePNG(to: "Output/01-pixels/digit-values.png")
/// ```
/// Cells are drawn as their gray level (0 black … 255 white, or the reverse with `inverted`);
/// values are written in white on dark cells and near-black on light ones, zeros dimmed so
/// the ink stands out.
public struct DigitValueFigure: Figure {
  /// Text at the top.
  public var title: String
  /// The image, 1 channel (an RGB image is reduced to its green channel).
  public var image: RasterImage
  /// Cell size in pixels (24 fits "255" with room to spare; at least 18).
  public var scale: Int
  /// Draw 0 as white and 255 as black (dark ink on paper) instead of MNIST's white on black.
  public var inverted: Bool

  /// A value grid of a gray `image` (e.g. one 28×28 MNIST digit).
  public init(title: String, image: RasterImage, scale: Int = 24, inverted: Bool = false) {
    precondition(scale >= 18, "DigitValueFigure needs cells of at least 18 px for 3 digits, got \(scale)")
    self.title = title
    self.image = image
    self.scale = scale
    self.inverted = inverted
  }

  /// A value grid of `width × height` bytes, row-major (MNIST: 28 × 28).
  public init(
    title: String, pixels: [UInt8], width: Int = 28, height: Int = 28, scale: Int = 24, inverted: Bool = false
  ) {
    self.init(
      title: title, image: RasterImage(width: width, height: height, channels: 1, pixels: pixels),
      scale: scale, inverted: inverted)
  }

  /// Draws the value grid on a white background.
  public func render() -> RasterImage {
    let (w, h) = (image.width, image.height)
    let indexWidth = BitmapFont.width(of: String(max(w, h) - 1)) + 6
    let indexHeight = BitmapFont.capHeight + 6
    var (canvas, left, top) = FigureStyle.titled(
      title, contentWidth: indexWidth + w * scale + 1, contentHeight: indexHeight + h * scale + 1)
    let gridX = left + indexWidth
    let gridY = top + indexHeight
    let textY = (scale - BitmapFont.capHeight) / 2

    for col in 0..<w {
      canvas.drawText(String(col), x: gridX + col * scale + scale / 2, y: top, color: .mutedInk, align: .center)
    }
    for row in 0..<h {
      canvas.drawText(String(row), x: gridX - 5, y: gridY + row * scale + textY, color: .mutedInk, align: .right)
      for col in 0..<w {
        let value = image.channels == 1 ? image[x: col, y: row] : image[x: col, y: row, channel: 1]
        let level = inverted ? 255 - value : value
        let (x, y) = (gridX + col * scale, gridY + row * scale)
        canvas.fillRect(x: x, y: y, width: scale, height: scale, color: RGB(gray: level))
        let dark = level < 128
        let textColor: RGB = value == 0 ? RGB(gray: dark ? 85 : 175) : (dark ? .white : .ink)
        canvas.drawText(String(value), x: x + scale / 2 + 1, y: y + textY, color: textColor, align: .center)
      }
    }
    // Hairlines between cells, then a frame.
    let hairline = RGB(gray: inverted ? 205 : 70)
    for k in 0...w { canvas.fillRect(x: gridX + k * scale, y: gridY, width: 1, height: h * scale, color: hairline) }
    for k in 0...h { canvas.fillRect(x: gridX, y: gridY + k * scale, width: w * scale, height: 1, color: hairline) }
    canvas.strokeRect(x: gridX, y: gridY, width: w * scale + 1, height: h * scale + 1, color: .mutedInk)
    return canvas.image
  }
}
