import Foundation

/// What label smoothing does to the training loss.
///
/// With smoothing `ε` over `K` classes the target of an image is
/// `q = 1 − ε + ε/K` on its label and `ε/K` on each other class. The cross-entropy
/// `−Σ_k q_k · ln p_k` is smallest when the prediction equals the target, `p = q`;
/// its minimum is the target's entropy:
/// ```
/// floor(ε, K) = −(1 − ε + ε/K)·ln(1 − ε + ε/K) − (K − 1)·(ε/K)·ln(ε/K)
/// ```
/// (`0·ln 0 = 0`, so `floor(0, K) = 0`). For ε = 0.1 and K = 10 it is 0.5003: a
/// label-smoothed training loss never falls below it, however well the network
/// learns, while the test loss (plain cross-entropy, ε = 0) can approach 0.
public enum LabelSmoothing {
  /// The smallest value the label-smoothed cross-entropy can take; see the type.
  public static func lossFloor(epsilon: Double, classes: Int) -> Double {
    precondition(
      epsilon >= 0 && epsilon <= 1 && classes >= 2,
      "lossFloor needs 0 ≤ ε ≤ 1 and K ≥ 2, got ε = \(epsilon), K = \(classes)")
    let onLabel = 1 - epsilon + epsilon / Double(classes)
    let offLabel = epsilon / Double(classes)
    func entropyTerm(_ q: Double) -> Double { q > 0 ? -q * log(q) : 0 }
    return entropyTerm(onLabel) + Double(classes - 1) * entropyTerm(offLabel)
  }
}
