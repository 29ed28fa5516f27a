/// An RGB drawing surface, 8 bits per channel, for building figures pixel by pixel.
///
/// Coordinates are pixels, `x` to the right and `y` down from the top-left corner.
/// Everything drawn outside the canvas is clipped silently.
/// ```
/// var canvas = Canvas(width: 200, height: 100)            // white
/// canvas.fillRect(x: 10, y: 10, width: 20, height: 20, color: .blue)
/// canvas.drawText("blur", x: 40, y: 14, scale: 2)
/// try canvas.image.writePNG(to: "Output/x.png")
/// ```
public struct Canvas: Sendable, Equatable {
  /// Columns.
  public let width: Int
  /// Rows.
  public let height: Int
  /// `width · height · 3` bytes, `r g b` per pixel, row-major.
  public private(set) var pixels: [UInt8]

  /// A canvas filled with `background` (white unless given).
  public init(width: Int, height: Int, background: RGB = .white) {
    precondition(width >= 0 && height >= 0, "Canvas size \(width)×\(height) is negative")
    self.width = width
    self.height = height
    self.pixels = [UInt8](repeating: 0, count: width * height * 3)
    fill(background)
  }

  /// A canvas holding a copy of `image` (a gray image becomes RGB).
  public init(_ image: RasterImage) {
    width = image.width
    height = image.height
    pixels = image.rgb().pixels
  }

  /// The canvas as an RGB `RasterImage`, ready for `writePNG(to:)`.
  public var image: RasterImage {
    RasterImage(width: width, height: height, channels: 3, pixels: pixels)
  }

  /// The colour of one pixel, `canvas[x: 3, y: 4]` (reading outside the canvas is a programming error).
  public subscript(x x: Int, y y: Int) -> RGB {
    precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height) canvas")
    let i = (y * width + x) * 3
    return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
  }

  /// Paints one pixel; ignored outside the canvas.
  public mutating func setPixel(x: Int, y: Int, _ color: RGB) {
    guard x >= 0 && x < width && y >= 0 && y < height else { return }
    let i = (y * width + x) * 3
    pixels[i] = color.r
    pixels[i + 1] = color.g
    pixels[i + 2] = color.b
  }

  /// Paints the whole canvas one colour.
  public mutating func fill(_ color: RGB) {
    fillRect(x: 0, y: 0, width: width, height: height, color: color)
  }

  /// Fills the rectangle with top-left `(x, y)` and the given size, clipped to the canvas.
  /// With `opacity < 1` the colour is mixed over what is there: `(1 − a)·old + a·color`.
  public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, color: RGB, opacity: Float = 1) {
    let (x0, x1) = (max(x, 0), min(x + w, width))
    let (y0, y1) = (max(y, 0), min(y + h, height))
    guard x0 < x1 && y0 < y1 else { return }
    for row in y0..<y1 {
      for col in x0..<x1 {
        if opacity >= 1 {
          setPixel(x: col, y: row, color)
        } else {
          setPixel(x: col, y: row, self[x: col, y: row].mixed(with: color, opacity))
        }
      }
    }
  }

  /// Outlines a rectangle with lines `thickness` pixels wide drawn inside its bounds.
  public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, color: RGB, thickness: Int = 1) {
    let t = min(thickness, w, h)
    guard t > 0 else { return }
    fillRect(x: x, y: y, width: w, height: t, color: color)
    fillRect(x: x, y: y + h - t, width: w, height: t, color: color)
    fillRect(x: x, y: y, width: t, height: h, color: color)
    fillRect(x: x + w - t, y: y, width: t, height: h, color: color)
  }

  /// Draws a straight line from `(x0, y0)` to `(x1, y1)`, both ends included (Bresenham);
  /// with `thickness > 1` every point is a `thickness × thickness` square centred on the line.
  public mutating func drawLine(x0: Int, y0: Int, x1: Int, y1: Int, color: RGB, thickness: Int = 1) {
    let (dx, dy) = (abs(x1 - x0), -abs(y1 - y0))
    let (sx, sy) = (x0 < x1 ? 1 : -1, y0 < y1 ? 1 : -1)
    var (x, y, error) = (x0, y0, dx + dy)
    let half = (thickness - 1) / 2
    while true {
      if thickness <= 1 {
        setPixel(x: x, y: y, color)
      } else {
        fillRect(x: x - half, y: y - half, width: thickness, height: thickness, color: color)
      }
      if x == x1 && y == y1 { break }
      let e2 = 2 * error
      if e2 >= dy {
        error += dy
        x += sx
      }
      if e2 <= dx {
        error += dx
        y += sy
      }
    }
  }

  /// Copies `image` with its top-left corner at `(x, y)` (a gray image is drawn as gray RGB).
  public mutating func draw(_ image: RasterImage, x: Int, y: Int) {
    for row in 0..<image.height where y + row >= 0 && y + row < height {
      for col in 0..<image.width where x + col >= 0 && x + col < width {
        setPixel(x: x + col, y: y + row, image.color(x: col, y: row))
      }
    }
  }

  /// Draws a 2-D float plane through `colorMap`, each value as a `scale × scale` block,
  /// top-left at `(x, y)`: `values[r·width + c]` fills the block at column `c`, row `r`.
  public mutating func drawPlane(
    _ values: [Float], width w: Int, height h: Int, x: Int, y: Int, scale: Int = 1, colorMap: ColorMap
  ) {
    precondition(values.count == w * h, "plane \(w)×\(h) needs \(w * h) values, got \(values.count)")
    precondition(scale >= 1, "scale must be ≥ 1, got \(scale)")
    for r in 0..<h {
      for c in 0..<w {
        fillRect(
          x: x + c * scale, y: y + r * scale, width: scale, height: scale,
          color: colorMap.color(for: values[r * w + c]))
      }
    }
  }

  /// Draws a plane tensor — `(H, W)` or `(1, …, 1, H, W)` — through `colorMap` at `scale`.
  public mutating func drawPlane(_ plane: Tensor, x: Int, y: Int, scale: Int = 1, colorMap: ColorMap) {
    let (h, w) = planeExtent(plane)
    drawPlane(plane.storage, width: w, height: h, x: x, y: y, scale: scale, colorMap: colorMap)
  }

  /// The canvas enlarged by an integer factor, each pixel a `factor × factor` block.
  public func upscaled(by factor: Int) -> Canvas {
    Canvas(image.upscaled(by: factor))
  }
}
