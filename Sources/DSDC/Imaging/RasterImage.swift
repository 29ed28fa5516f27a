/// An 8-bit image in memory, grayscale (1 channel) or RGB (3 channels), rows top to bottom.
///
/// The pixel at column `x`, row `y` occupies
/// ```
/// pixels[(y·width + x)·channels + channel]
/// ```
/// This is what PNG files are read into and written from (`PNGFile`), and what
/// `Canvas` and every figure produce.
public struct RasterImage: Sendable, Equatable {
  /// Columns.
  public let width: Int
  /// Rows.
  public let height: Int
  /// 1 (gray) or 3 (RGB, interleaved `r g b r g b …`).
  public let channels: Int
  /// `width · height · channels` bytes, row-major, channels interleaved.
  public var pixels: [UInt8] {
    didSet {
      precondition(
        pixels.count == width * height * channels,
        "RasterImage \(width)×\(height)×\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
    }
  }

  /// An image holding `pixels` (`width · height · channels` bytes, row-major).
  public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
    precondition(width >= 0 && height >= 0, "RasterImage size \(width)×\(height) is negative")
    precondition(channels == 1 || channels == 3, "RasterImage channels must be 1 or 3, got \(channels)")
    precondition(
      pixels.count == width * height * channels,
      "RasterImage \(width)×\(height)×\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// An image with every byte set to `value` (0 = black, 255 = white).
  public init(width: Int, height: Int, channels: Int, repeating value: UInt8 = 0) {
    self.init(
      width: width, height: height, channels: channels,
      pixels: [UInt8](repeating: value, count: max(width, 0) * max(height, 0) * channels))
  }

  /// An RGB image of a 2-D float plane, each value coloured by `colorMap`.
  ///
  /// `plane` is a rank-2 tensor `(H, W)` or any tensor whose leading dimensions are all 1
  /// (`(1, 1, H, W)`); take one channel of a batch with `x.plane(n:c:)`.
  public init(plane: Tensor, colorMap: ColorMap) {
    let (h, w) = planeExtent(plane)
    var canvas = Canvas(width: w, height: h)
    canvas.drawPlane(plane.storage, width: w, height: h, x: 0, y: 0, scale: 1, colorMap: colorMap)
    self = canvas.image
  }

  /// One byte: column `x`, row `y`, channel 0…`channels − 1`.
  public subscript(x x: Int, y y: Int, channel channel: Int = 0) -> UInt8 {
    get { pixels[index(x, y, channel)] }
    set { pixels[index(x, y, channel)] = newValue }
  }

  /// The colour at column `x`, row `y` (a gray pixel `v` is `RGB(v, v, v)`).
  public func color(x: Int, y: Int) -> RGB {
    if channels == 1 { return RGB(gray: self[x: x, y: y]) }
    let i = index(x, y, 0)
    return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
  }

  /// The same picture with 3 channels (gray `v` becomes `(v, v, v)`; RGB is returned as is).
  public func rgb() -> RasterImage {
    if channels == 3 { return self }
    var out = [UInt8](repeating: 0, count: pixels.count * 3)
    for (i, v) in pixels.enumerated() {
      out[3 * i] = v
      out[3 * i + 1] = v
      out[3 * i + 2] = v
    }
    return RasterImage(width: width, height: height, channels: 3, pixels: out)
  }

  /// Nearest-neighbour enlargement: every pixel becomes a `factor × factor` block.
  /// ```
  /// out[y, x] = in[⌊y / factor⌋, ⌊x / factor⌋]
  /// ```
  public func upscaled(by factor: Int) -> RasterImage {
    precondition(factor >= 1, "upscale factor must be ≥ 1, got \(factor)")
    if factor == 1 { return self }
    let (w, h, c) = (width * factor, height * factor, channels)
    var out = [UInt8](repeating: 0, count: w * h * c)
    for y in 0..<h {
      let source = (y / factor) * width
      for x in 0..<w {
        let from = (source + x / factor) * c
        let to = (y * w + x) * c
        for k in 0..<c { out[to + k] = pixels[from + k] }
      }
    }
    return RasterImage(width: w, height: h, channels: c, pixels: out)
  }

  /// The picture turned a quarter turn counter-clockwise (for vertical axis titles):
  /// the top row becomes the left column, read bottom to top.
  public func rotatedCounterClockwise() -> RasterImage {
    let c = channels
    var out = [UInt8](repeating: 0, count: pixels.count)
    // out is height wide and width tall: out[x' = y, y' = width − 1 − x] = in[x, y]
    for y in 0..<height {
      for x in 0..<width {
        let from = (y * width + x) * c
        let to = ((width - 1 - x) * height + y) * c
        for k in 0..<c { out[to + k] = pixels[from + k] }
      }
    }
    return RasterImage(width: height, height: width, channels: c, pixels: out)
  }

  @inline(__always)
  private func index(_ x: Int, _ y: Int, _ channel: Int) -> Int {
    precondition(
      x >= 0 && x < width && y >= 0 && y < height && channel >= 0 && channel < channels,
      "pixel (x \(x), y \(y), channel \(channel)) is outside a \(width)×\(height)×\(channels) image")
    return (y * width + x) * channels + channel
  }
}

/// `(H, W)` of a tensor used as one 2-D plane: rank 2, or higher rank with leading extents 1.
func planeExtent(_ plane: Tensor) -> (height: Int, width: Int) {
  precondition(
    plane.rank >= 2 && plane.shape.dropLast(2).allSatisfy { $0 == 1 },
    "a 2-D plane must have shape (H, W) or (1, …, 1, H, W), got \(plane.shape); use x.plane(n:c:)")
  return (plane.shape[plane.rank - 2], plane.shape[plane.rank - 1])
}
