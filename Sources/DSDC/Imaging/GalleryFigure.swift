/// A titled grid of small images, each with a caption underneath: sample digits with their
/// labels, misclassified digits with "true 4 → pred 9 (87%)".
///
/// ```
/// let items = (0..<100).map { i in
///   GalleryFigure.Item(plane: images.plane(n: i, c: 0), caption: "\(labels[i])")
/// }
/// try GalleryFigure(title: "The first 100 test digits", items: items, columns: 10)
///   .writePNG(to: "Output/02-data/first-100.png")
/// ```
/// Every column is as wide as the widest image or caption; captions may span lines ("\n").
public struct GalleryFigure: Figure {
  /// One image and its caption.
  public struct Item: Sendable {
    /// The picture (gray or RGB), drawn at the figure's `scale`.
    public var image: RasterImage
    /// Text under the picture.
    public var caption: String
    /// Colour of the caption (and of the frame, when it is not the default ink).
    public var captionColor: RGB

    /// An item from a ready image.
    public init(image: RasterImage, caption: String, captionColor: RGB = .ink) {
      self.image = image
      self.caption = caption
      self.captionColor = captionColor
    }

    /// An item from a float plane `(H, W)` drawn through `colorMap` (default: 0 → black,
    /// 1 → white, as MNIST pixels scaled to 0…1).
    public init(
      plane: Tensor, caption: String, colorMap: ColorMap = .gray(lo: 0, hi: 1), captionColor: RGB = .ink
    ) {
      self.init(image: RasterImage(plane: plane, colorMap: colorMap), caption: caption, captionColor: captionColor)
    }

    /// An item from `width × height` gray bytes (an MNIST digit as stored: 0 background).
    public init(pixels: [UInt8], width: Int = 28, height: Int = 28, caption: String, captionColor: RGB = .ink) {
      self.init(
        image: RasterImage(width: width, height: height, channels: 1, pixels: pixels), caption: caption,
        captionColor: captionColor)
    }
  }

  /// Text at the top.
  public var title: String
  /// The pictures, in reading order.
  public var items: [Item]
  /// Pictures per row.
  public var columns: Int
  /// Each image pixel becomes a `scale × scale` block.
  public var scale: Int
  /// Font scale of captions.
  public var captionScale: Int

  /// A gallery of `items`, `columns` per row, images enlarged `scale` times.
  public init(title: String, items: [Item], columns: Int = 10, scale: Int = 2, captionScale: Int = 1) {
    precondition(!items.isEmpty, "GalleryFigure needs at least one item")
    precondition(columns >= 1 && scale >= 1 && captionScale >= 1, "columns, scale and captionScale must be ≥ 1")
    self.title = title
    self.items = items
    self.columns = columns
    self.scale = scale
    self.captionScale = captionScale
  }

  /// Draws the gallery on a white background.
  public func render() -> RasterImage {
    let imageWidth = items.map { $0.image.width * scale }.max()!
    let imageHeight = items.map { $0.image.height * scale }.max()!
    let captionWidth = items.map { BitmapFont.width(of: $0.caption, scale: captionScale) }.max()!
    let captionHeight = items.map { BitmapFont.height(of: $0.caption, scale: captionScale) }.max()!
    let cellWidth = max(imageWidth + 2, captionWidth)
    let cellHeight = imageHeight + 2 + FigureStyle.labelGap + captionHeight
    let (gapX, gapY) = (10, 12)
    let usedColumns = min(columns, items.count)
    let rows = (items.count + columns - 1) / columns
    var (canvas, left, top) = FigureStyle.titled(
      title, contentWidth: usedColumns * cellWidth + (usedColumns - 1) * gapX,
      contentHeight: rows * cellHeight + (rows - 1) * gapY)

    for (i, item) in items.enumerated() {
      let cellX = left + (i % columns) * (cellWidth + gapX)
      let cellY = top + (i / columns) * (cellHeight + gapY)
      let center = cellX + cellWidth / 2
      let (w, h) = (item.image.width * scale, item.image.height * scale)
      let x = center - w / 2
      let y = cellY + 1 + (imageHeight - h) / 2
      canvas.draw(item.image.upscaled(by: scale), x: x, y: y)
      let frame = item.captionColor == .ink ? FigureStyle.frame : item.captionColor
      canvas.strokeRect(x: x - 1, y: y - 1, width: w + 2, height: h + 2, color: frame)
      canvas.drawText(
        item.caption, x: center, y: cellY + imageHeight + 2 + FigureStyle.labelGap, scale: captionScale,
        color: item.captionColor, align: .center)
    }
    return canvas.image
  }
}
