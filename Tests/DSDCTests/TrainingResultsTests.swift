import DSDC
import Foundation
import Testing

@Suite("Training results: readiness, losses, curves", .removesTemporaryFolders)
struct TrainingResultsTests {
  /// Two made-up epochs, as metrics.json stores them.
  static func history() throws -> [EpochSummary] {
    let json = """
      [{"epoch": 1, "trainLoss": 1.2, "trainAccuracy": 0.6, "testLoss": 0.4, "testAccuracy": 0.9,
        "trainSeconds": 1, "evaluationSeconds": 1, "imagesPerSecond": 100},
       {"epoch": 2, "trainLoss": 0.7, "trainAccuracy": 0.9, "testLoss": 0.1, "testAccuracy": 0.97,
        "trainSeconds": 1, "evaluationSeconds": 1, "imagesPerSecond": 100}]
      """
    return try JSONDecoder().decode([EpochSummary].self, from: Data(json.utf8))
  }

  /// 11.5% (the one-epoch, 2,000-image run: chance) is not ready, 90% and above is;
  /// the warning names the threshold and a setting that learns.
  @Test func readinessOnBothSidesOfNinetyPercent() {
    let chance = TrainingSession.readiness(finalTestAccuracy: 0.115)
    #expect(!chance.isReady)
    #expect(chance.line.hasPrefix("⚠ the final test accuracy is only 11.50%"))
    #expect(chance.line.contains("≥ 90.00%") && chance.line.contains(TrainingSession.quickSetting))
    #expect(!TrainingSession.readiness(finalTestAccuracy: 0.8999).isReady)
    #expect(TrainingSession.readiness(finalTestAccuracy: 0.90).isReady)
    #expect(TrainingSession.readiness(finalTestAccuracy: 0.9948).line.hasPrefix("✓ "))
  }

  /// The default recipe (ε = 0.1, augmented) explains the floor with its value; a run
  /// without smoothing has no floor to explain.
  @Test func lossExplanationNamesTheFloor() throws {
    let folder = try makeTemporaryDirectory()
    let session = try TrainingSession(recipe: TrainingRecipe(), folder: folder)
    let smoothed = session.lossExplanation()
    #expect(smoothed.joined(separator: " ").contains("label-smoothed cross-entropy (ε = 0.10) on augmented"))
    #expect(smoothed.contains { $0.hasSuffix("= 0.5003 (K = 10),") })
    #expect(smoothed.allSatisfy { $0.count <= session.lineWidth }, "\(smoothed)")
    #expect(smoothed.dropFirst().allSatisfy { $0.hasPrefix("        ") })
    var plain = TrainingRecipe()
    plain.labelSmoothing = 0
    plain.augmentation = nil
    let lines = try TrainingSession(recipe: plain, folder: folder).lossExplanation()
    #expect(
      lines == [
        "Losses: train = cross-entropy on the training images; test = the same on the",
        "        test images.",
      ])
  }

  /// curves.png's loss panel: each curve says what it measures, and the floor is a
  /// flat line at 0.5003 across the epochs.
  @Test func lossPlotLabelsCurvesAndDrawsTheFloor() throws {
    let plot = TrainingSession.lossPlot(try Self.history(), recipe: TrainingRecipe(), classes: 10)
    #expect(
      plot.series.map(\.name) == ["train (smoothed eps 0.10, augmented)", "test (plain CE)", "train floor 0.500"])
    #expect(plot.series[2].x == [1, 2])
    #expect(plot.series[2].y.allSatisfy { abs($0 - 0.500288) < 1e-5 })
    #expect(plot.title.contains("label-smoothed CE on augmented training images; test: plain CE"))
    var plain = TrainingRecipe()
    plain.labelSmoothing = 0
    #expect(TrainingSession.lossPlot(try Self.history(), recipe: plain, classes: 10).series.count == 2)
  }
}
