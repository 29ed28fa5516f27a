/// One depthwise-separable dilated block of DSDC-Net:
/// ```
/// x → depthwise K×K, dilation D (groups = C) → pointwise 1×1 (C → N)
///   → BatchNorm → ReLU → [2×2 max-pool]
/// ```
/// (no convolution biases: the BatchNorm's β plays that part).
public final class DSDCBlock {
  /// `state_dict` prefix, e.g. `block1`.
  public let name: String
  /// The spatial filter, one kernel per channel.
  public let depthwise: Conv2D
  /// The channel mixer.
  public let pointwise: Conv2D
  /// BatchNorm with the ReLU fused in.
  public let bn: BatchNorm2d
  /// The 2×2 max-pool, when the block halves the resolution (the model runs it fused
  /// with `bn`, see `BatchNormReLUMaxPool.swift`).
  public let pool: MaxPool2d?

  init(name: String, depthwise: Conv2DGeometry, pointwise: Conv2DGeometry, pools: Bool,
       using generator: inout SeededGenerator) {
    self.name = name
    self.depthwise = Conv2D(name: name + ".depthwise", geometry: depthwise, using: &generator)
    self.pointwise = Conv2D(name: name + ".pointwise", geometry: pointwise, using: &generator)
    bn = BatchNorm2d(name: name + ".bn", channels: pointwise.outChannels, fusedReLU: true)
    pool = pools ? MaxPool2d() : nil
  }
}
