/// A layer-by-layer account of a network — output shape, parameters, multiply-adds
/// and receptive field — computed from the model itself, as data and as a table.
///
/// The receptive field is the side of the input square one output element can see,
/// grown layer by layer with the spacing `j` of neighbouring outputs in input pixels:
/// ```
/// r ← r + (D·(K−1) + 1 − 1) · j,     j ← j · S        (convolution or pooling)
/// ```
/// Global average pooling sees the whole image.
public struct ModelSummary: Sendable, Equatable {
  /// One layer.
  public struct Row: Sendable, Equatable {
    /// The `state_dict`-style name, e.g. `block1.depthwise`.
    public var name: String
    /// What it computes, e.g. `depthwise 3×3 D2 P2`.
    public var operation: String
    /// Output shape of one image: `[C, H, W]`, or `[F]` after pooling globally.
    public var outputShape: [Int]
    /// Trainable numbers in the layer.
    public var parameters: Int
    /// Multiply-adds for one image.
    public var multiplyAdds: Int
    /// Side of the input square one output element depends on.
    public var receptiveField: Int
  }

  /// The layers in order.
  public var rows: [Row]

  public var totalParameters: Int { rows.reduce(0) { $0 + $1.parameters } }
  public var totalMultiplyAdds: Int { rows.reduce(0) { $0 + $1.multiplyAdds } }

  /// The rows as a fixed-width text table with a totals line.
  public var table: String {
    let header = ["layer", "operation", "output", "params", "mult-adds", "RF"]
    var cells = rows.map { row in
      [
        row.name, row.operation, row.outputShape.map(String.init).joined(separator: "×"),
        Format.grouped(row.parameters), Format.grouped(row.multiplyAdds), "\(row.receptiveField)",
      ]
    }
    cells.append(["total", "", "", Format.grouped(totalParameters), Format.grouped(totalMultiplyAdds), ""])
    let widths = TextTable.widths([header] + cells)
    let line = { (row: [String]) in TextTable.line(row, widths: widths) { $0 < 3 } }  // numbers right-aligned
    let rule = TextTable.rule(widths)
    var lines = [line(header), rule] + cells.dropLast().map(line)
    lines += [rule, line(cells.last!)]
    return lines.joined(separator: "\n")
  }
}

extension DSDCNet {
  /// The summary of this model for one `imageSize × imageSize` image.
  public var summary: ModelSummary {
    var rows: [ModelSummary.Row] = []
    var (channels, size) = (config.inputChannels, config.imageSize)
    var (field, jump) = (1, 1)
    func conv(_ layer: Conv2D, _ kind: String) {
      let g = layer.geometry
      let macs = g.multiplyAdds(height: size, width: size)
      size = g.outputLength(size)
      channels = g.outChannels
      field += (g.receptiveField - 1) * jump
      jump *= g.stride
      var op = "\(kind) \(g.kernel)×\(g.kernel)"
      if g.dilation != 1 { op += " D\(g.dilation)" }
      if g.padding != 0 { op += " P\(g.padding)" }
      op += ", \(g.inChannels)→\(g.outChannels)"
      rows.append(
        .init(
          name: layer.name, operation: op, outputShape: [channels, size, size],
          parameters: layer.weight.count + (layer.bias?.count ?? 0),
          multiplyAdds: macs, receptiveField: field))
    }
    func norm(_ bn: BatchNorm2d) {
      rows.append(
        .init(
          name: bn.name, operation: bn.fusedReLU ? "BatchNorm + ReLU" : "BatchNorm",
          outputShape: [channels, size, size], parameters: bn.weight.count + bn.bias.count,
          multiplyAdds: 0, receptiveField: field))
    }
    conv(stem, "conv")
    norm(stemBN)
    for block in blocks {
      switch block.kind {
      case .separable:
        conv(block.convolutions[0], "depthwise")
        conv(block.convolutions[1], "pointwise")
      case .standard:
        conv(block.convolutions[0], "conv")
      }
      norm(block.bn)
      if block.pool != nil {
        size /= 2
        field += jump
        jump *= 2
        rows.append(
          .init(
            name: block.name + ".pool", operation: "max-pool 2×2", outputShape: [channels, size, size],
            parameters: 0, multiplyAdds: 0, receptiveField: field))
      }
    }
    rows.append(
      .init(
        name: "pool", operation: "global average pool", outputShape: [channels],
        parameters: 0, multiplyAdds: 0, receptiveField: config.imageSize))
    rows.append(
      .init(
        name: classifier.name, operation: "linear, \(classifier.inFeatures)→\(classifier.outFeatures)",
        outputShape: [classifier.outFeatures],
        parameters: classifier.weight.count + classifier.bias.count,
        multiplyAdds: classifier.inFeatures * classifier.outFeatures,
        receptiveField: config.imageSize))
    return ModelSummary(rows: rows)
  }
}
