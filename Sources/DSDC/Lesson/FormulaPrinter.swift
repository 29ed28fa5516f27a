import Foundation

/// One output element's sum written out term by term, and the sum itself.
public struct FilledInFormula: Sendable {
  /// The printed lines: one per input channel and kernel row, then the total.
  public var lines: [String]
  /// `bias + Σ weight·input`, added in the order of the terms (the reference loop's order).
  public var sum: Float
}

/// Printing the article's formulas with real numbers in them: every term of one
/// output element, the check against the fast convolution, errata, and small
/// grids of numbers side by side.
public enum FormulaPrinter {
  /// The largest difference the lessons accept between the written-out sum and
  /// the fast convolution's value: float rounding, summed in a different order.
  public static let tolerance: Float = 1e-5

  /// Every term `weight·input` of one output element, one line per input channel
  /// and kernel row, each line ending in its partial sum:
  /// ```
  /// c=0  row 11, cols 7 8 9:   (-1)·0.0000 + 0·0.5490 + 1·0.9922   =  0.9922
  /// ```
  /// A 1×1 kernel puts all channels on one line. Taps in the zero padding are
  /// marked `*` in the row/column list and read 0.
  /// - Parameters:
  ///   - terms: from `ReferenceConvolution.terms`, in its order (channel, kernel row, column).
  ///   - bias: the output channel's bias, if the convolution has one.
  ///   - result: how to name the output element, e.g. `out[0,0,12,8]`.
  public static func writtenOut(_ terms: [ReferenceConvolution.Term], bias: Float? = nil, result: String)
    -> FilledInFormula
  {
    var sum = bias ?? 0
    for t in terms { sum += t.input * t.weight }

    // Group the terms into printed lines: one per (channel, kernel row), or one
    // line for all channels when the kernel is 1×1.
    let pointwise = terms.allSatisfy { $0.u == 0 && $0.v == 0 } && Set(terms.map(\.channel)).count == terms.count
    var groups: [[ReferenceConvolution.Term]] = []
    for t in terms {
      if let last = groups.last?.last, pointwise || (last.channel == t.channel && last.u == t.u) {
        groups[groups.count - 1].append(t)
      } else {
        groups.append([t])
      }
    }
    // A row (column) lies in the zero padding when every tap in it does.
    let paddingRows = Set(terms.map(\.row)).filter { r in terms.allSatisfy { $0.row != r || $0.inPadding } }
    let paddingColumns = Set(terms.map(\.column)).filter { c in terms.allSatisfy { $0.column != c || $0.inPadding } }
    // Each term is `weight·input`; terms line up in columns across lines.
    let factors = groups.map { $0.map { factor($0.weight, decimals: 4) + "·" + factor($0.input, decimals: 4) } }
    let termWidths = (0..<(factors.map(\.count).max() ?? 0)).map { k in
      factors.map { k < $0.count ? $0[k].count : 0 }.max() ?? 0
    }
    var rows: [(label: String, product: String, partial: Float)] = []
    var previousChannel = -1
    for (group, products) in zip(groups, factors) {
      let first = group[0]
      let label: String
      if pointwise {
        label =
          "channels \(group.map { String($0.channel) }.joined(separator: " ")) at row \(first.row), col \(first.column):"
      } else {
        let columns = group.map { String($0.column) + (paddingColumns.contains($0.column) ? "*" : "") }
        let rowMark = paddingRows.contains(first.row) ? "*" : ""
        let channel = first.channel == previousChannel ? "" : "c=\(first.channel)"
        label = pad(channel, 4, right: false) + " row \(first.row)\(rowMark), cols \(columns.joined(separator: " ")):"
      }
      previousChannel = first.channel
      var partial: Float = 0
      for t in group { partial += t.input * t.weight }
      let product = zip(products, termWidths).map { pad($0, $1, right: false) }.joined(separator: " + ")
      rows.append((label, product, partial))
    }

    let labelWidth = rows.map(\.label.count).max() ?? 0
    let productWidth = rows.map(\.product.count).max() ?? 0
    var lines = [
      "\(result) = Σ weight·input, term by term (from 0; "
        + (pointwise ? "one pixel, all channels on one line):" : "a line per channel c and kernel row):")
    ]
    var channelTotal: Float = 0
    for (index, row) in rows.enumerated() {
      lines.append(
        pad(row.label, labelWidth, right: false) + "   " + pad(row.product, productWidth, right: false)
          + "   = " + aligned(row.partial))
      channelTotal += row.partial
      let nextStartsChannel = index + 1 == rows.count || groups[index + 1][0].channel != groups[index][0].channel
      let channels = Set(terms.map(\.channel)).count
      if !pointwise && channels > 1 && nextStartsChannel {
        let text = "channel \(groups[index][0].channel) in all"
        lines.append(
          String(repeating: " ", count: labelWidth + 3 + productWidth - text.count) + text + "   = "
            + aligned(channelTotal))
        channelTotal = 0
      }
    }
    if let bias {
      let text = "+ bias"
      lines.append(
        String(repeating: " ", count: labelWidth + 3 + productWidth - text.count) + text + "   = " + aligned(bias))
    }
    if terms.contains(where: \.inPadding) {
      lines.append("(* outside the image: the zero padding, read as 0)")
    }
    let total = "\(result) = sum of \(terms.count) terms" + (bias == nil ? "" : " + bias")
    lines.append(pad(total, labelWidth + 3 + productWidth, right: true) + "   = " + aligned(sum))
    return FilledInFormula(lines: lines, sum: sum)
  }

