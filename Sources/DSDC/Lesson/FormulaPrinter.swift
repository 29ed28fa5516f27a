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

  /// The widest a written-out formula is: a lesson line (`LessonContext.lineWidth`)
  /// less the 4 spaces lessons indent it by.
  public static let width = LessonContext.lineWidth - 4

  /// Every term `weight·input` of one output element, one line per input channel
  /// and kernel row, each line ending in its partial sum, under a heading that names
  /// the input column each term reads:
  /// ```
  ///               col 4   col 5      col 6
  /// c=0  row 15:  -1·0  + 0·1      + 1·0.9922 =   0.9922
  ///      row 16:  -2·0  + 0·0.5451 + 2·0.9922 =   1.9843
  /// ```
  /// Factors have 4 decimals, or 3 when a line would be wider than `width` columns
  /// (a standard convolution's rows of negative weights and inputs); a negative input
  /// is in parentheses. A 1×1 kernel reads one pixel: its terms go on as few lines as
  /// fit, each under the channels it reads (`c=0 …`). Taps in the zero padding are
  /// marked `*` in the row and column names and read 0.
  /// - Parameters:
  ///   - terms: from `ReferenceConvolution.terms`, in its order (channel, kernel row, column).
  ///   - bias: the output channel's bias, if the convolution has one.
  ///   - result: how to name the output element, e.g. `out[0,0,12,8]`.
  ///   - width: the widest line, in columns (a kernel row wider than that still gets one line).
  public static func writtenOut(
    _ terms: [ReferenceConvolution.Term], bias: Float? = nil, result: String, width: Int = FormulaPrinter.width
  ) -> FilledInFormula {
    var sum = bias ?? 0
    for t in terms { sum += t.input * t.weight }
    let pointwise = terms.allSatisfy { $0.u == 0 && $0.v == 0 } && Set(terms.map(\.channel)).count == terms.count
    let position = terms.first.map { "at row \($0.row), col \($0.column)" } ?? ""
    let heading = [
      "\(result) = Σ weight·input, term by term (from 0),",
      pointwise ? "one pixel \(position), all channels:" : "a line per channel c and kernel row:",
    ]
    let layout = { (decimals: Int) in
      Self.layout(terms, pointwise: pointwise, bias: bias, sum: sum, result: result, width: width, decimals: decimals)
    }
    var body = layout(4)
    if body.contains(where: { DisplayWidth.of($0) > width }) { body = layout(3) }
    return FilledInFormula(lines: heading + body, sum: sum)
  }

  /// The lines of `writtenOut` under its heading, factors with `decimals` decimals;
  /// `pointwise`: the terms are one pixel's channels (a 1×1 kernel).
  private static func layout(
    _ terms: [ReferenceConvolution.Term], pointwise: Bool, bias: Float?, sum: Float, result: String, width: Int,
    decimals: Int
  ) -> [String] {
    // Group the terms into printed lines: one per (channel, kernel row), or the one
    // pixel's channels when the kernel is 1×1.
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
    // The first term of a line carries its weight's sign; the others' signs become the
    // operator before them: `-1·0 − 2·1 + 0.5·(-0.25)`.
    let product = { (t: ReferenceConvolution.Term, leading: Bool) in
      factor(leading ? t.weight : abs(t.weight), decimals: decimals, first: true) + "·"
        + factor(t.input, decimals: decimals)
    }
    let heading = { (t: ReferenceConvolution.Term) in
      pointwise ? "c=\(t.channel)" : "col \(t.column)" + (paddingColumns.contains(t.column) ? "*" : "")
    }
    // Terms line up in columns across lines, each as wide as its widest term or heading.
    let columnWidths = { (groups: [[ReferenceConvolution.Term]]) -> [Int] in
      (0..<(groups.map(\.count).max() ?? 0)).map { k in
        groups.map { k < $0.count ? max(product($0[k], k == 0).count, heading($0[k]).count) : 0 }.max() ?? 0
      }
    }
    let partialWidth = 11  // " = " and an 8-wide number
    if pointwise, let pixel = groups.first {
      // As few lines as fit, as even as they can be (4 terms go 2 + 2, not 3 + 1).
      var perLine = 1
      for lines in 1...pixel.count {
        let size = (pixel.count + lines - 1) / lines
        let chunks = stride(from: 0, to: pixel.count, by: size).map { Array(pixel[$0..<min($0 + size, pixel.count)]) }
        let widths = columnWidths(chunks)
        if widths.reduce(0, +) + 3 * (widths.count - 1) + partialWidth <= width {
          perLine = size
          break
        }
      }
      groups = stride(from: 0, to: pixel.count, by: perLine).map { Array(pixel[$0..<min($0 + perLine, pixel.count)]) }
    }
    let termWidths = columnWidths(groups)
    let joined = { (cells: [String], operators: [String]) in
      zip(cells, termWidths).enumerated().map { k, cell in
        (k == 0 ? "" : operators[k]) + pad(cell.0, cell.1, right: false)
      }.joined()
    }
    var rows: [(label: String, heading: String, product: String, partial: Float)] = []
    var previousChannel = -1
    for group in groups {
      let first = group[0]
      var label = ""
      if !pointwise {
        let rowMark = paddingRows.contains(first.row) ? "*" : ""
        let channel = first.channel == previousChannel ? "" : "c=\(first.channel)"
        label = pad(channel, 4, right: false) + " row \(first.row)\(rowMark):"
      }
      previousChannel = first.channel
      var partial: Float = 0
      for t in group { partial += t.input * t.weight }
      let headings = joined(group.map(heading), group.map { _ in "   " })
      let products = joined(
        group.indices.map { product(group[$0], $0 == 0) }, group.map { $0.weight < 0 ? " − " : " + " })
      rows.append((label, headings, products, partial))
    }

    let total = "\(result) = sum of \(terms.count) terms" + (bias == nil ? "" : " + bias")
    let labelWidth = rows.map(\.label.count).max() ?? 0
    let lead = labelWidth > 0 ? labelWidth + 2 : 0
    // The `=` column: after the widest product, or after the total's name if that is wider.
    let productWidth = max(rows.map(\.product.count).max() ?? 0, total.count - lead)
    var lines: [String] = []
    let trimmed = { (line: String) in line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    if !pointwise, let first = rows.first { lines.append(trimmed(String(repeating: " ", count: lead) + first.heading)) }
    var channelTotal: Float = 0
    for (index, row) in rows.enumerated() {
      if pointwise { lines.append(trimmed(row.heading)) }
      let label = labelWidth > 0 ? pad(row.label, labelWidth, right: false) + "  " : ""
      lines.append(label + pad(row.product, productWidth, right: false) + " = " + aligned(row.partial))
      channelTotal += row.partial
      let nextStartsChannel = index + 1 == rows.count || groups[index + 1][0].channel != groups[index][0].channel
      let channels = Set(terms.map(\.channel)).count
      if !pointwise && channels > 1 && nextStartsChannel {
        let text = "channel \(groups[index][0].channel) in all"
        lines.append(pad(text, lead + productWidth, right: true) + " = " + aligned(channelTotal))
        channelTotal = 0
      }
    }
    if let bias {
      lines.append(pad("+ bias", lead + productWidth, right: true) + " = " + aligned(bias))
    }
    if terms.contains(where: \.inPadding) {
      lines.append("(* outside the image: the zero padding, read as 0)")
    }
    lines.append(pad(total, lead + productWidth, right: true) + " = " + aligned(sum))
    return lines
  }

  /// Whether the written-out sum agrees with the fast convolution's value, and the
  /// claim a lesson checks under the sum, e.g.
  /// `sum 3.9686 = Convolution.forward's 3.9686 (|Δ| = 2.4e-07 ≤ 1.0e-05)`.
  public static func agreement(sum: Float, fast: Float) -> (holds: Bool, claim: String) {
    let delta = abs(sum - fast)
    let holds = delta <= tolerance
    let claim =
      "sum \(Format.fixed(sum)) \(holds ? "=" : "≠") Convolution.forward's \(Format.fixed(fast)) "
      + "(|Δ| = \(scientific(delta)) \(holds ? "≤" : ">") \(scientific(tolerance)))"
    return (holds, claim)
  }

  /// A correction to the article, marked so it cannot be missed:
  /// ```
  /// ERRATUM (article §3.1): headline
  ///     article:   …
  ///     corrected: …
  ///     why: …
  /// ```
  /// A line wider than `width` columns is broken at spaces, its continuation aligned
  /// with the text after `article:`, `corrected:` or `why:`.
  public static func erratum(
    section: String, _ headline: String, article: [String], corrected: [String],
    why: [String], width: Int = LessonContext.lineWidth
  ) -> [String] {
    let hang = String(repeating: " ", count: 15)
    var lines = ProseWrap.lines("ERRATUM (article \(section)): \(headline)", width: width, continuation: "    ")
    for (label, texts) in [("    article:   ", article), ("    corrected: ", corrected), ("    why:       ", why)] {
      let texts = texts.flatMap { splitAtGap($0, width: width - hang.count) }
      for (index, line) in texts.enumerated() {
        lines += ProseWrap.lines((index == 0 ? label : hang) + line, width: width, continuation: hang)
      }
    }
    return lines
  }

  /// A formula line wider than `width` columns split at its wide gap (5 or more
  /// spaces, as between the article's equation and its `∀ …`): the part after the gap
  /// goes on a line of its own, 2 columns in. Other lines are returned whole.
  public static func splitAtGap(_ line: String, width: Int) -> [String] {
    guard DisplayWidth.of(line) > width, let gap = line.range(of: "     ") else { return [line] }
    let after = line[gap.upperBound...].drop { $0 == " " }
    return [String(line[..<gap.lowerBound]), "  " + after]
  }

  /// Blocks of lines printed next to each other under their titles, e.g. four 3×3
  /// kernels; blocks that do not fit in `width` columns beside the others continue
  /// below, after an empty line.
  public static func sideBySide(
    _ blocks: [[String]], titles: [String], gap: Int = 4, width: Int = FormulaPrinter.width
  ) -> [String] {
    precondition(blocks.count == titles.count, "\(blocks.count) blocks but \(titles.count) titles")
    let widths = zip(blocks, titles).map { block, title in
      max(DisplayWidth.of(title), block.map { DisplayWidth.of($0) }.max() ?? 0)
    }
    // Bands of consecutive blocks side by side: as few as fit, as even as fit (four
    // blocks go 2 + 2, not 3 + 1); a block wider than `width` stands alone.
    let fits = { (band: Range<Int>) in band.map { widths[$0] }.reduce(0, +) + gap * (band.count - 1) <= width }
    var bands: [Range<Int>] = []
    var start = 0
    for index in blocks.indices where index > start && !fits(start..<index + 1) {
      bands.append(start..<index)
      start = index
    }
    if !blocks.isEmpty { bands.append(start..<blocks.count) }
    let perBand = bands.isEmpty ? 0 : (blocks.count + bands.count - 1) / bands.count
    let even = stride(from: 0, to: blocks.count, by: max(perBand, 1)).map { $0..<min($0 + perBand, blocks.count) }
    if even.count == bands.count && even.allSatisfy(fits) { bands = even }
    let spacer = String(repeating: " ", count: gap)
    var lines: [String] = []
    for band in bands {
      if !lines.isEmpty { lines.append("") }
      let height = band.map { blocks[$0].count }.max() ?? 0
      lines.append(band.map { pad(titles[$0], widths[$0], right: false) }.joined(separator: spacer))
      for row in 0..<height {
        lines.append(
          band.map { pad(row < blocks[$0].count ? blocks[$0][row] : "", widths[$0], right: false) }
            .joined(separator: spacer))
      }
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
  /// negatives in parentheses unless `first`: `(-1)`, `0.5490`, `(-0.2500)`, `-0.2500·2`.
  public static func factor(_ value: Float, decimals: Int, first: Bool = false) -> String {
    let text = value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : Format.fixed(value, decimals)
    return value < 0 && !first ? "(\(text))" : text
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

  /// `s` padded with spaces to `width` columns (`DisplayWidth`), on the left if `right`.
  private static func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
    let columns = DisplayWidth.of(s)
    return columns >= width
      ? s
      : (right
        ? String(repeating: " ", count: width - columns) + s
        : s + String(repeating: " ", count: width - columns))
  }
}
