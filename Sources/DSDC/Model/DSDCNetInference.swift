/// DSDC-Net's eval-mode forward pass for `logits` and `evaluate`, depth first: each
/// thread takes its share of the batch through the whole network a few images at a
/// time (`inferenceChunk`), so every activation is read again while it is still in the
/// core's cache, and every BatchNorm (+ ReLU) runs in the epilogue of the convolution
/// before it (`RowEpilogue`) instead of in a pass of its own:
/// ```
/// per thread, per chunk of images:
///   stem conv, stem_bn + ReLU in its epilogue                            → P
///   each block:  depthwise P → D, pointwise D → Q      (separable)
///                conv P → Q                            (standard)
///                with the block's bn + ReLU in the epilogue
///                2×2 max-pool Q → P, or P and Q swap roles
///   global average pool → classifier → the chunk's rows of the logits
/// ```
/// Every logit has the bits of the layer-by-layer pass (`forward` in eval mode), which
/// stays as the reference (`usesFusedInference = false`): no layer mixes images and
/// every sum runs in the same order whatever the batch, so which images go through
/// together changes nothing; the epilogue performs on each stored convolution output
/// the BatchNorm's own operations with the same scale and shift (one fused
/// multiply-add, then the ReLU); the max-pool takes the maximum of the same values (a
/// ReLU's, never NaN nor −0, whose maximum does not depend on the order of comparison).
/// The BatchNorm weights are not folded into the convolutions (that would round differently).
/// The activations of a chunk never leave the thread's scratch memory: a batch of any
/// size needs a few MB besides its input and logits.
/// A single image on two or more threads goes through `ThreadPair.shared` instead, each
/// thread taking half of every layer's channels (`runOnPair`), with the same bits.
extension DSDCNet {
  /// Logits `(N, classes)` of a checked input `(N, C, H, W)`, eval mode.
  func fusedLogits(_ input: Tensor) -> Tensor {
    let batch = input.shape[0]
    var arrays: [[Float]] = []
    let plan = InferencePlan(self, pinning: &arrays)
    var logits = Tensor(shape: [batch, config.classes])
    let parts = max(1, min(threads, batch))
    let chunk = max(1, inferenceChunk)
    let clock = layerClock
    let slots = plan.names.count
    var times = [Double](repeating: 0, count: parts * slots)
    // One image on two threads: each takes half of every layer's channels.
    let pairs = batch == 1 && threads >= 2 && clock == nil && plan.splitsChannels && ThreadPair.hasTwoCores
    withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: arrays.count) { pinned in
      withPinned(arrays, into: pinned.baseAddress!) {
        input.storage.withUnsafeBufferPointer { x in
          logits.storage.withUnsafeMutableBufferPointer { y in
            times.withUnsafeMutableBufferPointer { t in
              let memory = InferenceMemory(
                pinned: UnsafePointer(pinned.baseAddress!), input: x.baseAddress!, logits: y.baseAddress!,
                times: clock == nil ? nil : t.baseAddress!)
              if pairs && plan.runOnPair(memory, threadPair) { return }
              Parallel.forEachPart(parts) { part in
                plan.run(images: Parallel.slice(part, of: parts, count: batch), chunk: chunk, memory, part: part)
              }
            }
          }
        }
      }
    }
    if let clock {
      // Each layer's time on one thread, averaged over the threads (about its share of
      // the wall clock, as they run side by side).
      for (slot, name) in plan.names.enumerated() {
        clock.add((0..<parts).reduce(0) { $0 + times[$1 * slots + slot] } / Double(parts), to: name)
      }
    }
    return logits
  }
}

/// Pins the storage of `arrays[i...]` (none empty) for the length of `body`, their
/// addresses in `pointers[i...]`.
private func withPinned(
  _ arrays: [[Float]], from i: Int = 0, into pointers: UnsafeMutablePointer<UnsafePointer<Float>>,
  _ body: () -> Void
) {
  guard i < arrays.count else { return body() }
  arrays[i].withUnsafeBufferPointer { buffer in
    pointers[i] = buffer.baseAddress!
    withPinned(arrays, from: i + 1, into: pointers, body)
  }
}

