/// Batch normalisation over the channels of an `(N, C, H, W)` tensor, with exactly
/// PyTorch's `BatchNorm2d` semantics, optionally followed by a fused ReLU.
///
/// Training mode normalises with the batch's own statistics over `M = N·H·W` values
/// per channel and updates the running statistics:
/// ```
/// μ_c = (1/M) Σ x[n,c,h,w]          σ²_c = (1/M) Σ (x[n,c,h,w] − μ_c)²     (biased)
/// x̂ = (x − μ_c) / √(σ²_c + ε)       y = γ_c · x̂ + β_c                      (then max(0, y) if fused)
/// running_mean ← (1 − m)·running_mean + m·μ_c
/// running_var  ← (1 − m)·running_var  + m·σ²_c · M/(M − 1)                  (unbiased)
/// ```
/// with momentum `m = 0.1`, `ε = 1e-5`. Eval mode uses `running_mean` and
/// `running_var` in place of `μ_c` and `σ²_c` and changes nothing.
///
/// Work is split by channel across threads; every channel is reduced by one thread in
/// a fixed order, so results do not depend on the thread count. Each thread walks its
/// channels a few at a time (`channelGroup`): the planes of neighbouring channels are
/// neighbours in memory, so each image contributes one long contiguous run (the
/// hardware prefetcher needs runs longer than one 14×14 plane), and the group's values
/// stay in cache between the passes.
public final class BatchNorm2d {
  /// The `state_dict` prefix, e.g. `stem_bn`.
  public let name: String
  /// `C`, the number of channels normalised.
  public let channels: Int
  /// `γ`, `(C)`, initialised to 1.
  public let weight: Parameter
  /// `β`, `(C)`, initialised to 0.
  public let bias: Parameter
  /// `(C)`, initialised to 0.
  public var runningMean: Tensor
  /// `(C)`, initialised to 1.
  public var runningVar: Tensor
  /// The weight of the newest batch in the running statistics.
  public var momentum: Float = 0.1
  /// Added to the variance before the square root.
  public var epsilon: Float = 1e-5
  /// When true, the layer computes `max(0, BN(x))` in the same pass (a BatchNorm
  /// followed by a ReLU, saving one trip through memory each way).
  public var fusedReLU: Bool
  /// When true, training-mode passes normalise with the running statistics and leave
  /// them unchanged, exactly as eval mode does: a frozen feature extractor (fine-tuning
  /// the head only) whose features must not drift with the new task's batches.
  public var usesRunningStatistics = false

  /// `μ_c` and `1/√(σ²_c + ε)` used by the most recent forward pass (batch statistics
  /// in training mode, running statistics in eval mode), read by `backward`.
  public internal(set) var savedMean: [Float]
  public internal(set) var savedInvStd: [Float]
  /// Whether the most recent forward pass was in training mode.
  public internal(set) var savedTraining = true
  /// Per-thread scratch space of the fused passes (one image plane each).
  private var scratch: [Float] = []
  /// Every channel's terms of the most recent `backwardSums`, read by
  /// `writeInputGradient`, and the batch size they were computed for (0: none).
  var gradientTerms: [ChannelTerms] = []
  var termsBatch = 0

  /// - Parameter name: the `state_dict` prefix, e.g. `stem_bn`.
  public init(name: String, channels: Int, fusedReLU: Bool = false) {
    precondition(channels > 0, "BatchNorm2d needs at least one channel, got \(channels)")
    self.name = name
    self.channels = channels
    self.fusedReLU = fusedReLU
    weight = Parameter(name: name + ".weight", value: Tensor(shape: [channels], repeating: 1))
    bias = Parameter(name: name + ".bias", value: Tensor(shape: [channels], repeating: 0))
    runningMean = Tensor(shape: [channels], repeating: 0)
    runningVar = Tensor(shape: [channels], repeating: 1)
    savedMean = [Float](repeating: 0, count: channels)
    savedInvStd = [Float](repeating: 1, count: channels)
  }

  /// True when neither `γ` nor `β` is trainable.
  public var isFrozen: Bool { weight.isFrozen && bias.isFrozen }

