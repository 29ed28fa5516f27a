/// DSDC-Net, the depthwise-separable dilated convolutional network the course builds
/// and trains on MNIST (layer table in `DSDCNetConfig`).
///
/// The model owns its layers (weights, gradients, BatchNorm statistics) and one
/// workspace of activation buffers per batch size it has seen, so repeated steps at
/// the same batch size allocate nothing. Images go in normalised, `(N, 1, 28, 28)`.
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let model = DSDCNet(using: &rng)
/// let result = model.computeGradients(input: images, labels: labels)   // training mode
/// let logits = model.logits(input: images)                              // eval mode
/// ```
public final class DSDCNet {
  /// Widths, dilations, image size.
  public let config: DSDCNetConfig
  /// Standard K×K convolution, 1 → 32 channels.
  public let stem: Conv2D
  /// BatchNorm (+ ReLU) after the stem; `state_dict` name `stem_bn`.
  public let stemBN: BatchNorm2d
  /// The separable blocks, `block1`, `block2`, … .
  public let blocks: [DSDCBlock]
  /// Global average pooling before the classifier.
  public let globalPool = GlobalAveragePool()
  /// Linear C_last → classes; `state_dict` name `classifier`.
  public let classifier: Linear
  /// The trainable tensors in `state_dict` order.
  public let parameters: [Parameter]
  /// Threads handed to the convolution kernels and the element-wise layers.
  public var threads: Int = 1

  private var workspaces: [Int: DSDCNetWorkspace] = [:]

  /// A network with PyTorch's default initialisation (see `Conv2D`, `Linear`,
  /// `BatchNorm2d`), drawn from `generator` in `state_dict` order.
  public init(config: DSDCNetConfig = DSDCNetConfig(), using generator: inout SeededGenerator) {
    self.config = config
    stem = Conv2D(name: "stem", geometry: config.stemGeometry, using: &generator)
    stemBN = BatchNorm2d(name: "stem_bn", channels: config.stemChannels, fusedReLU: true)
    var blocks: [DSDCBlock] = []
    for b in config.blocks.indices {
      blocks.append(DSDCBlock(name: "block\(b + 1)", depthwise: config.depthwiseGeometry(b),
                              pointwise: config.pointwiseGeometry(b), pools: config.blocks[b].pools,
                              using: &generator))
    }
    self.blocks = blocks
    classifier = Linear(name: "classifier", inFeatures: config.blocks.last!.channels,
                        outFeatures: config.classes, using: &generator)
    var parameters = [stem.weight, stemBN.weight, stemBN.bias]
    for block in blocks {
      parameters += [block.depthwise.weight, block.pointwise.weight, block.bn.weight, block.bn.bias]
    }
    self.parameters = parameters + [classifier.weight, classifier.bias]
  }

  /// The number of trainable numbers (30,922 for the default configuration).
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// The number of numbers an optimiser changes: those of unfrozen parameters.
  public var trainableParameterCount: Int { parameters.filter { !$0.isFrozen }.reduce(0) { $0 + $1.count } }

  /// Every BatchNorm layer, in order.
  public var batchNorms: [BatchNorm2d] { [stemBN] + blocks.map(\.bn) }

  /// The shape one batch of input images must have.
  public func inputShape(batch: Int) -> [Int] {
    [batch, config.inputChannels, config.imageSize, config.imageSize]
  }

  // MARK: - Freezing

  /// Freezes (or unfreezes) every parameter whose name satisfies `predicate`, e.g.
  /// `model.setFrozen(true) { !$0.hasPrefix("classifier.") }` to train the head only.
  public func setFrozen(_ frozen: Bool, where predicate: (String) -> Bool) {
    for parameter in parameters where predicate(parameter.name) { parameter.isFrozen = frozen }
  }

  /// Makes every parameter trainable again.
  public func unfreezeAll() { setFrozen(false) { _ in true } }

  /// Sets every parameter gradient to 0.
  public func zeroGradients() {
    for parameter in parameters { parameter.zeroGradient() }
  }

  // MARK: - Forward and backward