/// The memory of one `fusedLogits` call, shared by its threads (each writes only its
/// own images' logits and its own row of `times`).
private struct InferenceMemory: @unchecked Sendable {
  /// Weights, biases, BatchNorm scales and shifts, classifier, at `InferencePlan`'s indices.
  let pinned: UnsafePointer<UnsafePointer<Float>>
  let input: UnsafePointer<Float>  // (N, C, H, W)
  let logits: UnsafeMutablePointer<Float>  // (N, classes)
  /// `(threads, layers)` seconds, when a `LayerClock` is attached.
  let times: UnsafeMutablePointer<Double>?
}

/// What the fused pass runs, layer by layer, with indices into the pinned arrays.
private struct InferencePlan: Sendable {
  /// One convolution and the BatchNorm in its epilogue, if any.
  struct Step: Sendable {
    var geometry: Conv2DGeometry
    /// Height and width of the input.
    var height: Int, width: Int
    /// Index of the weight and of the bias (if any).
    var weight: Int, bias: Int?
    /// Index of the epilogue's scale (its shift follows), and whether a ReLU ends it.
    var norm: Int?, relu: Bool
    /// Clock slot.
    var slot: Int
  }

  /// One block: its convolutions and whether it pools their (normalised) output.
  struct Block: Sendable {
    /// Depthwise then pointwise, or the one standard convolution.
    var steps: [Step]
    var pools: Bool
    /// `(C', H, W)` of the convolution's output.
    var channels: Int, height: Int, width: Int
    /// Clock slot of the BatchNorm (the pooling pass; the normalisation itself is in
    /// the convolution's time).
    var slot: Int
  }

  var stem: Step
  var blocks: [Block] = []
  /// Floats per image of the input, of the buffers P and Q, and of D.
  var inputFloats: Int, activationFloats: Int, depthwiseFloats = 1
  /// `(C, H, W)` of the last block's output.
  var lastChannels = 0, lastHeight = 0, lastWidth = 0
  var classes: Int
  /// Index of the classifier's weight (its bias follows).
  var classifier = 0
  /// Layer names in `forward`'s order: the clock's slots.
  var names: [String] = []

  /// The plan of `model`'s eval pass; appends to `arrays` the weights, biases, the
  /// BatchNorms' eval scales and shifts (see `BatchNorm2d.evalScaleShift`) and the
  /// classifier, which the plan's indices point into.
  init(_ model: DSDCNet, pinning arrays: inout [[Float]]) {
    let config = model.config
    var names: [String] = []
    func add(_ array: [Float]) -> Int {
      arrays.append(array)
      return arrays.count - 1
    }
    func step(_ conv: Conv2D, height: Int, width: Int, norm: BatchNorm2d?) -> Step {
      let weight = add(conv.weight.value.storage)
      let bias = conv.bias.map { add($0.value.storage) }
      let scale = norm.map { bn in
        let (scale, shift) = bn.evalScaleShift()
        defer { _ = add(shift) }
        return add(scale)
      }
      names.append(conv.name)
      return Step(
        geometry: conv.geometry, height: height, width: width, weight: weight, bias: bias,
        norm: scale, relu: norm?.fusedReLU ?? false, slot: names.count - 1)
    }
    let size = config.imageSize
    inputFloats = config.inputChannels * size * size
    classes = config.classes
    stem = step(model.stem, height: size, width: size, norm: model.stemBN)
    names.append(model.stemBN.name)
    var (channels, height, width) = (config.stemChannels, size, size)
    var largest = channels * height * width
    for (index, block) in model.blocks.enumerated() {
      var steps: [Step] = []
      precondition(block.convolutions.count <= 2, "a block has one convolution or a depthwise-pointwise pair")
      for conv in block.convolutions {
        let isLast = conv === block.convolutions.last
        steps.append(step(conv, height: height, width: width, norm: isLast ? block.bn : nil))
        (height, width) = conv.geometry.outputSize(height: height, width: width)
        if !isLast { depthwiseFloats = max(depthwiseFloats, conv.geometry.outChannels * height * width) }
      }
      channels = block.convolutions.last!.geometry.outChannels
      largest = max(largest, channels * height * width)
      let pools = config.blocks[index].pools
      precondition(
        !pools || block.bn.fusedReLU, "BatchNorm2d \(block.bn.name): the pooled forward pass needs fusedReLU")
      names.append(block.bn.name)
      blocks.append(
        Block(steps: steps, pools: pools, channels: channels, height: height, width: width, slot: names.count - 1))
      if pools { (height, width) = (height / 2, width / 2) }
    }
    activationFloats = largest
    (lastChannels, lastHeight, lastWidth) = (channels, height, width)
    names += ["pool", model.classifier.name]
    classifier = add(model.classifier.weight.value.storage)
    _ = add(model.classifier.bias.value.storage)
    self.names = names
  }

