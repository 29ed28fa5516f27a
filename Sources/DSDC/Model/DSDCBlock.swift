/// One block of DSDC-Net, or of one of its standard-convolution siblings:
/// ```
/// separable   x → depthwise K×K, dilation D (groups = C) → pointwise 1×1 (C → N)
///               → BatchNorm → ReLU → [2×2 max-pool]
/// standard    x → standard K×K, dilation D (C → N) → BatchNorm → ReLU → [2×2 max-pool]
/// ```
/// (no convolution biases: the BatchNorm's β plays that part).
public final class DSDCBlock {
  /// `state_dict` prefix, e.g. `block1`.
  public let name: String
  /// Separable or standard.
  public let kind: DSDCNetConfig.Convolution
  /// The block's convolutions in forward order: `[depthwise, pointwise]` or `[conv]`.
  public let convolutions: [Conv2D]
  /// BatchNorm with the ReLU fused in.
  public let bn: BatchNorm2d
  /// The 2×2 max-pool, when the block halves the resolution (the model runs it fused
  /// with `bn`, see `BatchNormReLUMaxPool.swift`).
  public let pool: MaxPool2d?

  /// The spatial filter of a separable block, one kernel per channel (`blockN.depthwise`).
  public var depthwise: Conv2D? { kind == .separable ? convolutions[0] : nil }
  /// The channel mixer of a separable block (`blockN.pointwise`).
  public var pointwise: Conv2D? { kind == .separable ? convolutions[1] : nil }
  /// The one convolution of a standard block (`blockN.conv`).
  public var standard: Conv2D? { kind == .standard ? convolutions[0] : nil }

  init(name: String, config: DSDCNetConfig, index: Int, using generator: inout SeededGenerator) {
    self.name = name
    let block = config.blocks[index]
    kind = block.convolution
    switch kind {
    case .separable:
      convolutions = [
        Conv2D(name: name + ".depthwise", geometry: config.depthwiseGeometry(index), using: &generator),
        Conv2D(name: name + ".pointwise", geometry: config.pointwiseGeometry(index), using: &generator),
      ]
    case .standard:
      convolutions = [Conv2D(name: name + ".conv", geometry: config.standardGeometry(index), using: &generator)]
    }
    bn = BatchNorm2d(name: name + ".bn", channels: block.channels, fusedReLU: true)
    pool = block.pools ? MaxPool2d() : nil
  }
}
