/// Stochastic gradient descent with momentum, step for step as PyTorch's
/// `torch.optim.SGD` (dampening 0):
/// ```
/// g ← ∇θ + λ·θ                                   L2 weight decay
/// b ← g                       on the first step
/// b ← μ·b + g                 afterwards
/// g ← g + μ·b  (Nesterov)     or   g ← b
/// θ ← θ − lr·g
/// ```
/// `lr` is the optimiser's rate times the parameter's `learningRateScale`.
public final class SGD: Optimizer {
  public let parameters: [Parameter]
  public var learningRate: Double
  /// `μ`.
  public let momentum: Double
  /// Nesterov's look-ahead form.
  public let nesterov: Bool
  /// `λ`, added to the gradient.
  public let weightDecay: Double
  /// Steps taken per parameter (0 = momentum buffer not yet started).
  public private(set) var steps: [Int]
  /// The momentum buffers `b` (`momentum_buffer`).
  public private(set) var momentumBuffers: [Tensor]

  public init(
    parameters: [Parameter], learningRate: Double, momentum: Double = 0.9, nesterov: Bool = false,
    weightDecay: Double = 0
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    steps = Array(repeating: 0, count: parameters.count)
    momentumBuffers = parameters.map { Tensor(shape: $0.shape) }
  }

  public func step() {
    let (mu, decay, nesterov) = (Float(momentum), Float(weightDecay), self.nesterov)
    for (index, parameter) in parameters.enumerated() where !parameter.isFrozen {
      let lr = Float(learningRate * parameter.learningRateScale)
      let first = steps[index] == 0
      steps[index] += 1
      parameter.value.storage.withUnsafeMutableBufferPointer { theta in
        parameter.gradient.storage.withUnsafeBufferPointer { grad in
          momentumBuffers[index].storage.withUnsafeMutableBufferPointer { b in
            for i in 0..<theta.count {
              var g = grad[i]
              if decay != 0 { g += decay * theta[i] }
              if mu != 0 {
                b[i] = first ? g : mu * b[i] + g
                g = nesterov ? g + mu * b[i] : b[i]
              }
              theta[i] += -lr * g
            }
          }
        }
      }
    }
  }

  public func namedState() -> [(name: String, tensor: Tensor)] {
    OptimizerState.named(parameters, steps: steps, buffers: [("momentum_buffer", momentumBuffers)])
  }

  public func load(namedState state: [String: Tensor]) throws(TrainingError) {
    let loaded = try OptimizerState.load(state, parameters: parameters, bufferNames: ["momentum_buffer"])
    (steps, momentumBuffers) = (loaded.steps, loaded.buffers[0])
  }
}
