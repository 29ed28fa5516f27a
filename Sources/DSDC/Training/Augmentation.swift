#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Random shifts and small rotations of training images, drawn per image from the
/// run's generator:
/// ```
/// shift     (dr, dc) uniform over the integers −s…s, independently
/// rotation  θ uniform in [−a, a] degrees about the image centre (0 = none, and no draw)
/// out[r, c] = in[ c_y + cos θ·(r − c_y) − sin θ·(c − c_x) + dr,
///                 c_x + sin θ·(r − c_y) + cos θ·(c − c_x) + dc ]
/// ```
/// Pixels that come from outside the image are background (0); rotated images are
/// sampled bilinearly. A pure shift copies pixels exactly, like the PyTorch
/// reference's `random_shift`.
public struct Augmentation: Sendable, Codable, Hashable {
  /// Largest shift in pixels along each axis.
  public var maxShift: Int
  /// Largest rotation in degrees either way.
  public var maxRotationDegrees: Double

  public init(maxShift: Int = 2, maxRotationDegrees: Double = 0) {
    precondition(
      maxShift >= 0 && maxRotationDegrees >= 0,
      "Augmentation needs non-negative limits, got shift \(maxShift), rotation \(maxRotationDegrees)")
    self.maxShift = maxShift
    self.maxRotationDegrees = maxRotationDegrees
  }

  /// One image's random transform.
  public struct Transform: Sendable, Equatable {
    /// Rows and columns the content moves by (`in` is read at `+ shift`).
    public var rowShift: Int, columnShift: Int
    /// Rotation in radians.
    public var angle: Double

    public init(rowShift: Int, columnShift: Int, angle: Double) {
      self.rowShift = rowShift
      self.columnShift = columnShift
      self.angle = angle
    }
  }

  /// Draws one image's transform: row shift, column shift, then the angle (only when
  /// rotation is enabled).
  public func draw(using generator: inout SeededGenerator) -> Transform {
    let span = 2 * maxShift + 1
    let rowShift = generator.uniformInt(below: span) - maxShift
    let columnShift = generator.uniformInt(below: span) - maxShift
    var angle = 0.0
    if maxRotationDegrees > 0 {
      angle = (2 * generator.uniformUnit() - 1) * maxRotationDegrees * Double.pi / 180
    }
    return Transform(rowShift: rowShift, columnShift: columnShift, angle: angle)
  }

  /// One image (`rows × columns` pixels) transformed and normalised, as a
  /// `(1, 1, rows, columns)` tensor — for showing what training sees.
  public static func transformed(
    _ t: Transform, pixels: [UInt8], rows: Int, columns: Int, normalization: Normalization
  ) -> Tensor {
    precondition(pixels.count == rows * columns, "\(pixels.count) pixels for a \(rows)×\(columns) image")
    var image = Tensor(shape: [1, 1, rows, columns])
    let table = normalization.table
    pixels.withUnsafeBufferPointer { p in
      table.withUnsafeBufferPointer { tb in
        image.storage.withUnsafeMutableBufferPointer { out in
          apply(
            t, pixels: p.baseAddress!, rows: rows, columns: columns, table: tb.baseAddress!,
            normalization: normalization, output: out.baseAddress!)
        }
      }
    }
    return image
  }

  /// Writes the transformed, normalised image.
  /// - Parameters:
  ///   - pixels: `rows × columns` source pixels
  ///   - table: the 256 normalised values (`Normalization.table`)
  ///   - normalization: for rotated pixels, which fall between table entries
  ///   - output: `rows × columns` floats
  public static func apply(
    _ t: Transform, pixels: UnsafePointer<UInt8>, rows: Int, columns: Int,
    table: UnsafePointer<Float>, normalization: Normalization, output: UnsafeMutablePointer<Float>
  ) {
    if t.angle == 0 {
      for r in 0..<rows {
        let sr = r + t.rowShift
        for c in 0..<columns {
          let sc = c + t.columnShift
          let inside = sr >= 0 && sr < rows && sc >= 0 && sc < columns
          output[r * columns + c] = table[inside ? Int(pixels[sr * columns + sc]) : 0]
        }
      }
      return
    }
    let (cosine, sine) = (Float(cos(t.angle)), Float(sin(t.angle)))
    let (centreRow, centreColumn) = (Float(rows - 1) / 2, Float(columns - 1) / 2)
    @inline(__always) func pixel(_ r: Int, _ c: Int) -> Float {
      r >= 0 && r < rows && c >= 0 && c < columns ? Float(pixels[r * columns + c]) : 0
    }
    for r in 0..<rows {
      for c in 0..<columns {
        let (y, x) = (Float(r) - centreRow, Float(c) - centreColumn)
        let sr = centreRow + cosine * y - sine * x + Float(t.rowShift)
        let sc = centreColumn + sine * y + cosine * x + Float(t.columnShift)
        let (r0, c0) = (Int(sr.rounded(.down)), Int(sc.rounded(.down)))
        let (fr, fc) = (sr - Float(r0), sc - Float(c0))
        let top = pixel(r0, c0) * (1 - fc) + pixel(r0, c0 + 1) * fc
        let bottom = pixel(r0 + 1, c0) * (1 - fc) + pixel(r0 + 1, c0 + 1) * fc
        let value = top * (1 - fr) + bottom * fr
        output[r * columns + c] = (value / 255 - normalization.mean) / normalization.std
      }
    }
  }
}
