/// BatchNorm's backward pass in two halves, for a layer whose input gradient is read
/// by a convolution a few images at a time (the pointwise convolution of a DSDC
/// block):
/// ```
/// backwardSums          over the whole batch: Σ g and Σ (x − μ)·g per channel, the
///                       parameter gradients, and the terms the second half needs
/// writeInputGradient    dInput of any run of images, into any buffer
/// ```
/// The convolution calls the second half for each chunk of images just before it
/// reads that chunk, into a buffer that stays in cache, so the full-size input
/// gradient is never written to memory and read back (at batch 64, 13 MB each way for
/// block 1). Each element is computed by the same operations as in `backward(…,
/// accumulate: false)`, so the two give the same bits.
extension BatchNorm2d {
  /// The first half of `backward(input:dOutput:…)`; see the extension's comment.
  func backwardSums(input: Tensor, dOutput: Tensor, threads: Int) {
    precondition(
      dOutput.shape == input.shape, "BatchNorm2d backward shapes: input \(input.shape), dOutput \(dOutput.shape)")
    let (batch, planeSize) = (input.shape[0], input.shape[2] * input.shape[3])
    dOutput.storage.withUnsafeBufferPointer { dy in
      keepingTerms(input, threads: threads, sums: plainSums(dy.baseAddress!, batch: batch, planeSize: planeSize))
    }
  }

  /// The first half of the pooled `backward(input:pooledOutput:argmax:…)`.
  func backwardSums(input: Tensor, pooledOutput: Tensor, argmax: [UInt8], dOutput: Tensor, threads: Int) {
    checkPooled(input: input, pooledOutput: pooledOutput, argmax: argmax, dOutput: dOutput)
    let (batch, planeSize) = (input.shape[0], input.shape[2] * input.shape[3])
    withPooledGradient(input, pooledOutput, argmax, dOutput) { pooled in
      keepingTerms(
        input, threads: threads, scratchPerThread: planeSize, sums: pooledSums(pooled, batch: batch))
    }
  }

  /// The second half of `backward(input:dOutput:…)`: the input gradient of `images`,
  /// image `images.lowerBound + i` at `target + i·C·H·W` (overwritten), on the
  /// calling thread. Any number of threads may call it at once.
  func writeInputGradient(
    images: Range<Int>, input: Tensor, dOutput: Tensor, into target: UnsafeMutablePointer<Float>
  ) {
    let planeSize = input.shape[2] * input.shape[3]
    checkTerms(input, images)
    input.storage.withUnsafeBufferPointer { xBuffer in
      dOutput.storage.withUnsafeBufferPointer { dyBuffer in
        gradientTerms.withUnsafeBufferPointer { terms in
          let (x, dy) = (xBuffer.baseAddress!, dyBuffer.baseAddress!)
          for n in images {
            for c in 0..<channels {
              let (source, dx) = (
                (n * channels + c) * planeSize, target + ((n - images.lowerBound) * channels + c) * planeSize
              )
              plainInputGradient(terms[c], dy + source, x + source, dx, count: planeSize, accumulate: false)
            }
          }
        }
      }
    }
  }

  /// The second half of the pooled `backward(input:pooledOutput:argmax:…)`, as
  /// `writeInputGradient(images:input:dOutput:into:)`.
  func writeInputGradient(
    images: Range<Int>, input: Tensor, pooledOutput: Tensor, argmax: [UInt8], dOutput: Tensor,
    into target: UnsafeMutablePointer<Float>
  ) {
    let planeSize = input.shape[2] * input.shape[3]
    checkTerms(input, images)
    withPooledGradient(input, pooledOutput, argmax, dOutput) { pooled in
      input.storage.withUnsafeBufferPointer { xBuffer in
        gradientTerms.withUnsafeBufferPointer { terms in
          withUnsafeTemporaryAllocation(of: Float.self, capacity: planeSize) { plane in
            let x = xBuffer.baseAddress!
            for n in images {
              for c in 0..<channels {
                let dx = target + ((n - images.lowerBound) * channels + c) * planeSize
                pooledInputGradient(
                  terms[c], pooled, image: n, channel: c, x + (n * channels + c) * planeSize, dx,
                  plane: plane.baseAddress!, accumulate: false)
              }
            }
          }
        }
      }
    }
  }

  /// Runs the backward pass's first pass and keeps every channel's terms.
  private func keepingTerms(_ input: Tensor, threads: Int, scratchPerThread: Int = 0, sums: SumsPass) {
    if gradientTerms.count != channels { gradientTerms = [ChannelTerms](repeating: ChannelTerms(), count: channels) }
    gradientTerms.withUnsafeMutableBufferPointer { kept in
      let kept = SendablePointer(kept.baseAddress!)
      gradientPasses(input, threads: threads, scratchPerThread: scratchPerThread, sums: sums) { group, terms, _, _ in
        for c in group { kept.base[c] = terms[c - group.lowerBound] }
      }
    }
    termsBatch = input.shape[0]
  }

  private func checkTerms(_ input: Tensor, _ images: Range<Int>) {
    precondition(
      input.rank == 4 && input.shape[1] == channels && termsBatch == input.shape[0]
        && images.lowerBound >= 0 && images.upperBound <= input.shape[0],
      "BatchNorm2d \(name): writeInputGradient of images \(images) of \(input.shape) without backwardSums on that batch"
    )
  }
}