  /// Forward pass in training mode, the loss, and the backward pass: afterwards every
  /// trainable parameter's `gradient` holds `∂L/∂θ` for this batch (gradients are
  /// zeroed first) and the BatchNorm running statistics have moved one step.
  /// - Parameters:
  ///   - input: `(N, 1, 28, 28)`, normalised images
  ///   - labels: `N` classes
  ///   - labelSmoothing: `ε` of the cross-entropy (0: plain one-hot targets)
  public func computeGradients(input: Tensor, labels: [Int], labelSmoothing: Float = 0) -> SoftmaxCrossEntropy.Result {
    let ws = workspace(for: input)
    ws.allocateGradients()
    forward(input, ws, training: true)
    let result = SoftmaxCrossEntropy.forward(logits: ws.logits, labels: labels, probabilities: &ws.probabilities,
                                             labelSmoothing: labelSmoothing)
    zeroGradients()
    ws.zeroAccumulatedGradients(threads: threads)
    SoftmaxCrossEntropy.backward(probabilities: ws.probabilities, labels: labels, dLogits: &ws.dLogits,
                                 labelSmoothing: labelSmoothing)
    backward(input, ws)
    return result
  }

  /// The logits `(N, classes)` for normalised images `(N, 1, 28, 28)`, in eval mode
  /// (running BatchNorm statistics) unless `training` is set.
  public func logits(input: Tensor, training: Bool = false) -> Tensor {
    let ws = workspace(for: input)
    forward(input, ws, training: training)
    return ws.logits
  }

  /// The loss and correct count, the logits and the softmax probabilities (both
  /// `(N, classes)`) in eval mode.
  public func evaluate(input: Tensor, labels: [Int])
    -> (result: SoftmaxCrossEntropy.Result, logits: Tensor, probabilities: Tensor)
  {
    let ws = workspace(for: input)
    forward(input, ws, training: false)
    let result = SoftmaxCrossEntropy.forward(logits: ws.logits, labels: labels, probabilities: &ws.probabilities)
    return (result, ws.logits, ws.probabilities)
  }

  /// The feature maps of one image after the stem and after each block, eval mode,
  /// for lessons and plots: `[("stem", (32, 28, 28)), ("block1", (64, 14, 14)), …,
  /// ("pooled", (128)), ("logits", (10))]`.
  /// - Parameter image: `(1, 1, 28, 28)`, normalised
  public func activations(image: Tensor) -> [(name: String, tensor: Tensor)] {
    precondition(image.shape == inputShape(batch: 1), "activations(image:) wants \(inputShape(batch: 1)), got \(image.shape)")
    let ws = workspace(for: image)
    forward(image, ws, training: false)
    func drop(_ t: Tensor) -> Tensor { t.reshaped(Array(t.shape.dropFirst())) }
    var result = [(name: "stem", tensor: drop(ws.stemActivated))]
    for (block, buffers) in zip(blocks, ws.blocks) { result.append((block.name, drop(buffers.output))) }
    result.append(("pooled", drop(ws.features)))
    result.append(("logits", drop(ws.logits)))
    return result
  }

  /// Times every layer's passes when set (see `LayerClock`); nil in normal use.
  public var layerClock: LayerClock?

  /// Runs one layer's pass, timed if a clock is attached.
  @inline(__always)
  private func pass(_ name: String, backward: Bool = false, _ body: () -> Void) {
    if let layerClock { layerClock.measure(name, backward: backward, body) } else { body() }
  }

  /// Forgets the activation buffers (they are rebuilt on the next pass).
  public func releaseWorkspaces() { workspaces = [:] }

  private func workspace(for input: Tensor) -> DSDCNetWorkspace {
    precondition(input.rank == 4 && input.shape[0] > 0 && input.shape == inputShape(batch: input.shape[0]),
      "DSDC-Net input must be \(inputShape(batch: input.shape.first ?? 0)) (N, C, H, W), got \(input.shape)")
    let batch = input.shape[0]
    if let ws = workspaces[batch] { return ws }
    let ws = DSDCNetWorkspace(config: config, batch: batch)
    workspaces[batch] = ws
    return ws
  }

