#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How the learning rate moves from step to step over a whole run of `T` steps
/// (`t = 0 … T−1`, one step per batch), given the recipe's peak rate `lr`.
///
/// The formulas are those of `scripts/pytorch_reference.py train`, so PyTorch and dsdc
/// runs of the same recipe see the same rates:
/// ```
/// constant   lr
/// one-cycle  W = max(1, ⌊w·T⌋) warm-up steps, lr₀ = lr/div, lr_end = lr₀/finalDiv
///            t < W:  cos_anneal(lr₀ → lr,     t/W)
///            t ≥ W:  cos_anneal(lr  → lr_end, (t − W)/max(1, T − W))
/// cosine     W = ⌊w·T⌋
///            t < W:  lr·(t + 1)/W                                   linear warm-up
///            t ≥ W:  lr_min + (lr − lr_min)·(1 + cos(π·(t − W)/max(1, T − W)))/2
/// cos_anneal(a → b, p) = b + (a − b)·(1 + cos(π·p))/2
/// ```
/// One-cycle is PyTorch's `OneCycleLR` (cosine annealing) without its momentum cycling.
public enum LearningRateSchedule: Sendable, Codable, Hashable {
  /// The same rate throughout.
  case constant
  /// Half-cosine up from `lr/divFactor` over the first `warmupFraction` of the steps,
  /// then half-cosine down to `lr/(divFactor·finalDivFactor)`.
  case oneCycle(warmupFraction: Double = 0.2, divFactor: Double = 25, finalDivFactor: Double = 1e4)
  /// Linear warm-up over `warmupFraction` of the steps, then half-cosine down to
  /// `lr·minimumFactor`.
  case cosine(warmupFraction: Double = 0.05, minimumFactor: Double = 0)

  /// The rate for step `step` (0-based) of `totalSteps`.
  public func learningRate(step: Int, totalSteps: Int, peak lr: Double) -> Double {
    precondition(totalSteps > 0 && step >= 0, "schedule step \(step) of \(totalSteps)")
    func anneal(_ start: Double, _ end: Double, _ progress: Double) -> Double {
      end + (start - end) * (1 + cos(Double.pi * progress)) / 2
    }
    let t = Double(step)
    switch self {
    case .constant:
      return lr
    case .oneCycle(let warmupFraction, let divFactor, let finalDivFactor):
      let initial = lr / divFactor
      let final = initial / finalDivFactor
      let warmup = max(1, Int(warmupFraction * Double(totalSteps)))
      if step < warmup { return anneal(initial, lr, t / Double(warmup)) }
      return anneal(lr, final, (t - Double(warmup)) / Double(max(1, totalSteps - warmup)))
    case .cosine(let warmupFraction, let minimumFactor):
      let warmup = Int(warmupFraction * Double(totalSteps))
      if step < warmup { return lr * (t + 1) / Double(warmup) }
      let minimum = lr * minimumFactor
      return anneal(lr, minimum, (t - Double(warmup)) / Double(max(1, totalSteps - warmup)))
    }
  }

  /// A short description for tables and logs.
  public var name: String {
    switch self {
    case .constant: return "constant"
    case .oneCycle(let w, _, _): return "one-cycle (warm-up \(Int((w * 100).rounded()))%)"
    case .cosine(let w, _): return "cosine (warm-up \(Int((w * 100).rounded()))%)"
    }
  }
}
