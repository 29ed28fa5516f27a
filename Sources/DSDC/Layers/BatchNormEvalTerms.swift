/// The numbers of an eval-mode BatchNorm for passes that apply it elsewhere, in the
/// epilogue of the convolution before it (`RowEpilogue`, `DSDCNetInference.swift`):
/// per channel `y = x·scale + shift` from the running statistics, computed exactly as
/// the layer's own passes compute them.
extension BatchNorm2d {
  /// One channel's forward terms from its statistics (its batch's, or the running ones):
  /// ```
  /// invStd = 1/√(σ² + ε)      scale = γ·invStd      shift = β − μ·scale
  /// ```
  static func channelTerms(gamma: Float, beta: Float, mean: Double, variance: Double, _ epsilon: Double)
    -> ChannelTerms
  {
    let invStd = Float(1 / (variance + epsilon).squareRoot())
    let scale = gamma * invStd
    return ChannelTerms(mean: Float(mean), invStd: invStd, scale: scale, shift: beta - Float(mean) * scale)
  }

  /// The eval-mode `y = x·scale + shift` of every channel, from the running statistics:
  /// the numbers `forward(training: false)` normalises with, recorded for `backward` as
  /// that pass records them. For passes that apply them elsewhere (`RowEpilogue`).
  func evalScaleShift() -> (scale: [Float], shift: [Float]) {
    let (channels, epsilon) = (self.channels, Double(self.epsilon))
    var (scale, shift) = ([Float](repeating: 0, count: channels), [Float](repeating: 0, count: channels))
    withForwardStatistics { gamma, beta, runMean, runVar, meanOut, invStdOut in
      for c in 0..<channels {
        let t = Self.channelTerms(
          gamma: gamma[c], beta: beta[c], mean: Double(runMean[c]), variance: Double(runVar[c]), epsilon)
        (scale[c], shift[c], meanOut[c], invStdOut[c]) = (t.scale, t.shift, t.mean, t.invStd)
      }
    }
    savedTraining = false
    return (scale, shift)
  }
}
