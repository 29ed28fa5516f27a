/// How well a model classifies a labelled set, in eval mode: loss, accuracy,
/// per-class accuracy, the confusion matrix and every mistake.
public struct Evaluation: Sendable, Equatable {
  /// One misclassified image.
  public struct Mistake: Sendable, Equatable {
    /// Index of the image in the evaluated set.
    public var index: Int
    /// The true class.
    public var label: Int
    /// The predicted class (largest logit).
    public var predicted: Int
    /// The softmax probability of the predicted class.
    public var confidence: Float
  }

  /// Images evaluated.
  public var count: Int
  /// Mean cross-entropy.
  public var loss: Double
  /// Images whose prediction is the label.
  public var correct: Int
  /// `confusion[label][predicted]` = number of images.
  public var confusion: [[Int]]
  /// Every misclassified image, in index order.
  public var mistakes: [Mistake]

  /// `correct / count`.
  public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }

  /// For each class, the fraction of its images classified correctly.
  public var perClassAccuracy: [Double] {
    confusion.indices.map { c in
      let total = confusion[c].reduce(0, +)
      return total == 0 ? 0 : Double(confusion[c][c]) / Double(total)
    }
  }

  /// Evaluates `model` on `images` in batches of `batchSize`, in eval mode
  /// (running BatchNorm statistics; nothing in the model changes).
  public init(model: DSDCNet, images: LabeledImages, normalization: Normalization, batchSize: Int = 128) {
    precondition(batchSize > 0, "evaluation batch size must be positive, got \(batchSize)")
    let classes = model.config.classes
    count = images.count
    correct = 0
    confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    mistakes = []
    var totalLoss: Double = 0
    var start = 0
    while start < images.count {
      let end = min(start + batchSize, images.count)
      let input = normalization.tensor(images, indices: start..<end)
      let labels = images.labels[start..<end].map(Int.init)
      let (result, logits, probabilities) = model.evaluate(input: input, labels: labels)
      totalLoss += Double(result.loss) * Double(end - start)
      for n in 0..<(end - start) {
        var predicted = 0
        for k in 1..<classes where logits.storage[n * classes + k] > logits.storage[n * classes + predicted] {
          predicted = k
        }
        let label = labels[n]
        confusion[label][predicted] += 1
        if predicted == label {
          correct += 1
        } else {
          mistakes.append(
            Mistake(
              index: start + n, label: label, predicted: predicted,
              confidence: probabilities.storage[n * classes + predicted]))
        }
      }
      start = end
    }
    loss = images.count == 0 ? 0 : totalLoss / Double(images.count)
  }
}
