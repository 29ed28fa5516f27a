/// How far one convolution's kernel moved between two models of the same
/// configuration (a parent and its fine-tuned child), absolutely and relatively:
/// ```
/// rms(w)  = √( (1/n) Σ w_i² )
/// rms(Δw) = √( (1/n) Σ (w'_i − w_i)² )
/// ‖Δw‖ / ‖w‖ = rms(Δw) / rms(w)
/// ```
/// over the kernel's `n` numbers. An optimiser like Adam moves every weight by about
/// the learning rate per step whatever the weight's size, so `rms(Δw)` is set mostly
/// by the rate and the step count, while `‖Δw‖/‖w‖` also divides by the initial size,
/// which PyTorch's initialisation makes ∝ 1/√fan-in.
public struct WeightChange: Sendable, Equatable {
  /// The kernel's `state_dict` name, e.g. `block1.depthwise.weight`.
  public var name: String
  /// Inputs each output reads, `C_in/groups · K · K` (the initialisation's fan-in).
  public var fanIn: Int
  /// `rms(w)` before.
  public var rmsBefore: Double
  /// `rms(Δw)`.
  public var rmsDelta: Double

  public init(name: String, fanIn: Int, rmsBefore: Double, rmsDelta: Double) {
    self.name = name
    self.fanIn = fanIn
    self.rmsBefore = rmsBefore
    self.rmsDelta = rmsDelta
  }

  /// `‖Δw‖ / ‖w‖` (0 for an all-zero kernel).
  public var relative: Double { rmsBefore > 0 ? rmsDelta / rmsBefore : 0 }

  /// Every convolution kernel (rank-4 `.weight`: the stem, each block's depthwise and
  /// pointwise) of `before`, in `state_dict` order, with its change in `after`.
  public static func convolutions(from before: DSDCNet, to after: DSDCNet) -> [WeightChange] {
    precondition(before.config == after.config, "weight change needs two models of one configuration")
    return zip(before.parameters, after.parameters).compactMap { old, new in
      guard old.name.hasSuffix(".weight") && old.shape.count == 4 else { return nil }
      let n = Double(old.count)
      let squares = old.value.storage.reduce(0.0) { $0 + Double($1) * Double($1) }
      let deltas = zip(old.value.storage, new.value.storage).reduce(0.0) {
        $0 + (Double($1.1) - Double($1.0)) * (Double($1.1) - Double($1.0))
      }
      return WeightChange(
        name: old.name, fanIn: old.shape[1] * old.shape[2] * old.shape[3],
        rmsBefore: (squares / n).squareRoot(), rmsDelta: (deltas / n).squareRoot())
    }
  }
}
