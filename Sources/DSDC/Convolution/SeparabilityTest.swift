/// Whether a standard convolution's weight could have come from a depthwise
/// convolution followed by a pointwise one (lesson 5's converse).
///
/// Depthwise then pointwise equals the standard kernel `w[o, c] = p[o, c] · k[c]`
/// (`KernelIdentities.separableAsStandard`): for every input channel `c`, the `N`
/// kernels `w[0, c] … w[N−1, c]` are multiples of one kernel `k[c]`. Written as an
/// `N × K²` matrix per channel, that is rank ≤ 1. The test takes the channel's largest
/// kernel as `k[c]` and asks whether every other kernel minus its projection on it
/// vanishes:
/// ```
/// separable ⇔ ∀ c, o:  max |w[o,c] − (⟨w[o,c], k⟩ / ⟨k, k⟩)·k| ≤ tolerance,  k = argmax_o ‖w[o,c]‖
/// ```
public enum SeparabilityTest {
  /// True when `weight` `(N, C, K, K)` is `p[o, c] · k[c]` for some `k` and `p`.
  public static func isSeparable(_ weight: Tensor, tolerance: Float = 1e-5) -> Bool {
    precondition(weight.rank == 4, "isSeparable needs an (N, C, K, K) weight, got \(weight.shape)")
    let (N, C) = (weight.shape[0], weight.shape[1])
    for c in 0..<C {
      let kernels = (0..<N).map { weight.plane(n: $0, c: c).storage }
      let norms = kernels.map { $0.reduce(0) { $0 + $1 * $1 } }
      let reference = kernels[norms.indices.max { norms[$0] < norms[$1] }!]
      let length = reference.reduce(0) { $0 + $1 * $1 }
      guard length > 0 else { continue }  // all zero: trivially multiples
      for kernel in kernels {
        let scale = zip(kernel, reference).reduce(0) { $0 + $1.0 * $1.1 } / length
        if zip(kernel, reference).contains(where: { abs($0 - scale * $1) > tolerance }) { return false }
      }
    }
    return true
  }
}
