/// Every activation and activation gradient of one forward/backward pass of a
/// DSDC-Net, allocated once per batch size and reused by every step (llm.c's
/// `ActivationTensors`), so a training step allocates nothing.
///
/// Gradient buffers that a convolution writes as its `dInput` are optional because
/// that is how the convolution kernels take them. Pooling blocks keep no
/// full-resolution activation: BatchNorm, ReLU and max-pool run fused.
final class DSDCNetWorkspace {
  /// Buffers of one block.
  final class Block {
    let pools: Bool
    var depthwiseOutput: Tensor  // (N, C, H, W) for a separable block; empty for a standard one
    var convolved: Tensor  // (N, C', H, W) the block's convolution output, BatchNorm's input
    var output: Tensor  // (N, C', H/2, W/2) pooled, or (N, C', H, W)
    var argmax: [UInt8]  // one per pooled element (pooling blocks)
    var dDepthwiseOutput: Tensor? = nil  // (N, C, H, W)  = pointwise dInput (separable)
    /// (N, C', H, W) = BatchNorm dInput; empty in a separable block, whose pointwise
    /// convolution computes BatchNorm's input gradient a chunk of images at a time
    /// (`DSDCNet.chunksBatchNormGradient`), until a pass without chunks needs it.
    var dConvolved = emptyTensor
    var dOutput: Tensor? = nil  // like output; from the next block, or the head

    init(batch: Int, inChannels: Int, outChannels: Int, size: Int, pools: Bool, separable: Bool) {
      self.pools = pools
      depthwiseOutput = separable ? Tensor(shape: [batch, inChannels, size, size]) : emptyTensor
      convolved = Tensor(shape: [batch, outChannels, size, size])
      output = Tensor(shape: pools ? [batch, outChannels, size / 2, size / 2] : [batch, outChannels, size, size])
      argmax = [UInt8](repeating: 0, count: pools ? output.count : 0)
    }
  }

  /// The batch the buffers hold now, at most `capacity`, the batch they were made for.
  private(set) var batch: Int
  let capacity: Int
  var stemOutput: Tensor  // (N, 32, 28, 28)
  var stemActivated: Tensor  // (N, 32, 28, 28) after BatchNorm + ReLU
  let blocks: [Block]
  var features: Tensor  // (N, C_last) after global average pooling
  var logits: Tensor  // (N, classes)
  var probabilities: Tensor  // (N, classes) softmax
  private(set) var hasGradients = false
  var dStemOutput = emptyTensor  // (N, 32, 28, 28)  = stem BatchNorm dInput
  var dStemActivated: Tensor? = nil  // (N, 32, 28, 28)  = block 1 depthwise dInput
  var dFeatures: Tensor? = nil  // (N, C_last)      = classifier dInput
  var dLogits = emptyTensor  // (N, classes)
  var dInput: Tensor? = nil  // (N, 1, 28, 28)   = stem dInput, only for `inputGradient`

  init(config: DSDCNetConfig, batch: Int) {
    self.batch = batch
    capacity = batch
    let size = config.imageSize
    stemOutput = Tensor(shape: [batch, config.stemChannels, size, size])
    stemActivated = Tensor(shape: [batch, config.stemChannels, size, size])
    blocks = config.blocks.indices.map { b in
      Block(
        batch: batch, inChannels: config.blockInputChannels(b), outChannels: config.blocks[b].channels,
        size: config.featureSize(beforeBlock: b), pools: config.blocks[b].pools,
        separable: config.blocks[b].convolution == .separable)
    }
    features = Tensor(shape: [batch, config.blocks.last!.channels])
    logits = Tensor(shape: [batch, config.classes])
    probabilities = Tensor(shape: [batch, config.classes])
  }

  /// Makes every buffer hold `batch` images (at most `capacity`) in the memory it has:
  /// an epoch's shorter last batch needs no new buffers, nor does the next full one.
  func resize(batch: Int) {
    precondition(batch > 0 && batch <= capacity, "a workspace for \(capacity) images cannot hold \(batch)")
    guard batch != self.batch else { return }
    self.batch = batch
    func fit(_ t: inout Tensor) { if t.rank > 1 { t.setOutermost(batch) } }  // not the empty ones
    func fit(_ t: inout Tensor?) { if t != nil { fit(&t!) } }
    fit(&stemOutput)
    fit(&stemActivated)
    fit(&features)
    fit(&logits)
    fit(&probabilities)
    fit(&dStemOutput)
    fit(&dStemActivated)
    fit(&dFeatures)
    fit(&dLogits)
    fit(&dInput)
    for block in blocks {
      fit(&block.depthwiseOutput)
      fit(&block.convolved)
      fit(&block.output)
      if block.pools { block.argmax.resize(to: block.output.count, filling: 0) }
      fit(&block.dDepthwiseOutput)
      fit(&block.dConvolved)
      fit(&block.dOutput)
    }
  }

  /// Allocates the gradient buffers on first use (evaluation never needs them).
  func allocateGradients() {
    guard !hasGradients else { return }
    hasGradients = true
    dStemOutput = Tensor(shape: stemOutput.shape)
    dStemActivated = Tensor(shape: stemActivated.shape)
    dFeatures = Tensor(shape: features.shape)
    dLogits = Tensor(shape: logits.shape)
    for block in blocks {
      if block.depthwiseOutput.count > 0 {
        block.dDepthwiseOutput = Tensor(shape: block.depthwiseOutput.shape)
      } else {
        block.dConvolved = Tensor(shape: block.convolved.shape)  // separable blocks: see dConvolved
      }
      block.dOutput = Tensor(shape: block.output.shape)
    }
  }

  /// Sets to 0 the gradient buffers that backward passes accumulate into: the head's
  /// and the last block's output gradient, which the global average pool adds into
  /// (and `inputGradient` marks). Every other activation gradient is overwritten by
  /// the one layer that writes it (BatchNorm, and the convolutions called with
  /// `accumulate: false`), so zeroing it would be a wasted pass through memory.
  func zeroAccumulatedGradients(threads: Int) {
    func zero(_ t: inout Tensor?) {
      guard t != nil else { return }
      t!.storage.withUnsafeMutableBufferPointer { buffer in
        let base = buffer.baseAddress!
        LayerThreads.forEachSlice(buffer.count, threads: threads, work: buffer.count) { _, range in
          (base + range.lowerBound).update(repeating: 0, count: range.count)
        }
      }
    }
    func zero(_ t: inout Tensor) { t.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    zero(&dFeatures)
    zero(&dLogits)
    zero(&blocks[blocks.count - 1].dOutput)
  }
}

private let emptyTensor = Tensor(shape: [0])
