/// How far DSDC-Net's outputs see into the image, layer by layer: the receptive-field
/// walk of `ReceptiveField` applied to a `DSDCNetConfig`, the same network without
/// dilation (to measure dilation's share), and how many real pixels, not padding,
/// each output position reads.
public enum NetworkReach {
  /// The windows of a DSDC-Net, in order (`DSDCNetConfig.receptiveFieldLayers`): the
  /// stem, then per block its convolutions and, when the block pools, the 2×2 max-pool.
  /// BatchNorm, ReLU and the global pool are left out (the first two see one pixel; the
  /// global pool is no window, see `wholeImage`).
  public static func layers(_ config: DSDCNetConfig) -> [ReceptiveField.Layer] {
    config.receptiveFieldLayers
  }

  /// The same network with every block's dilation set to 1 (padding follows; every
  /// other property of a block is kept).
  public static func undilated(_ config: DSDCNetConfig) -> DSDCNetConfig {
    var plain = config
    for index in plain.blocks.indices { plain.blocks[index].dilation = 1 }
    return plain
  }

  /// The receptive field after the last block (the walk's last entry).
  public static func lastBlock(_ config: DSDCNetConfig) -> ReceptiveField {
    ReceptiveField.trace(layers(config)).last!
  }

  /// Output positions along one axis after the last block (7 for the default network).
  public static func outputLength(_ config: DSDCNetConfig) -> Int {
    config.blocks.reduce(config.stemGeometry.outputLength(config.imageSize)) { size, block in
      block.pools ? size / 2 : size
    }
  }

  /// Real input pixels (inside `0..<length`, not padding) that output `index` reads
  /// along one axis: `|window(index) ∩ [0, length − 1]|`.
  public static func coverage(_ field: ReceptiveField, index: Int, length: Int) -> Int {
    let window = field.window(index)
    return max(0, min(window.upperBound, length - 1) - max(window.lowerBound, 0) + 1)
  }

  /// Whether the windows of outputs `0..<outputs` together cover every input pixel
  /// `0..<length` along an axis: what a global pool over those outputs sees.
  public static func wholeImage(_ field: ReceptiveField, outputs: Int, length: Int) -> Bool {
    var covered = Set<Int>()
    for index in 0..<outputs where field.window(index).overlaps(0...(length - 1)) {
      covered.formUnion(field.window(index).clamped(to: 0...(length - 1)))
    }
    return covered.count == length
  }
}
