import DSDC
import Foundation
import Testing

@Suite("Label-smoothing loss floor")
struct LabelSmoothingTests {
  /// By hand, ε = 0.1, K = 10: targets 0.91 and 0.01;
  /// 0.91·ln(1/0.91) + 9·0.01·ln 100 = 0.0858227 + 0.4144653 = 0.5002880.
  @Test func handValue() {
    #expect(abs(LabelSmoothing.lossFloor(epsilon: 0.1, classes: 10) - 0.5002880) < 1e-6)
  }

  /// No smoothing: a one-hot target has entropy 0. Full smoothing: the uniform
  /// target's entropy, ln K.
  @Test func ends() {
    #expect(LabelSmoothing.lossFloor(epsilon: 0, classes: 10) == 0)
    #expect(abs(LabelSmoothing.lossFloor(epsilon: 1, classes: 10) - log(10.0)) < 1e-12)
  }

  /// The training loss function itself reaches the floor when the prediction equals
  /// the smoothed target (logits ln q), and lies above it for a sharper prediction.
  @Test func theLossReachesTheFloorAndNoLower() {
    let (epsilon, classes) = (Float(0.1), 10)
    let q = (0..<classes).map { $0 == 3 ? 1 - epsilon + epsilon / Float(classes) : epsilon / Float(classes) }
    var p = Tensor(shape: [1, classes])
    let atTarget = SoftmaxCrossEntropy.forward(
      logits: Tensor(shape: [1, classes], storage: q.map { log($0) }), labels: [3], probabilities: &p,
      labelSmoothing: epsilon)
    #expect(abs(Double(atTarget.loss) - LabelSmoothing.lossFloor(epsilon: 0.1, classes: 10)) < 1e-5)
    let sharper = SoftmaxCrossEntropy.forward(
      logits: Tensor(shape: [1, classes], storage: (0..<classes).map { $0 == 3 ? 20 : 0 }), labels: [3],
      probabilities: &p, labelSmoothing: epsilon)
    #expect(Double(sharper.loss) > LabelSmoothing.lossFloor(epsilon: 0.1, classes: 10) + 0.1)
  }
}