  /// Forward pass into a preallocated output of the input's shape (overwritten).
  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - output: `(N, C, H, W)`
  ///   - training: batch statistics (and running-statistics update) or running statistics
  public func forward(input: Tensor, output: inout Tensor, training: Bool, threads: Int = 1) {
    precondition(output.shape == input.shape, "BatchNorm2d output shape \(output.shape) != input \(input.shape)")
    let (batch, planeSize, channels, relu) = (input.shape[0], input.shape[2] * input.shape[3], channels, fusedReLU)
    output.storage.withUnsafeMutableBufferPointer { yBuffer in
      let y = yBuffer.baseAddress!
      normalise(input, training: training, threads: threads) { group, terms, x, _ in
        for n in 0..<batch {
          for c in group {
            let (t, offset) = (terms[c - group.lowerBound], (n * channels + c) * planeSize)
            PlaneLoops.scaleShift(x + offset, y + offset, count: planeSize, scale: t.scale, shift: t.shift, relu: relu)
          }
        }
      }
    }
  }

  /// Backward pass through the most recent forward pass. With `g = dOutput` (masked
  /// by `y > 0` when the ReLU is fused), training mode gives
  /// ```
  /// dβ_c     += Σ g                    dγ_c += Σ g · x̂
  /// dInput   += γ_c/√(σ²_c + ε) · (g − (1/M) Σ g − x̂ · (1/M) Σ g · x̂)
  /// ```
  /// and eval mode (statistics are constants) `dInput += γ_c/√(var_c + ε) · g`.
  /// - Parameters:
  ///   - input: `(N, C, H, W)`, the forward pass's input
  ///   - dOutput: `(N, C, H, W)`
  ///   - dInput: `(N, C, H, W)`
  ///   - accumulate: `+=` into `dInput` (the convention); `false` overwrites it, which
  ///     spares the caller zeroing a buffer nothing else writes (one pass through
  ///     memory less each way at training batch sizes).
  public func backward(input: Tensor, dOutput: Tensor, dInput: inout Tensor, accumulate: Bool = true, threads: Int = 1)
  {
    precondition(
      dOutput.shape == input.shape && dInput.shape == input.shape,
      "BatchNorm2d backward shapes: input \(input.shape), dOutput \(dOutput.shape), dInput \(dInput.shape)")
    let (batch, planeSize, channels) = (input.shape[0], input.shape[2] * input.shape[3], channels)
    dOutput.storage.withUnsafeBufferPointer { dyBuffer in
      dInput.storage.withUnsafeMutableBufferPointer { dxBuffer in
        let (dy, dx) = (dyBuffer.baseAddress!, dxBuffer.baseAddress!)
        gradientPasses(input, threads: threads, sums: plainSums(dy, batch: batch, planeSize: planeSize)) {
          group, terms, x, _ in
          for n in 0..<batch {
            for c in group {
              let offset = (n * channels + c) * planeSize
              plainInputGradient(
                terms[c - group.lowerBound], dy + offset, x + offset, dx + offset, count: planeSize,
                accumulate: accumulate)
            }
          }
        }
      }
    }
  }

  /// The `sums` pass of the plain backward: `(Σ g, Σ (x − μ)·g)` of each channel of
  /// the group, over every image's plane.
  func plainSums(_ dy: UnsafePointer<Float>, batch: Int, planeSize: Int) -> SumsPass {
    let (channels, relu) = (channels, fusedReLU)
    return { group, terms, x, sums, _ in
      for n in 0..<batch {
        for c in group {
          let (t, offset) = (terms[c - group.lowerBound], (n * channels + c) * planeSize)
          let s = PlaneLoops.gradientSums(
            dy + offset, x + offset, count: planeSize,
            mean: t.mean, scale: t.scale, shift: t.shift, relu: relu)
          sums[c - group.lowerBound].sum += Double(s.sum)
          sums[c - group.lowerBound].dot += Double(s.dot)
        }
      }
    }
  }

  /// The input gradient of one plane of the plain backward, with its channel's terms.
  @inline(__always)
  func plainInputGradient(
    _ t: ChannelTerms, _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
    count: Int, accumulate: Bool
  ) {
    PlaneLoops.inputGradient(
      dy, x, dx, count: count, mean: t.mean, scale: t.scale, shift: t.shift, relu: fusedReLU,
      gradMean: t.gradMean, k: t.k, factor: t.scale, accumulate: accumulate)
  }

  /// One channel's numbers in a pass: its statistics, the forward pass's
  /// `y = x·scale + shift`, and in backward the two correction terms.
  struct ChannelTerms {
    var mean: Float = 0, invStd: Float = 1, scale: Float = 1, shift: Float = 0
    var gradMean: Float = 0, k: Float = 0
  }

  /// `(Σ g, Σ (x − μ)·g)` of one channel, summed over its planes.
  struct GradientSums {
    var sum: Double = 0, dot: Double = 0
  }

