import DSDC
import Foundation

/// `dsdc evaluate`'s tables: per class, the most confused pairs, the confusion matrix.
struct EvaluationTables {
  let evaluation: Evaluation
  /// Class names of a fine-tuned model (Fashion-MNIST), shown beside the indices.
  let names: [String]?
  let confusedPairs: Int

  /// `3` or `3 Dress`.
  func label(_ c: Int) -> String {
    guard let names, c < names.count else { return String(c) }
    return "\(c) \(names[c])"
  }

  /// A percentage with two decimals, or `n/a` for a ratio with a zero denominator.
  static func percent(_ ratio: Double?) -> String {
    ratio.map { Format.fixed($0 * 100, 2) + "%" } ?? "n/a"
  }

  /// `text` right-aligned in `width` columns.
  static func right(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }

  var perClass: [String] {
    let statistics = evaluation.statistics
    let headings = ["class", "images", "predicted", "correct", "precision", "recall"]
    let rows = statistics.classes.map { c in
      [
        String(c.label), Format.grouped(c.images), Format.grouped(c.predicted), Format.grouped(c.correct),
        Self.percent(c.precision), Self.percent(c.recall),
      ]
    }
    let widths = TextTable.widths([headings] + rows)
    let line = { (cells: [String]) in "  " + TextTable.line(cells, widths: widths) { _ in false } }
    var lines = ["", "Per class (precision = correct / predicted; recall = correct / images):"]
    lines.append(line(headings))
    for (c, row) in rows.enumerated() {
      let name = names.flatMap { c < $0.count ? "  " + $0[c] : nil } ?? ""
      lines.append(line(row) + name)
    }
    if statistics.classes.contains(where: { $0.precision == nil }) {
      lines.append("  Precision n/a: no test image was predicted as that class (0 / 0).")
    }
    if statistics.classes.contains(where: { $0.recall == nil }) {
      lines.append("  Recall n/a: the test set has no image of that class (0 / 0).")
    }
    return lines
  }

  var mostConfused: [String] {
    let statistics = evaluation.statistics
    guard !statistics.confusions.isEmpty else {
      return ["No mistakes: every test image was classified as its label."]
    }
    let shown = statistics.mostConfused(confusedPairs)
    let pairs = statistics.confusions.count
    var lines = [
      shown.count == pairs
        ? "Most confused (true → predicted), all \(pairs) pair(s) with mistakes:"
        : "Most confused (true → predicted), the \(shown.count) largest of \(pairs) pairs with mistakes:"
    ]
    for pair in shown {
      let images = statistics.classes[pair.label].images
      lines.append(
        "  \(label(pair.label)) → \(label(pair.predicted)): \(Format.grouped(pair.count)) image(s), "
          + "\(Self.percent(Double(pair.count) / Double(images))) of class \(pair.label)")
    }
    return lines
  }

  var confusionMatrix: [String] {
    let confusion = evaluation.confusion
    let width = max(5, (confusion.flatMap { $0 }.map { String($0).count }.max() ?? 0) + 1)
    var lines = ["Confusion matrix (rows: true class, columns: predicted):"]
    lines.append("      " + confusion.indices.map { Self.right(String($0), width) }.joined())
    for (c, row) in confusion.enumerated() {
      lines.append("  " + Self.right(String(c), 2) + "  " + row.map { Self.right(String($0), width) }.joined())
    }
    return lines
  }
}
