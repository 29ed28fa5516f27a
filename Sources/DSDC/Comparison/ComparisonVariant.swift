/// The sibling networks of the comparison (lesson 9, `dsdc compare`): DSDC-Net's
/// skeleton exactly — the stem, three blocks of widths 64/128/128 with pools after
/// blocks 1 and 2, BatchNorm + ReLU, global average pool, linear classifier — with
/// only each block's convolution changed:
/// ```
/// standard        standard 3×3, D = 1
/// dilated         standard 3×3, DSDC-Net's dilations (2, 2, 1)
/// separable       depthwise 3×3, D = 1, then pointwise
/// dsdc            depthwise 3×3, dilations (2, 2, 1), then pointwise: DSDC-Net itself
/// standard-small  standard 3×3, D = 1, widths scaled until its parameter count is
///                 the closest to DSDC-Net's (the same parameter budget)
/// ```
public enum ComparisonVariant: String, CaseIterable, Sendable, Codable {
  case standard
  case dilated
  case separable
  case dsdc
  case standardSmall = "standard-small"

  /// One line on what the variant's blocks compute.
  public var summary: String {
    switch self {
    case .standard: return "standard 3×3, D = 1"
    case .dilated: return "standard 3×3, dilations 2, 2, 1"
    case .separable: return "depthwise 3×3 D = 1, then pointwise"
    case .dsdc: return "depthwise 3×3 with dilations 2, 2, 1, then pointwise (DSDC-Net)"
    case .standardSmall: return "standard 3×3, D = 1, narrower: DSDC-Net's parameter budget"
    }
  }

  /// The variant's network, built from `base` (DSDC-Net's configuration by default).
  public func config(base: DSDCNetConfig = DSDCNetConfig()) -> DSDCNetConfig {
    var config = base
    switch self {
    case .dsdc:
      break
    case .separable:
      for b in config.blocks.indices { config.blocks[b].dilation = 1 }
    case .dilated:
      for b in config.blocks.indices { config.blocks[b].convolution = .standard }
    case .standard:
      for b in config.blocks.indices { (config.blocks[b].convolution, config.blocks[b].dilation) = (.standard, 1) }
    case .standardSmall:
      config = Self.standard.config(base: base)
      let widths = Self.budgetWidths(base: base)
      for b in config.blocks.indices { config.blocks[b].channels = widths[b] }
    }
    return config
  }

  /// The block widths of `standard-small`: the standard network's widths scaled by
  /// `k / w₁` (w₁ the first block's width, k = 1 … w₁, each rounded), choosing the `k`
  /// whose parameter count is the closest to `base`'s. The counts come from
  /// `ModelSummary`, the one counting function of the program.
  public static func budgetWidths(base: DSDCNetConfig = DSDCNetConfig()) -> [Int] {
    let target = parameterCount(base)
    let standard = Self.standard.config(base: base)
    let first = standard.blocks[0].channels
    var best: (widths: [Int], gap: Int)? = nil
    for k in 1...first {
      var candidate = standard
      let widths = standard.blocks.map { max(1, Int((Double($0.channels * k) / Double(first)).rounded())) }
      for b in candidate.blocks.indices { candidate.blocks[b].channels = widths[b] }
      let gap = abs(parameterCount(candidate) - target)
      if best == nil || gap < best!.gap { best = (widths, gap) }
    }
    return best!.widths
  }

  /// Trainable numbers of a network with `config`, counted layer by layer.
  public static func parameterCount(_ config: DSDCNetConfig) -> Int {
    var scratch = SeededGenerator(seed: 0)
    return DSDCNet(config: config, using: &scratch).summary.totalParameters
  }
}
