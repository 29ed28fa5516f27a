#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Softmax followed by the cross-entropy with the true class, averaged over the
/// batch (PyTorch's `F.cross_entropy(logits, labels, label_smoothing=ε)`), computed
/// stably by subtracting each row's maximum:
/// ```
/// lse_n = m_n + log Σ_k exp(z[n, k] − m_n),     m_n = max_k z[n, k]
/// p[n, k] = exp(z[n, k] − lse_n)
/// q[n, k] = (1 − ε)·[k = y_n] + ε/K                       the target (one-hot when ε = 0)
/// L = (1/N) Σ_n Σ_k q[n, k] · (lse_n − z[n, k])
/// dLogits[n, k] += dLoss · (p[n, k] − q[n, k]) / N
/// ```
public enum SoftmaxCrossEntropy {
  /// The loss and how many rows' largest logit is the label (the first largest, as `argmax`).
  public struct Result: Sendable, Equatable {
    /// Mean cross-entropy over the batch.
    public var loss: Float
    /// Rows whose prediction equals the label.
    public var correct: Int
  }

  /// - Parameters:
  ///   - logits: `(N, K)`
  ///   - labels: `N` class indices in `0..<K`
  ///   - probabilities: `(N, K)`, overwritten with the softmax (kept for `backward`)
  ///   - labelSmoothing: `ε`, the weight moved from the label to a uniform target
  public static func forward(
    logits: Tensor, labels: [Int], probabilities: inout Tensor,
    labelSmoothing: Float = 0
  ) -> Result {
    precondition(
      logits.rank == 2 && labels.count == logits.shape[0] && probabilities.shape == logits.shape,
      "SoftmaxCrossEntropy: logits \(logits.shape), \(labels.count) labels, probabilities \(probabilities.shape)")
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    var total: Double = 0
    var correct = 0
    logits.storage.withUnsafeBufferPointer { z in
      probabilities.storage.withUnsafeMutableBufferPointer { p in
        for n in 0..<batch {
          let row = n * classes
          let label = labels[n]
          precondition(label >= 0 && label < classes, "label \(label) of row \(n) is outside 0..<\(classes)")
          var maximum = z[row]
          var predicted = 0
          for k in 1..<classes where z[row + k] > maximum {
            maximum = z[row + k]
            predicted = k
          }
          var sum: Float = 0
          for k in 0..<classes {
            let e = expf(z[row + k] - maximum)
            p[row + k] = e
            sum += e
          }
          let logSum = logf(sum)
          for k in 0..<classes { p[row + k] = expf((z[row + k] - maximum) - logSum) }
          // −log p = log Σ − (z − m), in the order PyTorch's log_softmax rounds.
          let trueClass = Double(logSum - (z[row + label] - maximum))
          if labelSmoothing == 0 {
            total += trueClass
          } else {
            var uniform: Double = 0
            for k in 0..<classes { uniform += Double(logSum - (z[row + k] - maximum)) }
            total += Double(1 - labelSmoothing) * trueClass + Double(labelSmoothing) * uniform / Double(classes)
          }
          if predicted == label { correct += 1 }
        }
      }
    }
    return Result(loss: Float(total / Double(batch)), correct: correct)
  }

  /// - Parameters:
  ///   - probabilities: `(N, K)`, from `forward`
  ///   - labels: the same labels
  ///   - dLogits: `(N, K)`, accumulated
  ///   - dLoss: `∂(final loss)/∂L`, 1 when this is the loss
  ///   - labelSmoothing: the `ε` of the forward pass
  public static func backward(
    probabilities: Tensor, labels: [Int], dLogits: inout Tensor, dLoss: Float = 1,
    labelSmoothing: Float = 0
  ) {
    precondition(
      dLogits.shape == probabilities.shape && labels.count == probabilities.shape[0],
      "SoftmaxCrossEntropy backward: probabilities \(probabilities.shape), dLogits \(dLogits.shape), \(labels.count) labels"
    )
    let (batch, classes) = (probabilities.shape[0], probabilities.shape[1])
    let scale = dLoss / Float(batch)
    probabilities.storage.withUnsafeBufferPointer { p in
      dLogits.storage.withUnsafeMutableBufferPointer { dz in
        for n in 0..<batch {
          for k in 0..<classes {
            let target: Float = (k == labels[n] ? 1 - labelSmoothing : 0) + labelSmoothing / Float(classes)
            dz[n * classes + k] += (p[n * classes + k] - target) * scale
          }
        }
      }
    }
  }
}