  /// Whether every convolution either works channel by channel (depthwise) or reads
  /// every input channel for each output channel (groups 1): then one image can be
  /// split by channels (`runOnPair`).
  var splitsChannels: Bool {
    ([stem] + blocks.flatMap(\.steps)).allSatisfy { $0.geometry.isDepthwise || $0.geometry.groups == 1 }
  }

  /// The first image of the batch through the network on `pair`, each thread computing
  /// its half of every layer's channels; false, with nothing done, when the pair is busy
  /// or backing off. The two threads meet before a convolution that reads every input
  /// channel (its input must be complete) and after it (its input may then be
  /// overwritten); depthwise convolutions, BatchNorm, ReLU, pooling and the global
  /// average need only the thread's own channels. Each output is computed by the same
  /// operations as on one thread, so the logits have the same bits.
  func runOnPair(_ memory: InferenceMemory, _ pair: ThreadPair) -> Bool {
    withBuffers(images: 1) { buffers in
      pair.run { part, barrier in runHalf(part, memory, buffers, &barrier) }
    }
  }

  /// The activations of `images` images at a time (on the pair, each thread writes only
  /// its own channels between barriers).
  struct Buffers: @unchecked Sendable {
    let p: UnsafeMutablePointer<Float>  // (n, C, H, W)
    let q: UnsafeMutablePointer<Float>  // (n, C', H, W)
    let d: UnsafeMutablePointer<Float>  // (n, C, H, W), a depthwise output
    let features: UnsafeMutablePointer<Float>  // (n, C_last)
  }

  /// Lends `body` the buffers of `images` images from the scratch pool.
  private func withBuffers<R>(images: Int, _ body: (Buffers) -> R) -> R {
    var layout = ScratchLayout()
    layout.floats(images * activationFloats)
    layout.floats(images * activationFloats)
    layout.floats(images * depthwiseFloats)
    layout.floats(images * lastChannels)
    return ScratchPool.shared.withScratch(layout) { scratch in
      body(
        Buffers(
          p: scratch.floats(images * activationFloats), q: scratch.floats(images * activationFloats),
          d: scratch.floats(images * depthwiseFloats), features: scratch.floats(images * lastChannels)))
    }
  }

  /// The 2×2 max-pool of `planes` (image-major planes of `block`'s output) from `input`
  /// into `output`.
  private func pool(
    _ block: Block, planes: Range<Int>, _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>
  ) {
    let (height, width, outH, outW) = (block.height, block.width, block.height / 2, block.width / 2)
    for plane in planes {
      for i in 0..<outH {
        let row = input + plane * height * width + 2 * i * width
        MaxPool2d.maxRowAfterReLU(row, row + width, output + (plane * outH + i) * outW, outWidth: outW)
      }
    }
  }

