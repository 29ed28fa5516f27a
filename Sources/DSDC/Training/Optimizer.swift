/// Which optimiser a recipe uses, with its constants (PyTorch's defaults unless noted).
public enum OptimizerKind: Sendable, Codable, Hashable {
  /// `torch.optim.AdamW`: Adam with decoupled weight decay.
  case adamW(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)
  /// `torch.optim.SGD` with momentum (dampening 0), L2 weight decay added to the gradient.
  case sgd(momentum: Double = 0.9, nesterov: Bool = true)

  /// The optimiser over `parameters`.
  public func makeOptimizer(parameters: [Parameter], learningRate: Double, weightDecay: Double) -> any Optimizer {
    switch self {
    case .adamW(let beta1, let beta2, let epsilon):
      return AdamW(
        parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
        epsilon: epsilon, weightDecay: weightDecay)
    case .sgd(let momentum, let nesterov):
      return SGD(
        parameters: parameters, learningRate: learningRate, momentum: momentum,
        nesterov: nesterov, weightDecay: weightDecay)
    }
  }

  /// The peak learning rate a recipe with this optimiser has unless told otherwise:
  /// 3e-3 for AdamW (the default recipe's), 0.1 for SGD.
  public var defaultLearningRate: Double {
    switch self {
    case .adamW: return 3e-3
    case .sgd: return 0.1
    }
  }

  /// The weight decay that goes with `defaultLearningRate`: 0.05 for AdamW, 5e-4 for SGD.
  public var defaultWeightDecay: Double {
    switch self {
    case .adamW: return 0.05
    case .sgd: return 5e-4
    }
  }

  /// A short name for tables and logs.
  public var name: String {
    switch self {
    case .adamW: return "AdamW"
    case .sgd(_, let nesterov): return nesterov ? "SGD+Nesterov" : "SGD+momentum"
    }
  }
}

/// An optimiser updates a fixed list of parameters from their gradients, one step at
/// a time, keeping per-parameter state that a checkpoint can save and restore.
///
/// Frozen parameters are skipped entirely (no update, no state change), as PyTorch
/// skips parameters without a gradient.
public protocol Optimizer: AnyObject {
  /// The parameters updated, in order.
  var parameters: [Parameter] { get }
  /// The rate used by the next `step()`; a schedule sets it before each step.
  var learningRate: Double { get set }
  /// Applies one update to every trainable parameter from its `gradient`.
  func step()
  /// The optimiser's state as named tensors, `optimizer.<parameter>.<state>` (PyTorch's
  /// state names: `step`, `exp_avg`, `exp_avg_sq`, `momentum_buffer`).
  func namedState() -> [(name: String, tensor: Tensor)]
  /// Restores state saved by `namedState()`, checking every name and shape.
  func load(namedState: [String: Tensor]) throws(TrainingError)
}

/// Shared bookkeeping for state tensors: the prefix and lookup with checks.
enum OptimizerState {
  static let prefix = "optimizer."

  static func name(_ parameter: Parameter, _ state: String) -> String {
    prefix + parameter.name + "." + state
  }

  static func tensor(_ state: [String: Tensor], _ name: String, shape: [Int]) throws(TrainingError) -> Tensor {
    guard let tensor = state[name] else { throw .badState(reason: "optimizer tensor \(name) is missing") }
    guard tensor.shape == shape else {
      throw .badState(reason: "optimizer tensor \(name) has shape \(tensor.shape), expected \(shape)")
    }
    return tensor
  }

  /// The named tensors of an optimiser that keeps a step count and the per-parameter
  /// `buffers` (each a state name and one tensor per parameter): per parameter, `step`
  /// and then each buffer, in order.
  static func named(
    _ parameters: [Parameter], steps: [Int], buffers: [(name: String, tensors: [Tensor])]
  ) -> [(name: String, tensor: Tensor)] {
    var result: [(name: String, tensor: Tensor)] = []
    for (index, parameter) in parameters.enumerated() {
      result.append((name(parameter, "step"), Tensor(shape: [1], storage: [Float(steps[index])])))
      for buffer in buffers { result.append((name(parameter, buffer.name), buffer.tensors[index])) }
    }
    return result
  }

  /// The inverse of `named`: the step counts and the buffers called `bufferNames` (one
  /// tensor per parameter, of its shape), each name and shape checked in that order.
  static func load(
    _ state: [String: Tensor], parameters: [Parameter], bufferNames: [String]
  ) throws(TrainingError) -> (steps: [Int], buffers: [[Tensor]]) {
    var steps: [Int] = []
    var buffers = [[Tensor]](repeating: [], count: bufferNames.count)
    for parameter in parameters {
      steps.append(Int(try tensor(state, name(parameter, "step"), shape: [1]).storage[0]))
      for (index, bufferName) in bufferNames.enumerated() {
        buffers[index].append(try tensor(state, name(parameter, bufferName), shape: parameter.shape))
      }
    }
    return (steps, buffers)
  }
}
