extension DSDCNet {
  /// The layers from the input to the last block's output, as the receptive field
  /// sees them (BatchNorm and ReLU read one pixel and are left out):
  /// `stem`, each block's convolutions, and its 2×2 pool if it has one.
  public var receptiveFieldLayers: [ReceptiveField.Layer] {
    var layers = [ReceptiveField.Layer(name: stem.name, geometry: stem.geometry)]
    for block in blocks {
      layers += block.convolutions.map { ReceptiveField.Layer(name: $0.name, geometry: $0.geometry) }
      if block.pool != nil { layers.append(.pool(name: block.name + ".pool", size: 2)) }
    }
    return layers
  }

  /// The centre output of the last block — position `(⌊h/2⌋, ⌊h/2⌋)` of its `h × h`
  /// maps, counted from 0 — and the input rows (= columns) its receptive field spans.
  /// The span may reach into the padding (below 0 or past the image's edge).
  public var centreOutput: (position: Int, window: ClosedRange<Int>) {
    let field = ReceptiveField.trace(receptiveFieldLayers).last!
    let position = config.featureSize(beforeBlock: config.blocks.count) / 2
    return (position, field.window(position))
  }
}
