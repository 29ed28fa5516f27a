extension DSDCNetConfig {
  /// The layers from the input to the last block's output, as the receptive field
  /// sees them: the stem, each block's convolutions (depthwise and pointwise, or the
  /// one standard convolution) and its 2×2 pool if it has one. BatchNorm and ReLU
  /// read one pixel and are left out.
  public var receptiveFieldLayers: [ReceptiveField.Layer] {
    var layers = [ReceptiveField.Layer(name: "stem", geometry: stemGeometry)]
    for index in blocks.indices {
      let name = "block\(index + 1)"
      switch blocks[index].convolution {
      case .separable:
        layers.append(.init(name: name + ".depthwise", geometry: depthwiseGeometry(index)))
        layers.append(.init(name: name + ".pointwise", geometry: pointwiseGeometry(index)))
      case .standard:
        layers.append(.init(name: name + ".conv", geometry: standardGeometry(index)))
      }
      if blocks[index].pools { layers.append(.pool(name: name + ".pool", size: 2)) }
    }
    return layers
  }

  /// The centre output of the last block — position `(⌊h/2⌋, ⌊h/2⌋)` of its `h × h`
  /// maps, counted from 0 — and the input rows (= columns) its receptive field spans.
  /// The span may reach into the padding (below 0 or past the image's edge).
  public var centreOutput: (position: Int, window: ClosedRange<Int>) {
    let field = ReceptiveField.trace(receptiveFieldLayers).last!
    let position = featureSize(beforeBlock: blocks.count) / 2
    return (position, field.window(position))
  }
}

extension DSDCNet {
  /// `config.centreOutput`: the last block's centre output and its receptive field.
  public var centreOutput: (position: Int, window: ClosedRange<Int>) { config.centreOutput }
}
