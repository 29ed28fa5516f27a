import Testing

@testable import DSDC

/// BatchNorm's backward pass in two halves (`BatchNormGradientByImage.swift`) against
/// the whole pass, and a training step that uses it against one that does not.
@Suite("BatchNorm's input gradient, chunk by chunk")
struct BatchNormGradientByImageTests {
  /// A layer far from the identity, after a training-mode forward pass of `x`.
  static func layer(_ x: Tensor, pooled: Bool) -> (BatchNorm2d, Tensor, [UInt8]) {
    let c = x.shape[1]
    var rng = SeededGenerator(seed: 31)
    let bn = BatchNorm2d(name: "bn", channels: c, fusedReLU: true)
    bn.weight.value = Tensor(
      shape: [c], storage: Tensor.randomUniform(shape: [c], bound: 0.5, using: &rng).storage.map { $0 + 1 })
    bn.bias.value = Tensor.randomNormal(shape: [c], std: 0.5, using: &rng)
    guard pooled else {
      var y = Tensor(shape: x.shape)
      bn.forward(input: x, output: &y, training: true)
      return (bn, y, [])
    }
    var y = Tensor(shape: MaxPool2d().outputShape(input: x.shape))
    var argmax = [UInt8](repeating: 0, count: y.count)
    bn.forward(input: x, pooledOutput: &y, argmax: &argmax, training: true)
    return (bn, y, argmax)
  }

  /// Chunks of 1, 2 and 3 images, in any order, give the whole pass's input-gradient
  /// bits, and the sums give its parameter-gradient bits; on 1 and 2 threads, with and
  /// without pooling, on even and odd planes.
  @Test(arguments: [false, true], [(5, 8), (4, 7)])
  func chunksHaveTheBitsOfTheWholePass(pooled: Bool, shape: (batch: Int, size: Int)) {
    var rng = SeededGenerator(seed: 30)
    let x = Tensor.randomNormal(shape: [shape.batch, 6, shape.size, shape.size], mean: 0.3, using: &rng)
    for threads in [1, 2] {
      let (whole, y, argmax) = Self.layer(x, pooled: pooled)
      let (halves, _, _) = Self.layer(x, pooled: pooled)
      let dy = Tensor.randomNormal(shape: y.shape, using: &rng)
      var expected = Tensor(shape: x.shape)
      if pooled {
        whole.backward(
          input: x, pooledOutput: y, argmax: argmax, dOutput: dy, dInput: &expected, accumulate: false,
          threads: threads)
        halves.backwardSums(input: x, pooledOutput: y, argmax: argmax, dOutput: dy, threads: threads)
      } else {
        whole.backward(input: x, dOutput: dy, dInput: &expected, accumulate: false, threads: threads)
        halves.backwardSums(input: x, dOutput: dy, threads: threads)
      }
      #expect(halves.weight.gradient == whole.weight.gradient && halves.bias.gradient == whole.bias.gradient)
      let imageSize = x.count / shape.batch
      var chunked = Tensor(shape: x.shape, repeating: .nan)
      let chunks = [1..<3, 0..<1, 3..<shape.batch]  // out of order
      chunked.storage.withUnsafeMutableBufferPointer { target in
        for images in chunks {
          let into = target.baseAddress! + images.lowerBound * imageSize
          if pooled {
            halves.writeInputGradient(
              images: images, input: x, pooledOutput: y, argmax: argmax, dOutput: dy, into: into)
          } else {
            halves.writeInputGradient(images: images, input: x, dOutput: dy, into: into)
          }
        }
      }
      #expect(DSDCNetInferenceTests.differing(chunked, expected) == 0, "threads \(threads)")
    }
  }

  /// A whole training step's gradients and running statistics are the same bits with
  /// BatchNorm's input gradient taken chunk by chunk or written whole (DSDC-Net, a net
  /// of standard blocks, and a mixed one), and the same for the input gradient.
  @Test(arguments: [DSDCNetConfig(), DSDCNetInferenceTests.standard, DSDCNetInferenceTests.oddMixed])
  func trainingStepHasTheSameBits(config: DSDCNetConfig) {
    let batch = 5
    let input = DSDCNetInferenceTests.images(config, batch: batch, seed: 3)
    let labels = (0..<batch).map { $0 % config.classes }
    let (chunked, whole) = (DSDCNetInferenceTests.model(config), DSDCNetInferenceTests.model(config))
    whole.chunksBatchNormGradient = false
    for model in [chunked, whole] {
      model.threads = 2
      _ = model.computeGradients(input: input, labels: labels, labelSmoothing: 0.1)
    }
    // The separable blocks took the split pass (it records the batch), the others not.
    for (block, other) in zip(chunked.blocks, whole.blocks) {
      #expect(block.bn.termsBatch == (block.pointwise == nil ? 0 : batch) && other.bn.termsBatch == 0)
    }
    // Only a pass without chunks holds a separable block's whole BatchNorm input gradient.
    for (index, block) in chunked.blocks.enumerated() {
      let (chunkedHeld, wholeHeld) = (
        chunked.currentWorkspace!.blocks[index].dConvolved.count, whole.currentWorkspace!.blocks[index].dConvolved.count
      )
      #expect(wholeHeld > 0 && chunkedHeld == (block.pointwise == nil ? wholeHeld : 0), "block \(index)")
    }
    for (a, b) in zip(chunked.parameters, whole.parameters) {
      #expect(DSDCNetInferenceTests.differing(a.gradient, b.gradient) == 0, "\(a.name)")
    }
    for (a, b) in zip(chunked.batchNorms, whole.batchNorms) {
      #expect(a.runningMean == b.runningMean && a.runningVar == b.runningVar)
    }
    let (g1, g2) = (
      chunked.inputGradient(input: input, row: 1, column: 1), whole.inputGradient(input: input, row: 1, column: 1)
    )
    #expect(DSDCNetInferenceTests.differing(g1, g2) == 0)
  }
}