  /// The first pass of a backward pass over one channel group: adds each channel's
  /// `GradientSums` into `sums[c − group.lowerBound]` (arguments: the group, its
  /// terms, the input, the sums, the thread's scratch).
  typealias SumsPass = (
    Range<Int>, UnsafeMutablePointer<ChannelTerms>, UnsafePointer<Float>, UnsafeMutablePointer<GradientSums>,
    UnsafeMutablePointer<Float>
  ) -> Void

  /// How many neighbouring channels are processed together: as many as keep one
  /// tensor's values of the group near 1 MB (it stays in L2/L3 between passes), at
  /// most 8 (measured: longer contiguous runs stop paying beyond that).
  static func channelGroup(batch: Int, planeSize: Int, channels: Int) -> Int {
    max(1, min(8, channels, (1 << 18) / max(1, batch * planeSize)))
  }

  /// Runs `body(group, terms, x, scratch)` for each channel group of each thread's
  /// slice of channels (`terms[c − group.lowerBound]` is channel c's; `scratch` is
  /// `scratchPerThread` floats of the thread's own, kept by the layer between calls so
  /// that a training step allocates nothing).
  private func forEachGroup(
    _ input: Tensor, threads: Int, scratchPerThread: Int = 0,
    _ body: (Range<Int>, UnsafeMutablePointer<ChannelTerms>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    precondition(
      input.rank == 4 && input.shape[1] == channels,
      "BatchNorm2d(\(channels)) input must be (N, \(channels), H, W), got \(input.shape)")
    let channels = self.channels
    let groupSize = Self.channelGroup(
      batch: input.shape[0], planeSize: input.shape[2] * input.shape[3],
      channels: channels)
    let parts = LayerThreads.parts(channels, threads: threads, work: input.count)
    if scratch.count < parts * scratchPerThread + 1 {
      scratch = [Float](repeating: 0, count: parts * scratchPerThread + 1)
    }
    input.storage.withUnsafeBufferPointer { xBuffer in
      scratch.withUnsafeMutableBufferPointer { scratchBuffer in
        let (x, scratch) = (xBuffer.baseAddress!, scratchBuffer.baseAddress!)
        LayerThreads.forEachSlice(channels, threads: threads, work: input.count) { part, slice in
          withUnsafeTemporaryAllocation(of: ChannelTerms.self, capacity: groupSize) { terms in
            var start = slice.lowerBound
            while start < slice.upperBound {
              let group = start..<min(start + groupSize, slice.upperBound)
              body(group, terms.baseAddress!, x, scratch + part * scratchPerThread)
              start = group.upperBound
            }
          }
        }
      }
    }
  }

  /// The statistics passes of `forward`: per channel group, computes the batch
  /// statistics and updates the running ones (training) or reads the running ones
  /// (eval), saves them for `backward`, and calls `body(group, terms, x)` to write the
  /// output while the group's values are still in cache.
  func normalise(
    _ input: Tensor, training: Bool, threads: Int, scratchPerThread: Int = 0,
    _ body: (Range<Int>, UnsafeMutablePointer<ChannelTerms>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    let (batch, planeSize, channels) = (input.shape[0], input.shape[2] * input.shape[3], channels)
    let valuesPerChannel = Double(batch * planeSize)
    let training = training && !usesRunningStatistics
    precondition(
      !training || batch * planeSize > 1,
      "BatchNorm2d in training mode needs more than one value per channel, got input \(input.shape)")
    let (momentum, epsilon) = (Double(momentum), Double(epsilon))
    savedTraining = training
    withForwardStatistics { gamma, beta, runMean, runVar, meanOut, invStdOut in
      forEachGroup(input, threads: threads, scratchPerThread: scratchPerThread) { group, terms, x, scratch in
        let first = group.lowerBound
        func set(_ c: Int, mean: Double, variance: Double) {
          let t = Self.channelTerms(gamma: gamma[c], beta: beta[c], mean: mean, variance: variance, epsilon)
          meanOut[c] = t.mean
          invStdOut[c] = t.invStd
          terms[c - first] = t
        }
        guard training else {
          for c in group { set(c, mean: Double(runMean[c]), variance: Double(runVar[c])) }
          body(group, terms, x, scratch)
          return
        }
        // Two passes, mean then squared deviations (as PyTorch): exact enough
        // even when the mean is large against the spread.
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * group.count) { sums in
          let (means, squares) = (sums.baseAddress!, sums.baseAddress! + group.count)
          sums.initialize(repeating: 0)
          for n in 0..<batch {
            for c in group {
              means[c - first] += Double(PlaneLoops.sum(x + (n * channels + c) * planeSize, count: planeSize))
            }
          }
          for c in group { means[c - first] /= valuesPerChannel }
          for n in 0..<batch {
            for c in group {
              squares[c - first] += Double(
                PlaneLoops.squaredDeviation(
                  x + (n * channels + c) * planeSize, count: planeSize, mean: Float(means[c - first])))
            }
          }
          for c in group {
            let (mean, squared) = (means[c - first], squares[c - first])
            let unbiased = squared / (valuesPerChannel - 1)
            runMean[c] = Float(momentum * mean + (1 - momentum) * Double(runMean[c]))
            runVar[c] = Float(momentum * unbiased + (1 - momentum) * Double(runVar[c]))
            set(c, mean: mean, variance: squared / valuesPerChannel)
          }
        }
        body(group, terms, x, scratch)
      }
    }
  }

  /// Runs `body` on the per-channel arrays of a forward pass: γ and β (read), the
  /// running mean and variance (updated in training mode), and `savedMean`,
  /// `savedInvStd` (recorded for `backward`).
  @inline(__always)
  func withForwardStatistics<Result>(
    _ body: (
      _ gamma: UnsafeBufferPointer<Float>, _ beta: UnsafeBufferPointer<Float>,
      _ runMean: UnsafeMutableBufferPointer<Float>, _ runVar: UnsafeMutableBufferPointer<Float>,
      _ meanOut: UnsafeMutableBufferPointer<Float>, _ invStdOut: UnsafeMutableBufferPointer<Float>
    ) -> Result
  ) -> Result {
    weight.value.storage.withUnsafeBufferPointer { gamma in
      bias.value.storage.withUnsafeBufferPointer { beta in
        runningMean.storage.withUnsafeMutableBufferPointer { runMean in
          runningVar.storage.withUnsafeMutableBufferPointer { runVar in
            savedMean.withUnsafeMutableBufferPointer { meanOut in
              savedInvStd.withUnsafeMutableBufferPointer { invStdOut in
                body(gamma, beta, runMean, runVar, meanOut, invStdOut)
              }
            }
          }
        }
      }
    }
  }

  /// The two passes of `backward`, per channel group: `sums` adds up
  /// `(Σ g, Σ (x − μ)·g)` of each channel into `sums[c − group.lowerBound]`; the
  /// parameter gradients are accumulated from them, and `apply` then writes the input
  /// gradients with the correction terms filled in (zero in eval mode).
  func gradientPasses(
    _ input: Tensor, threads: Int, scratchPerThread: Int = 0,
    sums: SumsPass,
    apply: (Range<Int>, UnsafeMutablePointer<ChannelTerms>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    let valuesPerChannel = Float(input.shape[0] * input.shape[2] * input.shape[3])
    let training = savedTraining
    let (updateWeight, updateBias) = (!weight.isFrozen, !bias.isFrozen)
    weight.value.storage.withUnsafeBufferPointer { gamma in
      bias.value.storage.withUnsafeBufferPointer { beta in
        weight.gradient.storage.withUnsafeMutableBufferPointer { dGamma in
          bias.gradient.storage.withUnsafeMutableBufferPointer { dBeta in
            savedMean.withUnsafeBufferPointer { means in
              savedInvStd.withUnsafeBufferPointer { invStds in
                forEachGroup(input, threads: threads, scratchPerThread: scratchPerThread) { group, terms, x, scratch in
                  let first = group.lowerBound
                  for c in group {
                    let scale = gamma[c] * invStds[c]
                    terms[c - first] = ChannelTerms(
                      mean: means[c], invStd: invStds[c], scale: scale,
                      shift: beta[c] - means[c] * scale)
                  }
                  withUnsafeTemporaryAllocation(of: GradientSums.self, capacity: group.count) { totals in
                    totals.initialize(repeating: GradientSums())
                    sums(group, terms, x, totals.baseAddress!, scratch)
                    for c in group {
                      let (sum, dot, invStd) = (Float(totals[c - first].sum), Float(totals[c - first].dot), invStds[c])
                      if updateWeight { dGamma[c] += dot * invStd }
                      if updateBias { dBeta[c] += sum }
                      // Training: the batch statistics depend on x, giving the two
                      // correction terms; eval: they are constants.
                      if training {
                        terms[c - first].gradMean = sum / valuesPerChannel
                        terms[c - first].k = dot * invStd * invStd / valuesPerChannel
                      }
                    }
                  }
                  apply(group, terms, x, scratch)
                }
              }
            }
          }
        }
      }
    }
  }
}
