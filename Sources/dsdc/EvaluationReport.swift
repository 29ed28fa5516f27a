import DSDC
import Foundation

/// `dsdc evaluate --json`: one JSON object with everything the tables show. Ratios
/// with a zero denominator (precision of a class never predicted, recall of a class
/// with no images) are `null`.
struct EvaluationReport: Encodable {
  struct PerClass: Encodable {
    var label: Int
    var name: String?
    var images: Int
    var predicted: Int
    var correct: Int
    var precision: Double?
    var recall: Double?

    enum CodingKeys: String, CodingKey {
      case label = "class"
      case name, images, predicted, correct, precision, recall
    }

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(label, forKey: .label)
      try container.encodeIfPresent(name, forKey: .name)
      try container.encode(images, forKey: .images)
      try container.encode(predicted, forKey: .predicted)
      try container.encode(correct, forKey: .correct)
      // Written as null, not left out, so every class has the same keys.
      try container.encode(precision, forKey: .precision)
      try container.encode(recall, forKey: .recall)
    }
  }

  struct Pair: Encodable {
    var label: Int
    var predicted: Int
    var images: Int

    enum CodingKeys: String, CodingKey {
      case label = "true"
      case predicted, images
    }
  }

  var checkpoint: String
  var data: String
  var images: Int
  var correct: Int
  var accuracy: Double
  var loss: Double
  var perClass: [PerClass]
  var mostConfused: [Pair]
  /// `confusion[true class][predicted class]`.
  var confusion: [[Int]]

  init(evaluation: Evaluation, names: [String]?, checkpoint: String, data: String, confusedPairs: Int) {
    let statistics = evaluation.statistics
    self.checkpoint = checkpoint
    self.data = data
    images = evaluation.count
    correct = evaluation.correct
    accuracy = evaluation.accuracy
    loss = evaluation.loss
    perClass = statistics.classes.map { c in
      PerClass(
        label: c.label, name: names.flatMap { c.label < $0.count ? $0[c.label] : nil }, images: c.images,
        predicted: c.predicted, correct: c.correct, precision: c.precision, recall: c.recall)
    }
    mostConfused = statistics.mostConfused(confusedPairs).map {
      Pair(label: $0.label, predicted: $0.predicted, images: $0.count)
    }
    confusion = evaluation.confusion
  }

  /// Pretty-printed with sorted keys.
  func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
