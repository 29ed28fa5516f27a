/// A horizontal colour gradient with tick labels at its minimum, 0 (when inside) and maximum:
/// the key that says which value each colour in a figure stands for.
///
/// ```
/// let bar = ScaleBar(colorMap: .diverging(maxAbs: 1.5), length: 240)
/// bar.draw(into: &canvas, x: 20, y: 300)         // occupies bar.width × bar.height
/// ```
public struct ScaleBar: Sendable {
  /// The map whose range `lo…hi` is drawn from left to right.
  public var colorMap: ColorMap
  /// Length of the gradient in pixels.
  public var length: Int
  /// Height of the gradient in pixels.
  public var thickness: Int
  /// Font scale of the tick labels.
  public var textScale: Int

  /// A bar for `colorMap`, `length` pixels long.
  public init(colorMap: ColorMap, length: Int = 240, thickness: Int = 12, textScale: Int = 1) {
    precondition(length >= 2 && thickness >= 1, "scale bar \(length)×\(thickness) is too small")
    self.colorMap = colorMap
    self.length = length
    self.thickness = thickness
    self.textScale = textScale
  }

  /// The values that get a tick and a label: lo, 0 when strictly inside, hi.
  public var tickValues: [Float] {
    let (lo, hi) = colorMap.range
    if !(hi > lo) { return [lo] }
    return lo < 0 && hi > 0 ? [lo, 0, hi] : [lo, hi]
  }

  /// Horizontal room needed beyond the gradient on each side, for labels centred on the ends.
  public var overhang: Int {
    tickValues.map { BitmapFont.width(of: NumberLabel.format($0), scale: textScale) / 2 + 1 }.max() ?? 0
  }

  /// Total width including label overhang on both sides.
  public var width: Int { length + 2 * overhang }

  /// Total height: gradient, tick marks, labels.
  public var height: Int { thickness + 4 + 2 + BitmapFont.glyphHeight * textScale }

  /// Draws the bar with its bounding box's top-left at `(x, y)` (the gradient starts
  /// `overhang` pixels to the right of `x`).
  public func draw(into canvas: inout Canvas, x: Int, y: Int) {
    let left = x + overhang
    let (lo, hi) = colorMap.range
    for i in 0..<length {
      let t = Float(i) / Float(length - 1)
      let value = lo + t * (hi - lo)
      canvas.fillRect(x: left + i, y: y, width: 1, height: thickness, color: colorMap.color(for: value))
    }
    canvas.strokeRect(x: left - 1, y: y - 1, width: length + 2, height: thickness + 2, color: .mutedInk)
    // Labels in priority order lo, hi, 0; one that would touch an earlier label is left out
    // (its tick mark stays).
    var taken: [ClosedRange<Int>] = []
    for value in tickValues.sorted(by: { priority($0) < priority($1) }) {
      let t = hi > lo ? (value - lo) / (hi - lo) : 0
      let tickX = left + Int((t * Float(length - 1)).rounded())
      canvas.fillRect(x: tickX, y: y + thickness + 1, width: 1, height: 4, color: .mutedInk)
      let text = NumberLabel.format(value)
      let half = BitmapFont.width(of: text, scale: textScale) / 2
      let box = (tickX - half - 3)...(tickX + half + 3)
      guard !taken.contains(where: { $0.overlaps(box) }) else { continue }
      taken.append(box)
      canvas.drawText(text, x: tickX + 1, y: y + thickness + 6, scale: textScale, color: .ink, align: .center)
    }
  }

  /// Ends first, then zero.
  private func priority(_ value: Float) -> Int {
    value == colorMap.range.lo ? 0 : value == colorMap.range.hi ? 1 : 2
  }
}