  /// Whether the written-out sum agrees with the fast convolution's value, and the
  /// claim a lesson checks, e.g.
  /// `written-out sum 3.9686 = Convolution.forward's out[0,0,12,8] 3.9686  (|Δ| = 2.4e-07 ≤ 1e-5)`.
  public static func agreement(sum: Float, fast: Float, at element: String) -> (holds: Bool, claim: String) {
    let delta = abs(sum - fast)
    let holds = delta <= tolerance
    let claim =
      "written-out sum \(Format.fixed(sum)) \(holds ? "=" : "≠") Convolution.forward's \(element) "
      + "\(Format.fixed(fast))  (|Δ| = \(scientific(delta)) \(holds ? "≤" : ">") \(scientific(tolerance)))"
    return (holds, claim)
  }

  /// A correction to the article, marked so it cannot be missed:
  /// ```
  /// ERRATUM (article §3.1): headline
  ///     article:   …
  ///     corrected: …
  ///     why: …
  /// ```
  public static func erratum(
    section: String, _ headline: String, article: [String], corrected: [String],
    why: [String]
  ) -> [String] {
    var lines = ["ERRATUM (article \(section)): \(headline)"]
    for (index, line) in article.enumerated() {
      lines.append((index == 0 ? "    article:   " : "               ") + line)
    }
    for (index, line) in corrected.enumerated() {
      lines.append((index == 0 ? "    corrected: " : "               ") + line)
    }
    for (index, line) in why.enumerated() { lines.append((index == 0 ? "    why:       " : "               ") + line) }
    return lines
  }

  /// Blocks of lines printed next to each other under their titles, e.g. four 3×3 kernels.
  public static func sideBySide(_ blocks: [[String]], titles: [String], gap: Int = 4) -> [String] {
    precondition(blocks.count == titles.count, "\(blocks.count) blocks but \(titles.count) titles")
    let widths = zip(blocks, titles).map { block, title in max(title.count, block.map(\.count).max() ?? 0) }
    let height = blocks.map(\.count).max() ?? 0
    let spacer = String(repeating: " ", count: gap)
    var lines = [zip(titles, widths).map { pad($0, $1, right: false) }.joined(separator: spacer)]
    for row in 0..<height {
      lines.append(
        zip(blocks, widths).map { block, width in pad(row < block.count ? block[row] : "", width, right: false) }
          .joined(separator: spacer))
    }
    return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
  }

  /// A square patch of a plane with chosen cells marked: the pixels one output
  /// reads. Three characters per pixel: the ink shade (`TerminalPreview.shades`),
  /// in brackets where a tap lands, `( )` around the output's own position.
  /// ```
  ///  .  [@] @   @  [#]
  /// ```
  public static func tapGrid(
    _ plane: Tensor, taps: Set<[Int]>, centre: [Int], rows: ClosedRange<Int>,
    columns: ClosedRange<Int>, range: (min: Float, max: Float)
  ) -> [String] {
    precondition(plane.rank == 2, "tapGrid needs an H×W plane, got \(plane.shape)")
    let (height, width) = (plane.shape[0], plane.shape[1])
    let span = range.max > range.min ? range.max - range.min : 1
    return rows.map { i in
      columns.map { j -> String in
        let inside = i >= 0 && i < height && j >= 0 && j < width
        var shade: Character = "·"
        if inside {
          let t = (plane.storage[i * width + j] - range.min) / span
          let level = Int((Swift.max(0, Swift.min(1, t)) * Float(TerminalPreview.shades.count - 1)).rounded())
          shade = level == 0 ? " " : TerminalPreview.shades[level]
        }
        if [i, j] == centre && taps.contains([i, j]) { return "(\(shade))" }
        if taps.contains([i, j]) { return "[\(shade)]" }
        return " \(shade) "
      }.joined()
    }
  }

  /// A number as it appears inside a product: integers without decimals,
  /// negatives in parentheses: `(-1)`, `0.5490`, `(-0.2500)`.
  public static func factor(_ value: Float, decimals: Int) -> String {
    let text = value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : Format.fixed(value, decimals)
    return value < 0 ? "(\(text))" : text
  }

  /// A tensor shape as the lessons print it: `(1, 4, 28, 28)`.
  public static func shape(_ tensor: Tensor) -> String {
    "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
  }

  /// Scientific notation with one decimal, for small differences: `2.4e-07`.
  public static func scientific(_ value: Float) -> String {
    String(format: "%.1e", Double(value))
  }

  private static func aligned(_ value: Float) -> String {
    pad(Format.fixed(value), 8)
  }

  private static func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
    s.count >= width
      ? s
      : (right
        ? String(repeating: " ", count: width - s.count) + s
        : s + String(repeating: " ", count: width - s.count))
  }
}
