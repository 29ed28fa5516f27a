/// Per-class counts, precision and recall, and the most frequent mistakes, all read
/// off a confusion matrix `confusion[true class][predicted class]`.
///
/// For class `c`, with `n_tp` the images of class `c` predicted `c`:
///
///     recall(c)    = n_tp / (images of class c)       = confusion[c][c] / Σ_k confusion[c][k]
///     precision(c) = n_tp / (images predicted as c)   = confusion[c][c] / Σ_k confusion[k][c]
///
/// A class with no images has no recall, and a class never predicted has no
/// precision: both are `nil` (no division by zero), printed as `n/a`.
public struct ConfusionStatistics: Sendable, Equatable {
  /// One class's row and column of the matrix.
  public struct ClassCounts: Sendable, Equatable {
    /// The class index.
    public var label: Int
    /// Images of this class (the row's sum).
    public var images: Int
    /// Images predicted as this class (the column's sum).
    public var predicted: Int
    /// Images of this class predicted as it (the diagonal entry).
    public var correct: Int

    /// `correct / predicted`, or `nil` when nothing was predicted as this class.
    public var precision: Double? { predicted == 0 ? nil : Double(correct) / Double(predicted) }
    /// `correct / images`, or `nil` when the class has no images.
    public var recall: Double? { images == 0 ? nil : Double(correct) / Double(images) }
  }

  /// One off-diagonal entry: `count` images of class `label` predicted as `predicted`.
  public struct Confusion: Sendable, Equatable {
    public var label: Int
    public var predicted: Int
    public var count: Int
  }

  /// Every class, in index order.
  public var classes: [ClassCounts]
  /// Every off-diagonal entry above zero, most images first (ties: by true, then predicted class).
  public var confusions: [Confusion]

  /// Reads a square matrix of non-negative counts.
  public init(confusion: [[Int]]) {
    let n = confusion.count
    precondition(
      confusion.allSatisfy { $0.count == n }, "a confusion matrix is square, got rows of \(confusion.map(\.count))")
    classes = (0..<n).map { c in
      ClassCounts(
        label: c, images: confusion[c].reduce(0, +), predicted: confusion.reduce(0) { $0 + $1[c] },
        correct: confusion[c][c])
    }
    var confusions: [Confusion] = []
    for t in 0..<n {
      for p in 0..<n where p != t && confusion[t][p] > 0 {
        confusions.append(Confusion(label: t, predicted: p, count: confusion[t][p]))
      }
    }
    // Ties keep the order of the loops: by true class, then predicted class.
    self.confusions = confusions.enumerated().sorted { a, b in
      a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
    }.map(\.element)
  }

  /// The `k` most frequent mistakes (fewer if fewer pairs have any).
  public func mostConfused(_ k: Int) -> ArraySlice<Confusion> {
    confusions.prefix(k)
  }
}

extension Evaluation {
  /// Counts, precision and recall per class and the most frequent mistakes.
  public var statistics: ConfusionStatistics { ConfusionStatistics(confusion: confusion) }
}
