import Foundation

/// What convolutions cost, printed with the arithmetic showing: parameters and
/// multiply-adds from `Conv2DGeometry`, side by side, and the MobileNet ratio.
public enum CostTable {
  /// One line of a cost table: a single convolution, or the total of several
  /// (a depthwise separable convolution is a depthwise plus a pointwise one).
  public enum Row: Sendable {
    /// One convolution, with or without its `N` biases.
    case layer(String, Conv2DGeometry, bias: Bool = false)
    /// The sum of several convolutions, e.g. depthwise + pointwise.
    case total(String, [Conv2DGeometry], bias: Bool = false)
  }

  /// The parameter count with its arithmetic, `N·(C/groups)·K² [+ N] = total`:
  /// `8·4·3² = 288`, or `4·1·3² + 4 = 40` with biases.
  public static func parameterArithmetic(_ g: Conv2DGeometry, bias: Bool = false) -> String {
    "\(g.outChannels)·\(g.inChannelsPerGroup)·\(g.kernel)²" + (bias ? " + \(g.outChannels)" : "")
      + " = " + Format.grouped(g.parameterCount(bias: bias))
  }

  /// The multiply-add count for one `height × width` image with its arithmetic,
  /// `N·H_out·W_out·(C/groups)·K² = total`: `8·28·28·4·3² = 225,792`.
  public static func multiplyAddArithmetic(_ g: Conv2DGeometry, height: Int, width: Int) -> String {
    let (outH, outW) = g.outputSize(height: height, width: width)
    return "\(g.outChannels)·\(outH)·\(outW)·\(g.inChannelsPerGroup)·\(g.kernel)² = "
      + Format.grouped(g.multiplyAdds(height: height, width: width))
  }

  /// The cost of a depthwise separable convolution relative to the standard one
  /// with the same `C`, `N` and `K` (MobileNet, Howard et al. 2017):
  /// ```
  /// (C·K² + N·C) / (N·C·K²) = 1/N + 1/K²
  /// ```
  /// The same ratio holds for multiply-adds when both keep the image size.
  public static func mobileNetRatio(outChannels N: Int, kernel K: Int) -> Double {
    1 / Double(N) + 1 / Double(K * K)
  }

  /// A table of rows with columns C, N, K, D, groups, receptive field, parameters
  /// and multiply-adds for one `height × width` image, every count with its arithmetic,
  /// and below it the two formulas:
  /// ```
  ///                C  N  K  D  groups  field  parameters    multiply-adds
  /// standard 3×3   4  8  3  1       1    3×3  8·4·3² = 288  8·28·28·4·3² = 225,792
  /// for one 28×28 image: parameters N·(C/groups)·K²,
  /// multiply-adds N·H_out·W_out·(C/groups)·K²
  /// ```
  /// A table wider than `maxWidth` columns is printed as two, each row's name in both:
  /// the shapes (C … field), then the costs (parameters, multiply-adds).
  public static func lines(_ rows: [Row], height: Int, width: Int, maxWidth: Int = FormulaPrinter.width) -> [String] {
    var table: [[String]] = [["", "C", "N", "K", "D", "groups", "field", "parameters", "multiply-adds"]]
    for row in rows {
      switch row {
      case .layer(let name, let g, let bias):
        table.append([
          name, "\(g.inChannels)", "\(g.outChannels)", "\(g.kernel)", "\(g.dilation)", "\(g.groups)",
          "\(g.receptiveField)×\(g.receptiveField)", parameterArithmetic(g, bias: bias),
          multiplyAddArithmetic(g, height: height, width: width),
        ])
      case .total(let name, let parts, let bias):
        let parameters = parts.map { $0.parameterCount(bias: bias) }
        let multiplyAdds = parts.map { $0.multiplyAdds(height: height, width: width) }
        table.append([
          name, "", "", "", "", "", "",
          parameters.map(Format.grouped).joined(separator: " + ") + " = " + Format.grouped(parameters.reduce(0, +)),
          multiplyAdds.map(Format.grouped).joined(separator: " + ") + " = " + Format.grouped(multiplyAdds.reduce(0, +)),
        ])
      }
    }
    let formulas = [
      "for one \(height)×\(width) image: parameters N·(C/groups)·K²,", "multiply-adds N·H_out·W_out·(C/groups)·K²",
    ]
    let whole = aligned(table, columns: Array(0..<9))
    guard whole.contains(where: { $0.count > maxWidth }) else { return whole + formulas }
    // The shapes, then the costs: rows without shape (totals) only in the second.
    let shaped = table.enumerated().filter { $0.offset == 0 || !$0.element[1].isEmpty }.map(\.element)
    return aligned(shaped, columns: Array(0..<7)) + [""] + aligned(table, columns: [0, 7, 8]) + formulas
  }

  /// The `columns` of `table` set as a `TextTable`: names and arithmetic left-aligned,
  /// the small numbers right-aligned.
  private static func aligned(_ table: [[String]], columns: [Int]) -> [String] {
    let picked = table.map { cells in columns.map { cells[$0] } }
    return TextTable.lines(picked) { columns[$0] == 0 || columns[$0] >= 7 }
  }
}
