/// A titled grid of labelled 2-D float planes drawn through one colour map, with a
/// labelled scale bar: kernels, feature maps, learned weights.
///
/// ```
/// try FeatureMapFigure(
///   title: "Depthwise 3×3 kernels",
///   tiles: [(label: "Sobel x", plane: sobelX), (label: "blur", plane: blur)],
///   style: .diverging, scale: 40, printsValues: true
/// ).writePNG(to: "Output/03-depthwise/kernels.png")
/// ```
/// Planes are rank-2 tensors `(H, W)` (or `(1, …, 1, H, W)`); they may differ in size and are
/// centred in equal cells. With `range: .shared` one scale bar at the bottom serves every tile;
/// with `.perTile` each tile is fitted to its own values and gets its own small bar.
public struct FeatureMapFigure: Figure {
  /// One labelled plane.
  public struct Tile: Sendable {
    /// Text above the plane, e.g. "channel 3" (may contain "\n").
    public var label: String
    /// The values, `(H, W)` or `(1, …, 1, H, W)`.
    public var plane: Tensor

    /// A tile showing `plane` under `label`.
    public init(label: String, plane: Tensor) {
      _ = planeExtent(plane)
      self.label = label
      self.plane = plane
    }

    /// One tile per channel of image `n` of an `(N, C, H, W)` tensor, labelled
    /// `"\(labelPrefix)\(c)"`: `Tile.channels(of: y, labelPrefix: "out ")`.
    public static func channels(of tensor: Tensor, n: Int = 0, labelPrefix: String = "channel ") -> [Tile] {
      precondition(tensor.rank == 4, "channels(of:) needs an (N, C, H, W) tensor, got \(tensor.shape)")
      return (0..<tensor.shape[1]).map { Tile(label: "\(labelPrefix)\($0)", plane: tensor.plane(n: n, c: $0)) }
    }
  }

  /// Which values the colour map spans.
  public enum Range: Sendable, Equatable {
    /// One map fitted to all tiles together, so colours compare across tiles.
    case shared
    /// Each tile fitted to its own values (each gets its own scale bar).
    case perTile
    /// A given range for all tiles (diverging uses `max(|lo|, |hi|)`).
    case fixed(lo: Float, hi: Float)
  }

  /// Text at the top.
  public var title: String
  /// The planes, in reading order.
  public var tiles: [Tile]
  /// Gray, inverted gray or diverging.
  public var style: ColorMapStyle
  /// Shared, per-tile or fixed colour range.
  public var range: Range
  /// Each value becomes a `scale × scale` block.
  public var scale: Int
  /// Tiles per row.
  public var columns: Int
  /// Write each value inside its block (when it fits): for small kernels.
  public var printsValues: Bool
  /// Font scale of tile labels; `nil` picks 2 for tiles ≥ 100 px wide, else 1.
  public var textScale: Int?
  /// A value position outlined in every tile it lies in (the output element a lesson
  /// writes out term by term), or `nil`.
  public var marked: GridCell?

  /// A figure of labelled tiles; `columns` defaults to all tiles in one row (at most 8).
  public init(
    title: String, tiles: [Tile], style: ColorMapStyle = .gray, range: Range = .shared,
    scale: Int = 4, columns: Int? = nil, printsValues: Bool = false, textScale: Int? = nil,
    marked: GridCell? = nil
  ) {
    precondition(!tiles.isEmpty, "FeatureMapFigure needs at least one tile")
    precondition(scale >= 1, "scale must be ≥ 1, got \(scale)")
    self.title = title
    self.tiles = tiles
    self.style = style
    self.range = range
    self.scale = scale
    self.columns = max(1, columns ?? min(tiles.count, 8))
    self.printsValues = printsValues
    self.textScale = textScale
    self.marked = marked
  }

  /// The same with tiles given as `(label, plane)` pairs.
  public init(
    title: String, tiles: [(label: String, plane: Tensor)], style: ColorMapStyle = .gray,
    range: Range = .shared, scale: Int = 4, columns: Int? = nil, printsValues: Bool = false,
    textScale: Int? = nil, marked: GridCell? = nil
  ) {
    self.init(
      title: title, tiles: tiles.map { Tile(label: $0.label, plane: $0.plane) }, style: style,
      range: range, scale: scale, columns: columns, printsValues: printsValues, textScale: textScale,
      marked: marked)
  }

  /// How value labels fit their blocks: one text scale for the whole figure, the largest
  /// (2 for blocks of 48 px or more, else 1) at which every label fits inside its block
  /// with a pixel to spare on each side; when even scale 1 is too large for some label,
  /// the blocks grow to fit the widest one. No label is ever left out.
  /// ```
  /// valueLayout(labels: ["0.5", "-0.035"], scale: 64) == (textScale: 1, blockScale: 64)
  /// ```
  public static func valueLayout(labels: [String], scale: Int) -> (textScale: Int, blockScale: Int) {
    let widest = { (textScale: Int) in labels.map { BitmapFont.width(of: $0, scale: textScale) }.max() ?? 0 }
    for textScale in stride(from: scale >= 48 ? 2 : 1, through: 1, by: -1) where widest(textScale) <= scale - 2 {
      return (textScale, scale)
    }
    return (1, widest(1) + 2)
  }

  /// The text written in each block when `printsValues` is set: 2 significant digits.
  public static func valueLabel(_ value: Float) -> String {
    NumberLabel.format(value, significant: 2)
  }

