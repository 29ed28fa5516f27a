/// The ranges a DSDC-Net configuration must lie in: the checks of
/// `DSDCNetConfig.init`, plus upper bounds, applied to configurations decoded from a
/// checkpoint's `dsdc.config` (which do not pass through `init`).
public enum DSDCNetConfigLimits {
  /// Input channels: the data are grayscale images.
  public static let inputChannels = 1...1
  /// Height and width of the input images.
  public static let imageSize = 1...512
  /// Kernel size `K`: odd, so that padding `D·(K−1)/2` keeps H and W.
  public static let kernel = 1...15
  /// Width of the stem and of every block.
  public static let channels = 1...2_048
  /// Dilation `D` of a depthwise convolution.
  public static let dilation = 1...64
  /// Number of blocks.
  public static let blocks = 1...32
  /// Number of classes.
  public static let classes = 2...1_000
  /// Parameters of the whole network (the default has 30,922): bounds the memory the
  /// model, its gradients and the optimiser's moments take.
  public static let parameters = 1...50_000_000
}

extension DSDCNetConfig {
  /// Checks every field against `DSDCNetConfigLimits` and that every pooling block
  /// gets at least 2×2 maps, naming the first bad value. Works on integers bounded
  /// before they are multiplied, so a hostile configuration cannot overflow.
  public func validate() throws(ModelError) {
    func within(_ value: Int, _ range: ClosedRange<Int>, _ name: String) throws(ModelError) {
      guard range.contains(value) else {
        throw .invalidConfig(reason: "\(name) must be \(range.lowerBound)…\(range.upperBound), got \(value)")
      }
    }
    try within(inputChannels, DSDCNetConfigLimits.inputChannels, "input channels")
    try within(imageSize, DSDCNetConfigLimits.imageSize, "image size")
    try within(kernel, DSDCNetConfigLimits.kernel, "kernel size")
    guard kernel % 2 == 1 else { throw .invalidConfig(reason: "kernel size must be odd, got \(kernel)") }
    try within(stemChannels, DSDCNetConfigLimits.channels, "stem channels")
    try within(blocks.count, DSDCNetConfigLimits.blocks, "number of blocks")
    try within(classes, DSDCNetConfigLimits.classes, "classes")
    var size = imageSize
    var parameters = inputChannels * stemChannels * kernel * kernel + 4 * stemChannels
    for (index, block) in blocks.enumerated() {
      let name = "block\(index + 1)"
      try within(block.channels, DSDCNetConfigLimits.channels, "\(name) channels")
      try within(block.dilation, DSDCNetConfigLimits.dilation, "\(name) dilation")
      let input = blockInputChannels(index)
      switch block.convolution {
      case .separable: parameters += input * kernel * kernel + input * block.channels
      case .standard: parameters += input * block.channels * kernel * kernel
      }
      parameters += 4 * block.channels  // BatchNorm: γ, β, μ, σ²
      if block.pools {
        guard size >= 2 else {
          throw .invalidConfig(
            reason: "\(name) pools \(size)×\(size) maps (image size \(imageSize)); pooling needs at least 2×2")
        }
        size /= 2
      }
    }
    parameters += blocks[blocks.count - 1].channels * classes + classes
    try within(parameters, DSDCNetConfigLimits.parameters, "parameter count")
  }
}
