import DSDC
import Testing

/// Precision, recall and the most confused pairs of hand-made confusion matrices.
@Suite("Statistics of a confusion matrix")
struct ConfusionStatisticsTests {
  /// Rows are true classes, columns predictions:
  ///
  ///             pred 0  pred 1  pred 2
  ///     true 0     5       2       0      7 images
  ///     true 1     1       3       0      4 images
  ///     true 2     4       0       0      4 images
  ///               10       5       0      predicted
  ///
  /// Class 0: precision 5/10, recall 5/7. Class 1: precision 3/5, recall 3/4.
  /// Class 2 is never predicted: no precision (0/0), recall 0/4.
  @Test func countsPrecisionAndRecallByHand() {
    let statistics = ConfusionStatistics(confusion: [[5, 2, 0], [1, 3, 0], [4, 0, 0]])
    #expect(statistics.classes.map(\.images) == [7, 4, 4])
    #expect(statistics.classes.map(\.predicted) == [10, 5, 0])
    #expect(statistics.classes.map(\.correct) == [5, 3, 0])
    #expect(statistics.classes.map(\.precision) == [0.5, 0.6, nil])
    #expect(statistics.classes.map(\.recall) == [5.0 / 7.0, 0.75, 0])
    #expect(statistics.classes.map(\.label) == [0, 1, 2])
  }

  /// A class with no images has no recall; one predicted but never right has precision 0.
  @Test func aClassWithoutImagesHasNoRecall() {
    let statistics = ConfusionStatistics(confusion: [[1, 0, 1], [0, 2, 0], [0, 0, 0]])
    #expect(statistics.classes[2].images == 0 && statistics.classes[2].predicted == 1)
    #expect(statistics.classes[2].recall == nil)
    #expect(statistics.classes[2].precision == 0)
    #expect(statistics.classes[0].precision == 1 && statistics.classes[0].recall == 0.5)
  }

  @Test func mostConfusedPairsLargestFirst() {
    let statistics = ConfusionStatistics(confusion: [[5, 2, 0], [1, 3, 0], [4, 0, 0]])
    let pairs = statistics.confusions.map { [$0.label, $0.predicted, $0.count] }
    #expect(pairs == [[2, 0, 4], [0, 1, 2], [1, 0, 1]])
    #expect(statistics.mostConfused(2).map(\.count) == [4, 2])
    #expect(statistics.mostConfused(5).count == 3)
  }

  /// Equal counts keep the order by true class, then predicted class.
  @Test func tiesAreOrderedByTrueThenPredictedClass() {
    let statistics = ConfusionStatistics(confusion: [[0, 1, 1], [1, 0, 0], [0, 3, 0]])
    let pairs = statistics.confusions.map { [$0.label, $0.predicted] }
    #expect(pairs == [[2, 1], [0, 1], [0, 2], [1, 0]])
  }

  @Test func aPerfectMatrixHasNoMistakes() {
    let statistics = ConfusionStatistics(confusion: [[3, 0], [0, 2]])
    #expect(statistics.confusions.isEmpty)
    #expect(statistics.classes.map(\.precision) == [1, 1] && statistics.classes.map(\.recall) == [1, 1])
  }
}
