import Foundation

/// The comparison's figures: effective receptive fields, accuracy against cost, and
/// learning curves.
public enum ComparisonFigures {
  /// One heat map per network of the mean |∂y/∂x| over the input, all on one colour
  /// scale, with the theoretical receptive field (orange) and the square holding 90%
  /// of the gradient (blue) outlined.
  public static func effectiveFields(_ results: [VariantResult]) -> any Figure {
    EffectiveFieldFigure(results: results)
  }

  /// Mean test accuracy (the bar spans the seeds' min–max) against log₁₀ multiply-adds.
  /// Networks with equal multiply-adds (standard and dilated, separable and dsdc) are
  /// drawn side by side, 0.015 apart on the axis, so that no bar hides another.
  public static func accuracyVersusCost(_ results: [VariantResult]) -> any Figure {
    var seen: [Int: Int] = [:]
    let series = results.map { r in
      let twin = seen[r.multiplyAdds, default: 0]
      seen[r.multiplyAdds] = twin + 1
      let x = Float(log10(Double(r.multiplyAdds))) + 0.015 * Float(twin)
      return LinePlot.Series(
        name: r.variant.rawValue, x: [x, x, x],
        y: [Float(r.accuracy.min), Float(r.accuracy.mean), Float(r.accuracy.max)])
    }
    return LinePlot(
      title: "Test accuracy against cost (bar: seeds' min-max, middle mark: mean)",
      xLabel: "log10 of multiply-adds per image (equal costs drawn side by side)", yLabel: "test accuracy (%)",
      series: series)
  }

  /// Test accuracy after each epoch (on the curve subset), averaged over seeds.
  public static func curves(_ results: [VariantResult], testImages: Int) -> any Figure {
    let series = results.map { r in
      let epochs = r.curves.map(\.count).min() ?? 0
      let mean = (0..<epochs).map { e in Float(r.curves.reduce(0) { $0 + $1[e] } / Double(r.curves.count)) }
      return LinePlot.Series(name: r.variant.rawValue, values: mean)
    }
    return LinePlot(
      title: "Test accuracy per epoch (\(Format.grouped(testImages)) test images, mean over seeds)",
      xLabel: "epoch", yLabel: "test accuracy (%)", series: series)
  }
}

/// Heat maps of effective receptive fields side by side (see
/// `ComparisonFigures.effectiveFields`).
struct EffectiveFieldFigure: Figure {
  var results: [VariantResult]
  /// Each input pixel becomes a `scale × scale` block.
  var scale = 6

  func render() -> RasterImage {
    let maps = results.map(\.fieldMap)
    let hi = maps.flatMap(\.map.storage).max() ?? 1
    let colorMap = ColorMapStyle.grayInverted.map(lo: 0, hi: Swift.max(hi, 1e-12))
    let (size, gap) = (maps.first.map { $0.map.shape[0] } ?? 28, 18)
    let side = size * scale
    let labelHeight = 2 * BitmapFont.lineHeight + FigureStyle.labelGap
    let bar = ScaleBar(colorMap: colorMap, length: Swift.min(300, side * 2))
    let legend = "seed 0's networks.   orange: theoretical field   blue: square holding 90% of |dy/dx|"
    let width = Swift.max(results.count * side + (results.count - 1) * gap, BitmapFont.width(of: legend) + 1, bar.width)
    let height = labelHeight + side + 12 + BitmapFont.lineHeight + 10 + bar.height
    var (canvas, x0, y0) = FigureStyle.titled(
      "Effective receptive field of the last block's centre output (mean over \(maps.first?.images ?? 0) digits)",
      contentWidth: width, contentHeight: height)
    for (i, (result, field)) in zip(results, maps).enumerated() {
      let x = x0 + i * (side + gap)
      let side90 = field.side()
      canvas.drawText(
        "\(result.variant.rawValue)\nRF \(result.theoreticalField), 90%: \(side90)", x: x + side / 2,
        y: y0, color: .ink, align: .center)
      let top = y0 + labelHeight
      canvas.drawPlane(field.map, x: x, y: top, scale: scale, colorMap: colorMap)
      canvas.strokeRect(x: x - 1, y: top - 1, width: side + 2, height: side + 2, color: FigureStyle.frame)
      func outline(_ rows: ClosedRange<Int>, _ color: RGB) {
        let (a, b) = (Swift.max(rows.lowerBound, 0), Swift.min(rows.upperBound, size - 1))
        guard a <= b else { return }
        canvas.strokeRect(
          x: x + a * scale, y: top + a * scale, width: (b - a + 1) * scale,
          height: (b - a + 1) * scale, color: color, thickness: 2)
      }
      outline(field.theoreticalWindow, .orange)
      outline(field.square(side: side90), .blue)
    }
    let legendY = y0 + labelHeight + side + 12
    canvas.drawText(legend, x: x0, y: legendY, color: .ink)
    bar.draw(into: &canvas, x: x0, y: legendY + BitmapFont.lineHeight + 10)
    return canvas.image
  }
}
