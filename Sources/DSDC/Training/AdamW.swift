/// Adam with decoupled weight decay, step for step as PyTorch's `torch.optim.AdamW`
/// (single-tensor path):
/// ```
/// t ← t + 1
/// θ ← θ · (1 − lr·λ)                                   decoupled decay
/// m ← m + (1 − β₁)·(g − m)                             = β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// Scalars are formed in Double and rounded to Float once, as PyTorch does with
/// Python numbers. `lr` is the optimiser's rate times the parameter's
/// `learningRateScale` (PyTorch: one parameter group per rate).
public final class AdamW: Optimizer {
  public let parameters: [Parameter]
  public var learningRate: Double
  /// Decay rate of the first moment.
  public let beta1: Double
  /// Decay rate of the second moment.
  public let beta2: Double
  /// Added to the denominator.
  public let epsilon: Double
  /// `λ`, the decoupled weight decay.
  public let weightDecay: Double
  /// Steps taken per parameter, `t`.
  public private(set) var steps: [Int]
  /// First moments `m`, one per parameter (`exp_avg`).
  public private(set) var firstMoments: [Tensor]
  /// Second moments `v`, one per parameter (`exp_avg_sq`).
  public private(set) var secondMoments: [Tensor]

  public init(
    parameters: [Parameter], learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0.01
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    steps = Array(repeating: 0, count: parameters.count)
    firstMoments = parameters.map { Tensor(shape: $0.shape) }
    secondMoments = parameters.map { Tensor(shape: $0.shape) }
  }

  public func step() {
    for (index, parameter) in parameters.enumerated() where !parameter.isFrozen {
      steps[index] += 1
      let t = Double(steps[index])
      let lr = learningRate * parameter.learningRateScale
      let decay = Float(1 - lr * weightDecay)
      let (oneMinusBeta1, beta2, oneMinusBeta2) = (Float(1 - beta1), Float(beta2), Float(1 - self.beta2))
      let stepSize = Float(lr / (1 - pow(beta1, t)))
      let correction2 = Float((1 - pow(self.beta2, t)).squareRoot())
      let eps = Float(epsilon)
      parameter.value.storage.withUnsafeMutableBufferPointer { theta in
        parameter.gradient.storage.withUnsafeBufferPointer { g in
          firstMoments[index].storage.withUnsafeMutableBufferPointer { m in
            secondMoments[index].storage.withUnsafeMutableBufferPointer { v in
              for i in 0..<theta.count {
                theta[i] *= decay
                m[i] += oneMinusBeta1 * (g[i] - m[i])
                v[i] = v[i] * beta2 + oneMinusBeta2 * g[i] * g[i]
                let denominator = v[i].squareRoot() / correction2 + eps
                theta[i] -= stepSize * m[i] / denominator
              }
            }
          }
        }
      }
    }
  }

  public func namedState() -> [(name: String, tensor: Tensor)] {
    OptimizerState.named(
      parameters, steps: steps, buffers: [("exp_avg", firstMoments), ("exp_avg_sq", secondMoments)])
  }

  public func load(namedState state: [String: Tensor]) throws(TrainingError) {
    let loaded = try OptimizerState.load(state, parameters: parameters, bufferNames: ["exp_avg", "exp_avg_sq"])
    (steps, firstMoments, secondMoments) = (loaded.steps, loaded.buffers[0], loaded.buffers[1])
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
