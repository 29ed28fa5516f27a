import Foundation

/// Text pictures of images and feature maps for the terminal.
public enum TerminalPreview {
  /// Ten shades from background to ink.
  public static let shades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

  /// Each value of a rank-2 tensor as a right-aligned number, one row per line.
  /// ```
  ///   0   0  84 185 159 ...
  /// ```
  /// With `columns`, only those columns are shown.
  public static func valueGrid(
    _ plane: Tensor, width: Int = 3, decimals: Int = 0, columns: ClosedRange<Int>? = nil
  ) -> [String] {
    precondition(plane.rank == 2, "valueGrid needs an H×W tensor, got \(plane.shape)")
    let (h, w) = (plane.shape[0], plane.shape[1])
    let shown = columns ?? 0...(w - 1)
    precondition(shown.lowerBound >= 0 && shown.upperBound < w, "columns \(shown) of a plane \(w) wide")
    return (0..<h).map { i in
      shown.map { j in pad(format(plane.storage[i * w + j], decimals: decimals), width) }.joined(separator: " ")
    }
  }

  /// An image's values where it has ink: the grid of `valueGrid` for the columns from
  /// the first to the last that hold anything but 0, and a caption saying which:
  /// `columns 5…24 (from 0; the others are all 0)`, or `all 28 columns`.
  public static func inkValueGrid(_ plane: Tensor) -> (caption: String, lines: [String]) {
    precondition(plane.rank == 2, "inkValueGrid needs an H×W tensor, got \(plane.shape)")
    let (h, w) = (plane.shape[0], plane.shape[1])
    let ink = (0..<w).filter { j in (0..<h).contains { plane.storage[$0 * w + j] != 0 } }
    guard let first = ink.first, let last = ink.last, first > 0 || last < w - 1 else {
      return ("all \(w) columns", valueGrid(plane))
    }
    return ("columns \(first)…\(last) (from 0; the others are all 0)", valueGrid(plane, columns: first...last))
  }

  /// Each value as one shade character between the plane's min and max
  /// (two characters per pixel, so the picture keeps its aspect ratio).
  public static func shaded(_ plane: Tensor, range: (min: Float, max: Float)? = nil) -> [String] {
    precondition(plane.rank == 2, "shaded needs an H×W tensor, got \(plane.shape)")
    let (h, w) = (plane.shape[0], plane.shape[1])
    let (lo, hi) = range ?? plane.range
    let span = hi > lo ? hi - lo : 1
    return (0..<h).map { i in
      String(
        (0..<w).flatMap { j -> [Character] in
          let t = (plane.storage[i * w + j] - lo) / span
          let level = Int((max(0, min(1, t)) * Float(shades.count - 1)).rounded())
          return [shades[level], shades[level]]
        })
    }
  }

  /// A signed plane with `-` for negative and shades for the magnitude: `+` strong positive.
  public static func signed(_ plane: Tensor) -> [String] {
    precondition(plane.rank == 2, "signed needs an H×W tensor, got \(plane.shape)")
    let (h, w) = (plane.shape[0], plane.shape[1])
    let peak = max(abs(plane.range.min), abs(plane.range.max), 1e-12)
    let positive: [Character] = [" ", ".", "+", "#"]
    let negative: [Character] = [" ", ",", "-", "="]
    return (0..<h).map { i in
      String(
        (0..<w).flatMap { j -> [Character] in
          let v = plane.storage[i * w + j] / peak
          let level = Int((abs(v) * 3).rounded())
          let c = v >= 0 ? positive[level] : negative[level]
          return [c, c]
        })
    }
  }

  /// A number in fixed-point notation with `decimals` digits after the point.
  public static func format(_ value: Float, decimals: Int) -> String {
    String(format: "%.\(decimals)f", Double(value))
  }

  private static func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
  }
}