  /// The colour map used for tile `i`.
  public func colorMap(forTile i: Int) -> ColorMap {
    switch range {
    case .shared: return style.fitted(to: tiles.lazy.flatMap { $0.plane.storage })
    case .perTile: return style.fitted(to: tiles[i].plane.storage)
    case .fixed(let lo, let hi): return style.map(lo: lo, hi: hi)
    }
  }

  /// Draws the tiles, labels and scale bar on a white background.
  public func render() -> RasterImage {
    let extents = tiles.map { planeExtent($0.plane) }
    let values =
      printsValues
      ? Self.valueLayout(labels: tiles.flatMap { $0.plane.storage.map(Self.valueLabel) }, scale: self.scale)
      : (textScale: 1, blockScale: self.scale)
    let scale = values.blockScale
    let planeWidth = extents.map { $0.width * scale }.max()!
    let planeHeight = extents.map { $0.height * scale }.max()!
    let labelScale = textScale ?? (planeWidth >= 100 ? 2 : 1)
    let labelHeight = tiles.map { BitmapFont.height(of: $0.label, scale: labelScale) }.max()!
    let labelWidth = tiles.map { BitmapFont.width(of: $0.label, scale: labelScale) }.max()!
    let shared = range == .perTile ? nil : colorMap(forTile: 0)
    let maps = tiles.indices.map { shared ?? colorMap(forTile: $0) }

    // Per-tile bars sit under each plane; a shared bar sits under the grid.
    let tileBars =
      range == .perTile ? maps.map { ScaleBar(colorMap: $0, length: max(planeWidth, 40), thickness: 6) } : []
    let tileBarHeight = tileBars.map { $0.height + 6 }.max() ?? 0
    let cellWidth = max(planeWidth + 2, labelWidth, tileBars.map(\.width).max() ?? 0)
    let cellHeight = labelHeight + FigureStyle.labelGap + planeHeight + 2 + tileBarHeight
    let (gapX, gapY) = (max(16, 6 * labelScale), 14)
    let rows = (tiles.count + columns - 1) / columns
    let usedColumns = min(columns, tiles.count)
    let gridWidth = usedColumns * cellWidth + (usedColumns - 1) * gapX
    let gridHeight = rows * cellHeight + (rows - 1) * gapY
    let sharedBar =
      range == .perTile
      ? nil : ScaleBar(colorMap: maps[0], length: min(max(gridWidth * 3 / 5, 120), 360), textScale: labelScale)
    let barBlock = sharedBar.map { $0.height + 20 } ?? 0
    let contentWidth = max(gridWidth, sharedBar?.width ?? 0)

    var (canvas, left, top) = FigureStyle.titled(
      title, contentWidth: contentWidth, contentHeight: gridHeight + barBlock)
    let gridLeft = left + (contentWidth - gridWidth) / 2
    for (i, tile) in tiles.enumerated() {
      let cellX = gridLeft + (i % columns) * (cellWidth + gapX)
      let cellY = top + (i / columns) * (cellHeight + gapY)
      let center = cellX + cellWidth / 2
      canvas.drawText(tile.label, x: center, y: cellY, scale: labelScale, align: .center)
      let (h, w) = extents[i]
      let planeX = center - w * scale / 2
      let planeY = cellY + labelHeight + FigureStyle.labelGap + 1 + (planeHeight - h * scale) / 2
      canvas.drawPlane(tile.plane, x: planeX, y: planeY, scale: scale, colorMap: maps[i])
      canvas.strokeRect(
        x: planeX - 1, y: planeY - 1, width: w * scale + 2, height: h * scale + 2, color: FigureStyle.frame)
      if printsValues {
        drawValues(
          tile.plane.storage, width: w, height: h, x: planeX, y: planeY, scale: scale, textScale: values.textScale,
          map: maps[i], into: &canvas)
      }
      if let marked, marked.row >= 0, marked.row < h, marked.column >= 0, marked.column < w {
        // A dark frame with a white one inside, visible on every colour of the map.
        let (markX, markY) = (planeX + marked.column * scale, planeY + marked.row * scale)
        canvas.strokeRect(x: markX - 2, y: markY - 2, width: scale + 4, height: scale + 4, color: .black, thickness: 2)
        canvas.strokeRect(x: markX, y: markY, width: scale, height: scale, color: .white)
      }
      if !tileBars.isEmpty {
        let bar = tileBars[i]
        bar.draw(
          into: &canvas, x: center - bar.width / 2, y: cellY + labelHeight + FigureStyle.labelGap + planeHeight + 8)
      }
    }
    if let bar = sharedBar {
      bar.draw(into: &canvas, x: left + (contentWidth - bar.width) / 2, y: top + gridHeight + 20)
    }
    return canvas.image
  }

  /// Writes each value (`valueLabel`) centred in its block at `textScale`, light on dark colours.
  private func drawValues(
    _ values: [Float], width: Int, height: Int, x: Int, y: Int, scale: Int, textScale: Int, map: ColorMap,
    into canvas: inout Canvas
  ) {
    for r in 0..<height {
      for c in 0..<width {
        let value = values[r * width + c]
        let color: RGB = map.color(for: value).luma < 128 ? .white : .ink
        canvas.drawText(
          Self.valueLabel(value), x: x + c * scale + scale / 2,
          y: y + r * scale + (scale - BitmapFont.capHeight * textScale) / 2,
          scale: textScale, color: color, align: .center)
      }
    }
  }
}