  private func forward(_ input: Tensor, _ ws: DSDCNetWorkspace, training: Bool) {
    pass(stem.name) { stem.forward(input: input, output: &ws.stemOutput, threads: threads) }   // (N, 32, 28, 28)
    pass(stemBN.name) {
      stemBN.forward(input: ws.stemOutput, output: &ws.stemActivated, training: training, threads: threads)
    }
    var x = ws.stemActivated
    for (block, b) in zip(blocks, ws.blocks) {
      pass(block.depthwise.name) {                                                             // (N, C, H, W)
        block.depthwise.forward(input: x, output: &b.depthwiseOutput, threads: threads)
      }
      pass(block.pointwise.name) {                                                             // (N, C', H, W)
        block.pointwise.forward(input: b.depthwiseOutput, output: &b.pointwiseOutput, threads: threads)
      }
      pass(block.bn.name) {
        if b.pools {                                                                           // (N, C', H/2, W/2)
          block.bn.forward(input: b.pointwiseOutput, pooledOutput: &b.output, argmax: &b.argmax,
                           training: training, threads: threads)
        } else {                                                                               // (N, C', H, W)
          block.bn.forward(input: b.pointwiseOutput, output: &b.output, training: training, threads: threads)
        }
      }
      x = b.output
    }
    pass("pool") { globalPool.forward(input: x, output: &ws.features) }                        // (N, C_last)
    pass(classifier.name) { classifier.forward(input: ws.features, output: &ws.logits) }      // (N, classes)
  }

  /// Backward from `ws.dLogits`, stopping below the earliest trainable layer (a frozen
  /// prefix of the network needs no input gradients).
  private func backward(_ input: Tensor, _ ws: DSDCNetWorkspace) {
    // Layers in forward order: stem 0, stem_bn 1, block b at 2 + 3b (depthwise),
    // 3 + 3b (pointwise), 4 + 3b (bn), classifier last.
    let classifierIndex = 2 + 3 * blocks.count
    func isTrainable(_ index: Int) -> Bool {
      switch index {
      case 0: return !stem.isFrozen
      case 1: return !stemBN.isFrozen
      case classifierIndex: return !classifier.isFrozen
      default:
        let block = blocks[(index - 2) / 3]
        switch (index - 2) % 3 {
        case 0: return !block.depthwise.isFrozen
        case 1: return !block.pointwise.isFrozen
        default: return !block.bn.isFrozen
        }
      }
    }
    var earliest = 0
    while earliest <= classifierIndex && !isTrainable(earliest) { earliest += 1 }
    guard earliest <= classifierIndex else { return }
    // Layer `index` must pass a gradient down when some earlier layer is trainable.
    func passesDown(_ index: Int) -> Bool { index > earliest }

    guard passesDown(classifierIndex) else {
      var none: Tensor? = nil
      pass(classifier.name, backward: true) { classifier.backward(input: ws.features, dOutput: ws.dLogits, dInput: &none) }
      return
    }
    pass(classifier.name, backward: true) {
      classifier.backward(input: ws.features, dOutput: ws.dLogits, dInput: &ws.dFeatures)
    }
    pass("pool", backward: true) { globalPool.backward(dOutput: ws.dFeatures!, dInput: &ws.blocks.last!.dOutput!) }
    for index in blocks.indices.reversed() {
      let (block, b) = (blocks[index], ws.blocks[index])
      let base = 2 + 3 * index
      pass(block.bn.name, backward: true) {
        if b.pools {
          block.bn.backward(input: b.pointwiseOutput, pooledOutput: b.output, argmax: b.argmax, dOutput: b.dOutput!,
                            dInput: &b.dPointwiseOutput, accumulate: false, threads: threads)
        } else {
          block.bn.backward(input: b.pointwiseOutput, dOutput: b.dOutput!, dInput: &b.dPointwiseOutput,
                            accumulate: false, threads: threads)
        }
      }
      guard passesDown(base + 2) else { return }
      pass(block.pointwise.name, backward: true) {
        block.pointwise.backward(input: b.depthwiseOutput, dOutput: b.dPointwiseOutput,
                                 dInput: &b.dDepthwiseOutput, threads: threads)
      }
      guard passesDown(base + 1) else { return }
      pass(block.depthwise.name, backward: true) {
        if index == 0 {
          block.depthwise.backward(input: ws.stemActivated, dOutput: b.dDepthwiseOutput!,
                                   dInput: &ws.dStemActivated, threads: threads)
        } else {
          block.depthwise.backward(input: ws.blocks[index - 1].output, dOutput: b.dDepthwiseOutput!,
                                   dInput: &ws.blocks[index - 1].dOutput, threads: threads)
        }
      }
      guard passesDown(base) else { return }
    }
    pass(stemBN.name, backward: true) {
      stemBN.backward(input: ws.stemOutput, dOutput: ws.dStemActivated!, dInput: &ws.dStemOutput,
                      accumulate: false, threads: threads)
    }
    guard passesDown(1) else { return }
    var none: Tensor? = nil
    pass(stem.name, backward: true) { stem.backward(input: input, dOutput: ws.dStemOutput, dInput: &none, threads: threads) }
  }
}
