/// The shape of a DSDC-Net: widths, dilations and where the resolution halves.
///
/// The default is the network the course trains, 30,922 parameters:
/// ```
/// stem    conv 3×3, 1→32, P 1; BatchNorm; ReLU                          32×28×28
/// block1  depthwise 3×3 D 2 P 2; pointwise 32→64; BatchNorm; ReLU; pool  64×14×14
/// block2  depthwise 3×3 D 2 P 2; pointwise 64→128; BatchNorm; ReLU; pool 128×7×7
/// block3  depthwise 3×3 D 1 P 1; pointwise 128→128; BatchNorm; ReLU      128×7×7
/// head    global average pool; linear 128→10                            10
/// ```
public struct DSDCNetConfig: Sendable, Hashable, Codable {
  /// What a block's convolution is. DSDC-Net's blocks are separable; the comparison
  /// lesson's sibling networks put a standard convolution in the same place.
  public enum Convolution: String, Sendable, Hashable, Codable, CaseIterable {
    /// Depthwise K×K (dilated), then pointwise 1×1: `C·K² + C·N` weights.
    case separable
    /// One standard K×K (dilated) convolution, C → N: `C·N·K²` weights.
    case standard
  }

  /// One block: its convolution (depthwise K×K then pointwise 1×1, or one standard
  /// K×K) → BatchNorm → ReLU → optional 2×2 max-pool.
  public struct Block: Sendable, Hashable, Codable {
    /// Output channels of the block's convolution (the block's width).
    public var channels: Int
    /// Dilation `D` of the K×K convolution; padding `D·(K−1)/2` keeps H and W.
    public var dilation: Int
    /// Whether the block ends with a 2×2, stride-2 max-pool that halves H and W.
    public var pools: Bool
    /// Separable (DSDC-Net) or standard.
    public var convolution: Convolution

    public init(channels: Int, dilation: Int, pools: Bool, convolution: Convolution = .separable) {
      self.channels = channels
      self.dilation = dilation
      self.pools = pools
      self.convolution = convolution
    }

    private enum CodingKeys: String, CodingKey { case channels, dilation, pools, convolution }

    /// Reads a block as `encode(to:)` writes it; checkpoints written before blocks
    /// could be standard lack `convolution` and read as separable.
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      self.init(
        channels: try c.decode(Int.self, forKey: .channels),
        dilation: try c.decode(Int.self, forKey: .dilation),
        pools: try c.decode(Bool.self, forKey: .pools),
        convolution: try c.decodeIfPresent(Convolution.self, forKey: .convolution) ?? .separable)
    }
  }

  /// Channels of the input images (1 for grayscale MNIST).
  public var inputChannels: Int
  /// Height and width of the square input images.
  public var imageSize: Int
  /// Output channels of the stem's standard 3×3 convolution.
  public var stemChannels: Int
  /// Kernel size `K` of the stem and of every depthwise convolution.
  public var kernel: Int
  /// The separable blocks, in order; named `block1`, `block2`, … .
  public var blocks: [Block]
  /// Number of classes, the classifier's outputs.
  public var classes: Int

  public init(
    inputChannels: Int = 1, imageSize: Int = 28, stemChannels: Int = 32, kernel: Int = 3,
    blocks: [Block] = [
      Block(channels: 64, dilation: 2, pools: true),
      Block(channels: 128, dilation: 2, pools: true),
      Block(channels: 128, dilation: 1, pools: false),
    ],
    classes: Int = 10
  ) {
    precondition(
      inputChannels > 0 && imageSize > 0 && stemChannels > 0 && kernel > 0 && classes > 1,
      "DSDCNetConfig needs positive sizes, got C=\(inputChannels) size=\(imageSize) stem=\(stemChannels) K=\(kernel) classes=\(classes)"
    )
    precondition(
      !blocks.isEmpty && blocks.allSatisfy { $0.channels > 0 && $0.dilation > 0 },
      "DSDCNetConfig needs at least one block with positive channels and dilation, got \(blocks)")
    self.inputChannels = inputChannels
    self.imageSize = imageSize
    self.stemChannels = stemChannels
    self.kernel = kernel
    self.blocks = blocks
    self.classes = classes
  }

  /// The stem convolution's geometry.
  public var stemGeometry: Conv2DGeometry {
    .standard(inputChannels, stemChannels, kernel: kernel)
  }

  /// Input channels of block `index` (the previous block's width, or the stem's).
  public func blockInputChannels(_ index: Int) -> Int {
    index == 0 ? stemChannels : blocks[index - 1].channels
  }

  /// The standard K×K geometry of block `index` (blocks whose convolution is `.standard`).
  public func standardGeometry(_ index: Int) -> Conv2DGeometry {
    .standard(blockInputChannels(index), blocks[index].channels, kernel: kernel, dilation: blocks[index].dilation)
  }

  /// The depthwise geometry of block `index`.
  public func depthwiseGeometry(_ index: Int) -> Conv2DGeometry {
    .depthwise(blockInputChannels(index), kernel: kernel, dilation: blocks[index].dilation)
  }

  /// The pointwise geometry of block `index`.
  public func pointwiseGeometry(_ index: Int) -> Conv2DGeometry {
    .pointwise(blockInputChannels(index), blocks[index].channels)
  }

  /// Height (= width) of the feature maps entering block `index`, or leaving the
  /// last block when `index == blocks.count`.
  public func featureSize(beforeBlock index: Int) -> Int {
    blocks[..<index].reduce(imageSize) { size, block in block.pools ? size / 2 : size }
  }
}
