/// One row of feature maps per stage of the network (stem, block1, …), the first
/// few channels of each, for the activations of one image (`DSDCNet.activations`).
public enum ActivationFigure {
  /// A column of `FeatureMapFigure`s, one per `(C, H, W)` activation, each tile
  /// scaled to about 56 pixels and contrast-stretched on its own.
  public static func make(_ activations: [(name: String, tensor: Tensor)], channels: Int = 8) -> FigureStack {
    var rows: [any Figure] = []
    for (name, activation) in activations where activation.rank == 3 {  // (C, H, W)
      let shown = min(channels, activation.shape[0])
      let planes = activation.reshaped([1] + activation.shape)  // (1, C, H, W)
      let tiles = (0..<shown).map { c in (label: "\(name) c\(c)", plane: planes.plane(n: 0, c: c)) }
      rows.append(
        FeatureMapFigure(
          title: "\(name): \(activation.shape.map(String.init).joined(separator: "x")) (first \(shown) channels)",
          tiles: tiles, style: .gray, range: .perTile, scale: max(1, 56 / activation.shape[1]), columns: channels))
    }
    return FigureStack(.column, rows)
  }
}
