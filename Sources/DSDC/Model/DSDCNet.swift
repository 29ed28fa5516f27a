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

  /// The activation and gradient buffers of the last batch size run (see `workspace(for:)`).
  private(set) var currentWorkspace: DSDCNetWorkspace?

  /// A network with PyTorch's default initialisation (see `Conv2D`, `Linear`,
  /// `BatchNorm2d`), drawn from `generator` in `state_dict` order.
  public init(config: DSDCNetConfig = DSDCNetConfig(), using generator: inout SeededGenerator) {
    self.config = config
    stem = Conv2D(name: "stem", geometry: config.stemGeometry, using: &generator)
    stemBN = BatchNorm2d(name: "stem_bn", channels: config.stemChannels, fusedReLU: true)
    var blocks: [DSDCBlock] = []
    for b in config.blocks.indices {
      blocks.append(DSDCBlock(name: "block\(b + 1)", config: config, index: b, using: &generator))
    }
    self.blocks = blocks
    classifier = Linear(
      name: "classifier", inFeatures: config.blocks.last!.channels,
      outFeatures: config.classes, using: &generator)
    var parameters = [stem.weight, stemBN.weight, stemBN.bias]
    for block in blocks {
      parameters += block.convolutions.map(\.weight) + [block.bn.weight, block.bn.bias]
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
    let result = SoftmaxCrossEntropy.forward(
      logits: ws.logits, labels: labels, probabilities: &ws.probabilities,
      labelSmoothing: labelSmoothing)
    zeroGradients()
    ws.zeroAccumulatedGradients(threads: threads)
    SoftmaxCrossEntropy.backward(
      probabilities: ws.probabilities, labels: labels, dLogits: &ws.dLogits,
      labelSmoothing: labelSmoothing)
    backward(input, ws)
    return result
  }

  /// The logits `(N, classes)` for normalised images `(N, 1, 28, 28)`, in eval mode
  /// (running BatchNorm statistics) unless `training` is set.
  ///
  /// Eval mode runs the fused pass (`DSDCNetInference.swift`): each thread takes its
  /// images through the whole network a couple at a time, BatchNorm and ReLU in the
  /// convolutions' epilogues. Its reference, the layer-by-layer `forward`, runs a batch
  /// larger than `inferenceSlice` images one slice at a time, so its memory holds one
  /// slice's activations instead of the whole batch's (1,000 images: 15 slices of 64,
  /// then the last 64). Each image's logits are the same bits in every case: in eval
  /// mode no layer mixes images, and every sum runs in the same order whatever the batch size.
  public func logits(input: Tensor, training: Bool = false) -> Tensor {
    if !training && usesFusedInference {
      checkInput(input)
      return fusedLogits(input)
    }
    let batch = input.shape.first ?? 0
    let sliceSize = max(1, inferenceSlice)
    guard !training, batch > sliceSize else {
      let ws = workspace(for: input)
      forward(input, ws, training: training)
      return ws.logits
    }
    let imageSize = input.count / batch
    var result = Tensor(shape: [batch, config.classes])
    for sliceStart in stride(from: 0, to: batch, by: sliceSize) {
      // The last slice ends at the batch's end and overlaps the one before it (those
      // images are computed twice, to the same bits), so one workspace serves them all.
      let start = min(sliceStart, batch - sliceSize)
      let slice = Tensor(
        shape: [sliceSize] + input.shape.dropFirst(),
        storage: Array(input.storage[start * imageSize..<(start + sliceSize) * imageSize]))
      let ws = workspace(for: slice)
      forward(slice, ws, training: false)
      result.storage.replaceSubrange(
        start * config.classes..<(start + sliceSize) * config.classes, with: ws.logits.storage)
    }
    return result
  }

  /// Images per slice of the layer-by-layer eval-mode pass (see `logits`); 64, the
  /// comparison's and fine-tuning's training batch, whose workspace their models hold.
  public var inferenceSlice = 64

  /// Whether eval-mode `logits` and `evaluate` take the fused, depth-first pass
  /// (`DSDCNetInference.swift`) rather than `forward` layer by layer, which stays as its
  /// reference: the same bits, faster.
  var usesFusedInference = true

  /// Images each thread takes through the whole fused pass at a time: few enough that
  /// their activations stay in the core's cache.
  var inferenceChunk = 2
  /// The two threads that share one image in eval mode, when `threads ≥ 2`.
  var threadPair = ThreadPair.shared

  /// The loss and correct count, the logits and the softmax probabilities (both
  /// `(N, classes)`) in eval mode: the logits of `logits`, then the loss over all of
  /// them (the same bits however the logits were computed).
  public func evaluate(input: Tensor, labels: [Int])
    -> (result: SoftmaxCrossEntropy.Result, logits: Tensor, probabilities: Tensor)
  {
    if usesFusedInference || (input.shape.first ?? 0) > max(1, inferenceSlice) {
      let logits = self.logits(input: input)
      var probabilities = Tensor(shape: logits.shape)
      let result = SoftmaxCrossEntropy.forward(logits: logits, labels: labels, probabilities: &probabilities)
      return (result, logits, probabilities)
    }
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
    precondition(
      image.shape == inputShape(batch: 1), "activations(image:) wants \(inputShape(batch: 1)), got \(image.shape)")
    let ws = workspace(for: image)
    forward(image, ws, training: false)
    func drop(_ t: Tensor) -> Tensor { t.reshaped(Array(t.shape.dropFirst())) }
    var result = [(name: "stem", tensor: drop(ws.stemActivated))]
    for (block, buffers) in zip(blocks, ws.blocks) { result.append((block.name, drop(buffers.output))) }
    result.append(("pooled", drop(ws.features)))
    result.append(("logits", drop(ws.logits)))
    return result
  }

  /// The gradient of one position of the last block's output, summed over its
  /// channels, with respect to every input pixel, in eval mode (running BatchNorm
  /// statistics), one map per image:
  /// ```
  /// g[n, 0, r, s] = ∂(Σ_c y[n, c, i, j]) / ∂x[n, 0, r, s]        y: the last block's output
  /// ```
  /// Its magnitude, averaged over images, is the effective receptive field (Luo et al.
  /// 2016). Parameter gradients are left at zero.
  /// - Parameters:
  ///   - input: `(N, 1, 28, 28)`, normalised images
  ///   - row: the output row `i`, from 0
  ///   - column: the output column `j`, from 0
  /// - Returns: `(N, 1, 28, 28)`
  public func inputGradient(input: Tensor, row: Int, column: Int) -> Tensor {
    let ws = workspace(for: input)
    ws.allocateGradients()
    if ws.dInput == nil { ws.dInput = Tensor(shape: input.shape) }
    forward(input, ws, training: false)
    zeroGradients()
    ws.zeroAccumulatedGradients(threads: threads)
    let last = ws.blocks[ws.blocks.count - 1]
    let (channels, height, width) = (last.output.shape[1], last.output.shape[2], last.output.shape[3])
    precondition(
      row >= 0 && row < height && column >= 0 && column < width,
      "output position (\(row), \(column)) is outside the last block's \(height)×\(width) maps")
    for plane in 0..<(input.shape[0] * channels) {  // (N·C', h, w)
      last.dOutput!.storage[(plane * height + row) * width + column] = 1
    }
    backward(input, ws, fromLastBlock: true, inputGradient: true)
    zeroGradients()
    return ws.dInput!
  }

  /// Whether a separable block's pointwise convolution computes BatchNorm's input
  /// gradient a chunk at a time as it reads it, rather than BatchNorm writing all of it
  /// first: the same bits, less memory traffic. Tests compare the two.
  var chunksBatchNormGradient = true

  /// Times every layer's passes when set (see `LayerClock`); nil in normal use.
  public var layerClock: LayerClock?

  /// Runs one layer's pass, timed if a clock is attached.
  @inline(__always)
  private func pass(_ name: String, backward: Bool = false, _ body: () -> Void) {
    if let layerClock { layerClock.measure(name, backward: backward, body) } else { body() }
  }

  /// Forgets the activation buffers (they are rebuilt on the next pass).
  public func releaseWorkspaces() { currentWorkspace = nil }

  /// Stops with the expected shape unless `input` is a non-empty batch of images.
  private func checkInput(_ input: Tensor) {
    precondition(
      input.rank == 4 && input.shape[0] > 0 && input.shape == inputShape(batch: input.shape[0]),
      "DSDC-Net input must be \(inputShape(batch: input.shape.first ?? 0)) (N, C, H, W), got \(input.shape)")
  }

  /// The buffers for `input`'s batch size. One set of buffers is kept at a time: a
  /// batch of at least half the set's capacity (an epoch's last, shorter batch, then the
  /// next full one) uses its memory; any other size (a measurement after training)
  /// replaces it instead of adding a second set beside it. Every pass overwrites what
  /// it reads, so the numbers do not depend on which buffers it gets.
  private func workspace(for input: Tensor) -> DSDCNetWorkspace {
    checkInput(input)
    let batch = input.shape[0]
    if let ws = currentWorkspace, batch <= ws.capacity, 2 * batch >= ws.capacity {
      ws.resize(batch: batch)
      return ws
    }
    currentWorkspace = nil  // freed before the new buffers are allocated
    let ws = DSDCNetWorkspace(config: config, batch: batch)
    currentWorkspace = ws
    return ws
  }

  private func forward(_ input: Tensor, _ ws: DSDCNetWorkspace, training: Bool) {
    pass(stem.name) { stem.forward(input: input, output: &ws.stemOutput, threads: threads) }  // (N, 32, 28, 28)
    pass(stemBN.name) {
      stemBN.forward(input: ws.stemOutput, output: &ws.stemActivated, training: training, threads: threads)
    }
    var x = ws.stemActivated
    for (block, b) in zip(blocks, ws.blocks) {
      if let depthwise = block.depthwise, let pointwise = block.pointwise {
        pass(depthwise.name) {  // (N, C, H, W)
          depthwise.forward(input: x, output: &b.depthwiseOutput, threads: threads)
        }
        pass(pointwise.name) {  // (N, C', H, W)
          pointwise.forward(input: b.depthwiseOutput, output: &b.convolved, threads: threads)
        }
      } else {
        let conv = block.convolutions[0]
        pass(conv.name) { conv.forward(input: x, output: &b.convolved, threads: threads) }  // (N, C', H, W)
      }
      pass(block.bn.name) {
        if b.pools {  // (N, C', H/2, W/2)
          block.bn.forward(
            input: b.convolved, pooledOutput: &b.output, argmax: &b.argmax,
            training: training, threads: threads)
        } else {  // (N, C', H, W)
          block.bn.forward(input: b.convolved, output: &b.output, training: training, threads: threads)
        }
      }
      x = b.output
    }
    pass("pool") { globalPool.forward(input: x, output: &ws.features) }  // (N, C_last)
    pass(classifier.name) { classifier.forward(input: ws.features, output: &ws.logits) }  // (N, classes)
  }

  /// Backward from `ws.dLogits` (or, with `fromLastBlock`, from the last block's
  /// `dOutput`), walking the layers in reverse. A layer passes a gradient down only
  /// when a layer below it trains, or when `inputGradient` asks for `∂/∂input`
  /// (into `ws.dInput`); so a frozen prefix of the network costs nothing.
  private func backward(
    _ input: Tensor, _ ws: DSDCNetWorkspace, fromLastBlock: Bool = false,
    inputGradient: Bool = false
  ) {
    // Whether each layer trains, in forward order: stem, stem_bn, every block's
    // convolutions and BatchNorm, classifier.
    var trains = [!stem.isFrozen, !stemBN.isFrozen]
    for block in blocks { trains += block.convolutions.map { !$0.isFrozen } + [!block.bn.isFrozen] }
    trains.append(!classifier.isFrozen)
    guard let earliest = inputGradient ? -1 : trains.firstIndex(of: true) else { return }
    var layer = trains.count - 1  // the layer whose backward pass runs next
    /// Whether the layer just run must hand a gradient to the one below it.
    func passesDown() -> Bool {
      layer -= 1
      return layer >= earliest
    }

    if fromLastBlock {
      layer -= 1
    } else {
      guard layer - 1 >= earliest else {
        var none: Tensor? = nil
        pass(classifier.name, backward: true) {
          classifier.backward(input: ws.features, dOutput: ws.dLogits, dInput: &none)
        }
        return
      }
      pass(classifier.name, backward: true) {
        classifier.backward(input: ws.features, dOutput: ws.dLogits, dInput: &ws.dFeatures)
      }
      layer -= 1
      pass("pool", backward: true) { globalPool.backward(dOutput: ws.dFeatures!, dInput: &ws.blocks.last!.dOutput!) }
    }
    for index in blocks.indices.reversed() {
      let (block, b) = (blocks[index], ws.blocks[index])
      // A pointwise convolution takes BatchNorm's input gradient chunk by chunk
      // (`BatchNormGradientByImage.swift`): BatchNorm's backward pass here is its sums.
      let (x, y, argmax, dy) = (b.convolved, b.output, b.argmax, b.dOutput!)
      let chunked: OutputGradientSource? =
        !chunksBatchNormGradient || block.pointwise == nil
        ? nil
        : b.pools
          ? { images, target in
            block.bn.writeInputGradient(
              images: images, input: x, pooledOutput: y, argmax: argmax, dOutput: dy, into: target)
          }
          : { images, target in block.bn.writeInputGradient(images: images, input: x, dOutput: dy, into: target) }
      pass(block.bn.name, backward: true) {
        if chunked != nil {
          if b.pools {
            block.bn.backwardSums(input: x, pooledOutput: y, argmax: argmax, dOutput: dy, threads: threads)
          } else {
            block.bn.backwardSums(input: x, dOutput: dy, threads: threads)
          }
        } else {
          if b.dConvolved.count == 0 { b.dConvolved = Tensor(shape: b.convolved.shape) }  // first pass without chunks
          if b.pools {
            block.bn.backward(
              input: x, pooledOutput: y, argmax: argmax, dOutput: dy, dInput: &b.dConvolved, accumulate: false,
              threads: threads)
          } else {
            block.bn.backward(input: x, dOutput: dy, dInput: &b.dConvolved, accumulate: false, threads: threads)
          }
        }
      }
      guard passesDown() else { return }
      // The block's input, and where its gradient goes.
      let blockInput = index == 0 ? ws.stemActivated : ws.blocks[index - 1].output
      func intoBlockInput(_ body: (inout Tensor?) -> Void) {
        if index == 0 { body(&ws.dStemActivated) } else { body(&ws.blocks[index - 1].dOutput) }
      }
      if let depthwise = block.depthwise, let pointwise = block.pointwise {
        pass(pointwise.name, backward: true) {
          if let chunked {
            pointwise.backward(
              input: b.depthwiseOutput, outputGradient: chunked, dInput: &b.dDepthwiseOutput, accumulate: false,
              threads: threads)
          } else {
            pointwise.backward(
              input: b.depthwiseOutput, dOutput: b.dConvolved, dInput: &b.dDepthwiseOutput, accumulate: false,
              threads: threads)
          }
        }
        guard passesDown() else { return }
        pass(depthwise.name, backward: true) {
          intoBlockInput {
            depthwise.backward(
              input: blockInput, dOutput: b.dDepthwiseOutput!, dInput: &$0, accumulate: false, threads: threads)
          }
        }
      } else {
        let conv = block.convolutions[0]
        pass(conv.name, backward: true) {
          intoBlockInput {
            conv.backward(input: blockInput, dOutput: b.dConvolved, dInput: &$0, accumulate: false, threads: threads)
          }
        }
      }
      guard passesDown() else { return }
    }
    pass(stemBN.name, backward: true) {
      stemBN.backward(
        input: ws.stemOutput, dOutput: ws.dStemActivated!, dInput: &ws.dStemOutput,
        accumulate: false, threads: threads)
    }
    guard passesDown() else { return }
    if inputGradient {
      pass(stem.name, backward: true) {
        stem.backward(input: input, dOutput: ws.dStemOutput, dInput: &ws.dInput, accumulate: false, threads: threads)
      }
    } else {
      var none: Tensor? = nil
      pass(stem.name, backward: true) {
        stem.backward(input: input, dOutput: ws.dStemOutput, dInput: &none, threads: threads)
      }
    }
  }
}
