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
    #expect(result.correct == 1)  // ties go to the first class
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

  /// Label smoothing by hand: equal logits give log K whatever ε is; the gradient of
  /// a confident correct row points away from certainty.
  @Test func labelSmoothing() {
    var p = Tensor(shape: [1, 4])
    let flat = SoftmaxCrossEntropy.forward(
      logits: Tensor(shape: [1, 4], repeating: 0), labels: [2],
      probabilities: &p, labelSmoothing: 0.2)
    expectClose(flat.loss, Float(log(4.0)), atol: 1e-6)
    // z = (0, 0, 2, 0): L = 0.8·(lse − 2) + 0.2·(4·lse − 2)/4, lse = log(3 + e²)
    let logits = Tensor(shape: [1, 4], storage: [0, 0, 2, 0])
    let result = SoftmaxCrossEntropy.forward(logits: logits, labels: [2], probabilities: &p, labelSmoothing: 0.2)
    let lse = log(3 + exp(2.0))
    expectClose(result.loss, Float(0.8 * (lse - 2) + 0.2 * (4 * lse - 2) / 4), atol: 1e-6)
    var dz = Tensor(shape: [1, 4])
    SoftmaxCrossEntropy.backward(probabilities: p, labels: [2], dLogits: &dz, labelSmoothing: 0.2)
    let targets: [Float] = [0.05, 0.05, 0.85, 0.05]
    expectClose(dz, Tensor(shape: [1, 4], storage: (0..<4).map { p.storage[$0] - targets[$0] }), atol: 1e-7)
    GradientCheck.expectMatches(dz, at: logits, epsilon: 1e-2, atol: 1e-3, rtol: 1e-2) { z in
      var q = Tensor(shape: z.shape)
      return Double(SoftmaxCrossEntropy.forward(logits: z, labels: [2], probabilities: &q, labelSmoothing: 0.2).loss)
    }
  }
}
