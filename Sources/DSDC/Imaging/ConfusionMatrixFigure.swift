/// A 10 × 10 (or any K × K) confusion matrix as a heat map with the count in every cell,
/// class labels along both axes, per-class recall on the right and overall accuracy under the title.
///
/// ```
/// // counts[t][p] = test images of true class t predicted as p
/// try ConfusionMatrixFigure(title: "Test set after 3 epochs", counts: counts)
///   .writePNG(to: "Output/train/confusion.png")
/// ```
/// Colours: the diagonal (correct) is white → blue by count relative to the largest diagonal
/// count; off-diagonal cells (errors) are white → red relative to the largest error count,
/// starting at 15 % so a single error is visible; zero errors stay white with a gray "0".
public struct ConfusionMatrixFigure: Figure {
  /// Text at the top.
  public var title: String
  /// `counts[t][p]`: how many examples of true class `t` were predicted as `p`; square.
  public var counts: [[Int]]
  /// Names of the classes, in index order (default "0" … "9").
  public var classLabels: [String]
  /// Side of one cell in pixels.
  public var cellSize: Int

  /// A confusion matrix of `counts` (rows: true class, columns: predicted class).
  public init(title: String, counts: [[Int]], classLabels: [String]? = nil, cellSize: Int = 48) {
    let k = counts.count
    precondition(k > 0 && counts.allSatisfy { $0.count == k }, "confusion counts must be a non-empty square matrix")
    precondition(counts.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "confusion counts must be ≥ 0")
    let labels = classLabels ?? (0..<k).map(String.init)
    precondition(labels.count == k, "\(labels.count) class labels for a \(k)×\(k) matrix")
    precondition(cellSize >= 24, "cellSize must be ≥ 24, got \(cellSize)")
    self.title = title
    self.counts = counts
    self.classLabels = labels
    self.cellSize = cellSize
  }

  /// Correct predictions over all predictions (0 when there are none).
  public var accuracy: Float {
    let total = counts.joined().reduce(0, +)
    let correct = counts.indices.map { counts[$0][$0] }.reduce(0, +)
    return total == 0 ? 0 : Float(correct) / Float(total)
  }

  /// Draws the matrix on a white background.
  public func render() -> RasterImage {
    let k = counts.count
    let c = cellSize
    let total = counts.joined().reduce(0, +)
    let correct = counts.indices.map { counts[$0][$0] }.reduce(0, +)
    let maxDiagonal = max(counts.indices.map { counts[$0][$0] }.max() ?? 0, 1)
    let maxError = max(
      counts.indices.flatMap { t in counts.indices.filter { $0 != t }.map { counts[t][$0] } }.max() ?? 0, 1)
    let countText = counts.joined().map(String.init)
    let countScale = countText.allSatisfy { BitmapFont.width(of: $0, scale: 2) <= c - 6 } ? 2 : 1
    let labelScale = 2
    let lineHeight = BitmapFont.glyphHeight * labelScale

    let subtitle = "accuracy \(NumberLabel.format(100 * accuracy, significant: 4))% (\(correct) of \(total))"
    let recallText = counts.indices.map { t -> String in
      let row = counts[t].reduce(0, +)
      return row == 0 ? "-" : NumberLabel.format(100 * Float(counts[t][t]) / Float(row), significant: 3) + "%"
    }
    let rowLabelWidth = classLabels.map { BitmapFont.width(of: $0, scale: labelScale) }.max()! + 10
    let recallWidth = max((recallText.map { BitmapFont.width(of: $0) }.max() ?? 0), BitmapFont.width(of: "recall")) + 12
    let axisTitle = lineHeight + 12
    let top = BitmapFont.height(of: subtitle) + 12 + axisTitle + lineHeight + 8
    let contentWidth = axisTitle + rowLabelWidth + k * c + recallWidth
    let contentHeight = top + k * c + 1

    var (canvas, x0, y0) = FigureStyle.titled(title, contentWidth: contentWidth, contentHeight: contentHeight)
    let gridX = x0 + axisTitle + rowLabelWidth
    let gridY = y0 + top
    canvas.drawText(subtitle, x: gridX + k * c / 2, y: y0, color: .mutedInk, align: .center)
    canvas.drawText(
      "predicted", x: gridX + k * c / 2, y: gridY - lineHeight - 8 - axisTitle, scale: labelScale, align: .center)
    let trueWidth = BitmapFont.width(of: "true", scale: labelScale)
    canvas.drawVerticalText("true", x: x0, y: gridY + (k * c - trueWidth) / 2, scale: labelScale)
    canvas.drawText("recall", x: gridX + k * c + 8, y: gridY - BitmapFont.glyphHeight - 4, color: .mutedInk)

    for i in 0..<k {
      canvas.drawText(
        classLabels[i], x: gridX + i * c + c / 2 + 1, y: gridY - lineHeight - 6, scale: labelScale, align: .center)
      canvas.drawText(
        classLabels[i], x: gridX - 10, y: gridY + i * c + (c - BitmapFont.capHeight * labelScale) / 2,
        scale: labelScale, align: .right)
      canvas.drawText(
        recallText[i], x: gridX + k * c + 8, y: gridY + i * c + (c - BitmapFont.capHeight) / 2, color: .mutedInk)
    }
    for t in 0..<k {
      for p in 0..<k {
        let n = counts[t][p]
        let fill: RGB
        if t == p {
          fill = RGB.white.mixed(with: RGB(8, 69, 148), Float(n) / Float(maxDiagonal))
        } else {
          fill = n == 0 ? .white : RGB.white.mixed(with: RGB(180, 20, 30), 0.15 + 0.85 * Float(n) / Float(maxError))
        }
        let (x, y) = (gridX + p * c, gridY + t * c)
        canvas.fillRect(x: x, y: y, width: c, height: c, color: fill)
        let ink: RGB = n == 0 ? RGB(gray: 185) : (fill.luma < 140 ? .white : .ink)
        canvas.drawText(
          String(n), x: x + c / 2 + 1, y: y + (c - BitmapFont.capHeight * countScale) / 2, scale: countScale,
          color: ink, align: .center)
      }
    }
    for i in 0...k {
      canvas.fillRect(x: gridX + i * c, y: gridY, width: 1, height: k * c + 1, color: RGB(gray: 200))
      canvas.fillRect(x: gridX, y: gridY + i * c, width: k * c + 1, height: 1, color: RGB(gray: 200))
    }
    canvas.strokeRect(x: gridX, y: gridY, width: k * c + 1, height: k * c + 1, color: .mutedInk)
    return canvas.image
  }
}
