import DSDC
import Foundation
import Testing

@Suite("Softmax cross-entropy")
struct SoftmaxCrossEntropyTests {
  /// Equal logits: every class has probability 1/K and the loss is log K.
  @Test func equalLogitsGiveLogK() {
    let logits = Tensor(shape: [2, 10], repeating: 3)
    var p = Tensor(shape: logits.shape)
    let result = SoftmaxCrossEntropy.forward(logits: logits, labels: [0, 7], probabilities: &p)
    expectClose(result.loss, Float(log(10.0)), atol: 1e-6)
    expectClose(p, Tensor(shape: [2, 10], repeating: 0.1), atol: 1e-7)
    #expect(result.correct == 1)   // ties go to the first class
  }

  /// Huge logits do not overflow: the row maximum is subtracted first.
  @Test func stableForLargeLogits() {
    let logits = Tensor(shape: [1, 3], storage: [1000, 999, -1000])
    var p = Tensor(shape: logits.shape)
    let result = SoftmaxCrossEntropy.forward(logits: logits, labels: [1], probabilities: &p)
    // loss = log(e^1 + 1 + e^−2000) − 0·… = log(1 + e) − 0 − (999 − 1000) … by hand: lse − z_1
    let expected = Float(log(exp(1.0) + 1.0))
    expectClose(result.loss, expected, atol: 1e-5)
    #expect(p.storage.allSatisfy { $0.isFinite })
  }

  @Test func backwardMatchesFiniteDifferences() {
    var rng = SeededGenerator(seed: 11)
    let logits = Tensor.randomNormal(shape: [4, 5], std: 2, using: &rng)
    let labels = [0, 3, 4, 3]
    var p = Tensor(shape: logits.shape)
    _ = SoftmaxCrossEntropy.forward(logits: logits, labels: labels, probabilities: &p)
    var dz = Tensor(shape: logits.shape)
    SoftmaxCrossEntropy.backward(probabilities: p, labels: labels, dLogits: &dz)
    GradientCheck.expectMatches(dz, at: logits, epsilon: 1e-2, atol: 1e-3, rtol: 1e-2) { z in
      var q = Tensor(shape: z.shape)
      return Double(SoftmaxCrossEntropy.forward(logits: z, labels: labels, probabilities: &q).loss)
    }
  }
}
