/// One 8-bit sRGB colour, the unit every drawing call in `Imaging/` paints with.
///
/// ```
/// let ink = RGB(33, 33, 33)
/// canvas.fillRect(x: 0, y: 0, width: 4, height: 4, color: .white)
/// ```
public struct RGB: Sendable, Hashable, CustomStringConvertible {
  /// Red, 0…255.
  public var r: UInt8
  /// Green, 0…255.
  public var g: UInt8
  /// Blue, 0…255.
  public var b: UInt8

  /// A colour from its three 8-bit components.
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// A gray of the given level (0 black … 255 white).
  public init(gray level: UInt8) {
    self.init(level, level, level)
  }

  /// `rgb(r, g, b)`.
  public var description: String { "rgb(\(r), \(g), \(b))" }

  /// The straight-line mix `(1 − t)·self + t·other` per component, rounded; `t` is clamped to 0…1.
  public func mixed(with other: RGB, _ t: Float) -> RGB {
    let t = t.isNaN ? 0 : min(max(t, 0), 1)
    func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
      UInt8((Float(a) + t * (Float(b) - Float(a))).rounded())
    }
    return RGB(mix(r, other.r), mix(g, other.g), mix(b, other.b))
  }

  /// Rec. 709 luma of the 8-bit components, `0.2126 R + 0.7152 G + 0.0722 B`, in 0…255;
  /// used to choose dark or light text on a coloured cell.
  public var luma: Float { 0.2126 * Float(r) + 0.7152 * Float(g) + 0.0722 * Float(b) }

  /// Black `(0, 0, 0)`.
  public static let black = RGB(0, 0, 0)
  /// White `(255, 255, 255)`.
  public static let white = RGB(255, 255, 255)
  /// The text colour of every figure, near-black `(33, 33, 33)`.
  public static let ink = RGB(33, 33, 33)
  /// Secondary text and axes, `(110, 110, 110)`.
  public static let mutedInk = RGB(110, 110, 110)
  /// Light grid lines and frames, `(215, 215, 215)`.
  public static let gridLine = RGB(215, 215, 215)
  /// Highlight red `(214, 39, 40)`.
  public static let red = RGB(214, 39, 40)
  /// Highlight blue `(31, 119, 180)`.
  public static let blue = RGB(31, 119, 180)
  /// Highlight orange `(255, 127, 14)`.
  public static let orange = RGB(255, 127, 14)
  /// Highlight green `(44, 160, 44)`.
  public static let green = RGB(44, 160, 44)
  /// Highlight purple `(148, 103, 189)`.
  public static let purple = RGB(148, 103, 189)

  /// Distinct colours for plot series and highlights, in the order they are handed out.
  public static let palette: [RGB] = [
    .blue, .orange, .green, .red, .purple,
    RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207),
  ]
}