  /// Part `part` of `runOnPair`.
  private func runHalf(
    _ part: Int, _ memory: InferenceMemory, _ buffers: Buffers, _ barrier: inout PairBarrier
  ) {
    /// The thread's channels of a layer with `channels` outputs: halves cut at a
    /// multiple of 8 (whole rows of the matrix product's register tile).
    func half(_ channels: Int) -> Range<Int> {
      let cut = Swift.min(channels, ((channels + 1) / 2 + 7) / 8 * 8)
      return part == 0 ? 0..<cut : cut..<channels
    }
    // `shared`: the input is one of the pair's buffers (the stem reads the image).
    func convolve(
      _ step: Step, _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, shared: Bool = true
    ) {
      var g = step.geometry
      let own = half(g.outChannels)
      let (outH, outW) = g.outputSize(height: step.height, width: step.width)
      let all = !g.isDepthwise
      if all && shared { barrier.wait() }
      defer { if all && shared { barrier.wait() } }
      guard !own.isEmpty else { return }
      var (source, weight) = (input, memory.pinned[step.weight])
      if all {
        g.outChannels = own.count
        weight += own.lowerBound * g.inChannels * g.kernel * g.kernel
      } else {
        (g.inChannels, g.outChannels, g.groups) = (own.count, own.count, own.count)
        source += own.lowerBound * step.height * step.width
        weight += own.lowerBound * g.kernel * g.kernel
      }
      let shape = ConvolutionShape(batch: 1, height: step.height, width: step.width, geometry: g)
      let problem = ConvolutionProblem(
        shape: shape, input: source, weight: weight, bias: step.bias.map { memory.pinned[$0] + own.lowerBound })
      let epilogue = step.norm.map {
        RowEpilogue(
          scale: memory.pinned[$0] + own.lowerBound, shift: memory.pinned[$0 + 1] + own.lowerBound, relu: step.relu)
      }
      Convolution.forward(problem, images: 0..<1, output: output + own.lowerBound * outH * outW, epilogue: epilogue)
    }
    var (current, other) = (buffers.p, buffers.q)
    convolve(stem, memory.input, into: current, shared: false)
    for block in blocks {
      if block.steps.count == 2 {
        convolve(block.steps[0], current, into: buffers.d)
        convolve(block.steps[1], buffers.d, into: other)
      } else {
        convolve(block.steps[0], current, into: other)
      }
      guard block.pools else {
        swap(&current, &other)
        continue
      }
      pool(block, planes: half(block.channels), other, into: current)
    }
    let planeSize = lastHeight * lastWidth
    let own = half(lastChannels)
    GlobalAveragePool.forward(
      current + own.lowerBound * planeSize, planes: own.count, planeSize: planeSize, buffers.features + own.lowerBound)
    barrier.wait()
    guard part == 0 else { return }
    Linear.forward(
      buffers.features, batch: 1, weight: memory.pinned[classifier], bias: memory.pinned[classifier + 1],
      memory.logits, inFeatures: lastChannels, outFeatures: classes)
  }

  /// Images `images` of the batch through the whole network on the calling thread,
  /// `chunk` at a time.
  func run(images: Range<Int>, chunk: Int, _ memory: InferenceMemory, part: Int) {
    guard !images.isEmpty else { return }
    let chunk = min(chunk, images.count)
    let times = memory.times.map { $0 + part * names.count }
    withBuffers(images: chunk) { buffers in
      var first = images.lowerBound
      while first < images.upperBound {
        let count = min(chunk, images.upperBound - first)
        run(first: first, count: count, memory, buffers: buffers, times: times)
        first += count
      }
    }
  }

  /// Images `first..<first + count` through the network.
  private func run(
    first: Int, count: Int, _ memory: InferenceMemory,
    buffers: Buffers, times: UnsafeMutablePointer<Double>?
  ) {
    func timed(_ slot: Int, _ body: () -> Void) {
      guard let times else { return body() }
      let clock = ContinuousClock()
      let start = clock.now
      body()
      times[slot] += DSDC.seconds(clock.now - start)
    }
    func convolve(_ step: Step, _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
      let shape = ConvolutionShape(batch: count, height: step.height, width: step.width, geometry: step.geometry)
      let problem = ConvolutionProblem(
        shape: shape, input: input, weight: memory.pinned[step.weight], bias: step.bias.map { memory.pinned[$0] })
      let epilogue = step.norm.map {
        RowEpilogue(scale: memory.pinned[$0], shift: memory.pinned[$0 + 1], relu: step.relu)
      }
      timed(step.slot) { Convolution.forward(problem, images: 0..<count, output: output, epilogue: epilogue) }
    }
    var (current, other) = (buffers.p, buffers.q)
    convolve(stem, memory.input + first * inputFloats, into: current)  // (n, C, H, W), normalised
    for block in blocks {
      if block.steps.count == 2 {
        convolve(block.steps[0], current, into: buffers.d)  // depthwise (n, C, H, W)
        convolve(block.steps[1], buffers.d, into: other)  // pointwise (n, C', H, W), normalised
      } else {
        convolve(block.steps[0], current, into: other)  // (n, C', H, W), normalised
      }
      guard block.pools else {
        swap(&current, &other)
        continue
      }
      timed(block.slot) {  // (n, C', H/2, W/2): the block's input is no longer needed
        pool(block, planes: 0..<(count * block.channels), other, into: current)
      }
    }
    let planeSize = lastHeight * lastWidth
    timed(names.count - 2) {
      GlobalAveragePool.forward(current, planes: count * lastChannels, planeSize: planeSize, buffers.features)
    }
    timed(names.count - 1) {
      Linear.forward(
        buffers.features, batch: count, weight: memory.pinned[classifier], bias: memory.pinned[classifier + 1],
        memory.logits + first * classes, inFeatures: lastChannels, outFeatures: classes)
    }
  }
}
