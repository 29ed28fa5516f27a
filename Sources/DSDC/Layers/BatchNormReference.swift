/// The plain, readable training-mode batch normalisation: loops that read like the
/// formulas, in `Double`. It is the reference `BatchNorm2d`'s fused kernels are tested
/// against, and slow on purpose.
///
/// Over the `M = N·H·W` values of each channel `c`:
/// ```
/// μ_c  = (1/M) Σ_{n,h,w} x[n,c,h,w]
/// σ²_c = (1/M) Σ_{n,h,w} (x[n,c,h,w] − μ_c)²                               (biased)
/// x̂[n,c,h,w] = (x[n,c,h,w] − μ_c) / √(σ²_c + ε)
/// y[n,c,h,w] = γ_c · x̂[n,c,h,w] + β_c
/// running_mean_c ← (1 − m)·running_mean_c + m·μ_c
/// running_var_c  ← (1 − m)·running_var_c  + m·σ²_c · M/(M − 1)             (unbiased)
/// ```
/// and, with `g = dOutput`, the gradients
/// ```
/// dβ_c = Σ g          dγ_c = Σ g · x̂
/// dx[n,c,h,w] = γ_c/√(σ²_c + ε) · (g[n,c,h,w] − (1/M) Σ g − x̂[n,c,h,w] · (1/M) Σ g · x̂)
/// ```
/// Shapes: `x`, `y`, `g`, `dx` are `(N, C, H, W)`; `γ`, `β` and the running statistics `(C)`.
public enum BatchNormReference {
  /// What a training-mode forward pass computes.
  public struct Forward {
    /// `y`, `(N, C, H, W)`.
    public var output: Tensor
    /// The running mean after the update, `(C)`.
    public var runningMean: Tensor
    /// The running variance after the update, `(C)`.
    public var runningVar: Tensor
  }

  /// The gradients of a training-mode pass.
  public struct Gradients {
    /// `dx`, `(N, C, H, W)`.
    public var dInput: Tensor
    /// `dγ`, `(C)`.
    public var dGamma: Tensor
    /// `dβ`, `(C)`.
    public var dBeta: Tensor
  }

  /// Training-mode forward pass: normalises with the batch's statistics and updates the
  /// running ones (returned; the arguments are not changed).
  public static func forward(
    input x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
    momentum: Float = 0.1, epsilon: Float = 1e-5
  ) -> Forward {
    let (batch, channels, height, width) = shape(x, gamma: gamma, beta: beta)
    let m = Double(momentum)
    let count = Double(batch * height * width)
    var y = Tensor(shape: x.shape)
    var (newMean, newVar) = (runningMean, runningVar)
    for c in 0..<channels {
      let (mean, variance) = statistics(x, channel: c)
      let invStd = 1 / (variance + Double(epsilon)).squareRoot()
      for n in 0..<batch {
        for h in 0..<height {
          for w in 0..<width {
            let xHat = (Double(x[n: n, c: c, h: h, w: w]) - mean) * invStd
            y[n: n, c: c, h: h, w: w] = Float(Double(gamma.storage[c]) * xHat + Double(beta.storage[c]))
          }
        }
      }
      newMean.storage[c] = Float((1 - m) * Double(runningMean.storage[c]) + m * mean)
      newVar.storage[c] = Float((1 - m) * Double(runningVar.storage[c]) + m * variance * count / (count - 1))
    }
    return Forward(output: y, runningMean: newMean, runningVar: newVar)
  }

  /// Training-mode backward pass for `dOutput` at `input` (the statistics are those of
  /// `input`, as in the forward pass).
  public static func backward(input x: Tensor, dOutput g: Tensor, gamma: Tensor, epsilon: Float = 1e-5) -> Gradients {
    let (batch, channels, height, width) = shape(x, gamma: gamma, beta: gamma)
    precondition(g.shape == x.shape, "BatchNormReference: dOutput \(g.shape) != input \(x.shape)")
    let count = Double(batch * height * width)
    var dx = Tensor(shape: x.shape)
    var (dGamma, dBeta) = (Tensor(shape: [channels]), Tensor(shape: [channels]))
    for c in 0..<channels {
      let (mean, variance) = statistics(x, channel: c)
      let invStd = 1 / (variance + Double(epsilon)).squareRoot()
      func xHat(_ n: Int, _ h: Int, _ w: Int) -> Double { (Double(x[n: n, c: c, h: h, w: w]) - mean) * invStd }
      var (sumG, sumGXHat) = (0.0, 0.0)
      for n in 0..<batch {
        for h in 0..<height {
          for w in 0..<width {
            sumG += Double(g[n: n, c: c, h: h, w: w])
            sumGXHat += Double(g[n: n, c: c, h: h, w: w]) * xHat(n, h, w)
          }
        }
      }
      dBeta.storage[c] = Float(sumG)
      dGamma.storage[c] = Float(sumGXHat)
      let factor = Double(gamma.storage[c]) * invStd
      for n in 0..<batch {
        for h in 0..<height {
          for w in 0..<width {
            let gradient = Double(g[n: n, c: c, h: h, w: w]) - sumG / count - xHat(n, h, w) * sumGXHat / count
            dx[n: n, c: c, h: h, w: w] = Float(factor * gradient)
          }
        }
      }
    }
    return Gradients(dInput: dx, dGamma: dGamma, dBeta: dBeta)
  }

  /// `(μ_c, σ²_c)` of channel `c`, the variance biased (divided by `M`).
  static func statistics(_ x: Tensor, channel c: Int) -> (mean: Double, variance: Double) {
    let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
    let count = Double(batch * height * width)
    var sum = 0.0
    for n in 0..<batch { for h in 0..<height { for w in 0..<width { sum += Double(x[n: n, c: c, h: h, w: w]) } } }
    let mean = sum / count
    var squares = 0.0
    for n in 0..<batch {
      for h in 0..<height {
        for w in 0..<width {
          let d = Double(x[n: n, c: c, h: h, w: w]) - mean
          squares += d * d
        }
      }
    }
    return (mean, squares / count)
  }

  /// `(N, C, H, W)` of `x`, checked against `γ` and `β` and for more than one value per channel.
  private static func shape(_ x: Tensor, gamma: Tensor, beta: Tensor) -> (Int, Int, Int, Int) {
    precondition(
      x.rank == 4 && gamma.shape == [x.shape[1]] && beta.shape == [x.shape[1]],
      "BatchNormReference: input \(x.shape) needs γ and β of shape [C], got \(gamma.shape) and \(beta.shape)")
    precondition(
      x.shape[0] * x.shape[2] * x.shape[3] > 1,
      "BatchNormReference: training mode needs more than one value per channel, got input \(x.shape)")
    return (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  }
}
