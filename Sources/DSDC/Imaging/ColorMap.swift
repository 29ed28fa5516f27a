/// A rule turning a float into a colour: a gray ramp or a diverging blue–white–red map.
///
/// ```
/// let gray = ColorMap.gray(lo: 0, hi: 1)             // 0 → black, 1 → white
/// let ink = ColorMap.gray(lo: 0, hi: 1, inverted: true) // 0 → white paper, 1 → black ink
/// let signed = ColorMap.diverging(maxAbs: 2)         // −2 → blue, 0 → white, +2 → red
/// signed.color(for: 0)                               // rgb(255, 255, 255)
/// ```
/// NaN is drawn magenta `(255, 0, 255)` by every map so it cannot pass unnoticed.
public enum ColorMap: Sendable, Equatable {
  /// Gray ramp: `level = round(255 · (v − lo) / (hi − lo))`, clamped to 0…255, drawn
  /// `(level, level, level)`; `inverted` draws `255 − level` (white background, dark ink).
  /// When `hi ≤ lo` every value gets the `lo` end.
  case gray(lo: Float, hi: Float, inverted: Bool = false)
  /// Diverging map symmetric around 0 for values in `−maxAbs…maxAbs`:
  /// ```
  /// t = clamp(v / maxAbs, −1, 1)
  /// v < 0:  white + |t| · (negativeEnd − white)    −maxAbs → rgb(25, 70, 220)
  /// v = 0:  rgb(255, 255, 255) exactly
  /// v > 0:  white + t · (positiveEnd − white)      +maxAbs → rgb(220, 30, 30)
  /// ```
  /// per component, rounded. When `maxAbs ≤ 0` every value draws white.
  case diverging(maxAbs: Float)

  /// The blue drawn at `−maxAbs` by `.diverging`: `rgb(25, 70, 220)`.
  public static let negativeEnd = RGB(25, 70, 220)
  /// The red drawn at `+maxAbs` by `.diverging`: `rgb(220, 30, 30)`.
  public static let positiveEnd = RGB(220, 30, 30)
  /// The colour drawn for NaN: magenta `rgb(255, 0, 255)`.
  public static let notANumber = RGB(255, 0, 255)

  /// The colour of one value.
  public func color(for value: Float) -> RGB {
    if value.isNaN { return ColorMap.notANumber }
    switch self {
    case .gray(let lo, let hi, let inverted):
      let t = hi > lo ? (value - lo) / (hi - lo) : 0
      let level = UInt8((255 * min(max(t, 0), 1)).rounded())
      return RGB(gray: inverted ? 255 - level : level)
    case .diverging(let maxAbs):
      guard maxAbs > 0 else { return .white }
      let t = min(max(value / maxAbs, -1), 1)
      return t < 0
        ? RGB.white.mixed(with: ColorMap.negativeEnd, -t)
        : RGB.white.mixed(with: ColorMap.positiveEnd, t)
    }
  }

  /// The values at the two ends of the map: `(lo, hi)` or `(−maxAbs, maxAbs)`.
  public var range: (lo: Float, hi: Float) {
    switch self {
    case .gray(let lo, let hi, _): return (lo, hi)
    case .diverging(let maxAbs): return (-maxAbs, maxAbs)
    }
  }
}

/// Which kind of colour map a figure should fit to its data.
///
/// ```
/// let map = ColorMapStyle.diverging.fitted(to: kernel.storage)   // maxAbs = max |w|
/// ```
public enum ColorMapStyle: Sendable, Equatable {
  /// Gray ramp from the smallest value (black) to the largest (white), like MNIST shown raw.
  case gray
  /// Gray ramp from the smallest value (white) to the largest (black): dark ink on paper.
  case grayInverted
  /// Blue–white–red, symmetric around 0 with `maxAbs` = the largest |value|: for kernels,
  /// weights and gradients, whose sign matters.
  case diverging

  /// The map of this style whose range just covers `values` (`(0, 1)`-wide fallbacks for
  /// empty or constant data: a constant `c` maps to the low end, or white when diverging 0).
  public func fitted<S: Sequence>(to values: S) -> ColorMap where S.Element == Float {
    var lo = Float.infinity
    var hi = -Float.infinity
    for v in values where v.isFinite {
      lo = min(lo, v)
      hi = max(hi, v)
    }
    if lo > hi { (lo, hi) = (0, 1) }
    return map(lo: lo, hi: hi)
  }

  /// The map of this style covering `lo…hi` (diverging uses `maxAbs = max(|lo|, |hi|)`).
  public func map(lo: Float, hi: Float) -> ColorMap {
    switch self {
    case .gray: return .gray(lo: lo, hi: hi)
    case .grayInverted: return .gray(lo: lo, hi: hi, inverted: true)
    case .diverging: return .diverging(maxAbs: max(abs(lo), abs(hi)))
    }
  }
}
