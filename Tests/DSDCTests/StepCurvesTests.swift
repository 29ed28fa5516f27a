import DSDC
import Foundation
import Testing

@Suite("curves-per-step.png: moving average, window, plots")
struct StepCurvesTests {
  /// By hand: window 2 → (1), (1+2)/2, (2+3)/2, …; window 3 → 1, 1.5, (1+2+3)/3, (2+3+4)/3, (3+4+5)/3.
  @Test func movingAverageByHand() {
    let x: [Float] = [1, 2, 3, 4, 5]
    #expect(StepCurves.movingAverage(x, window: 1) == x)
    #expect(StepCurves.movingAverage(x, window: 2) == [1, 1.5, 2.5, 3.5, 4.5])
    #expect(StepCurves.movingAverage(x, window: 3) == [1, 1.5, 2, 3, 4])
    #expect(StepCurves.movingAverage(x, window: 10) == [1, 1.5, 2, 2.5, 3])
    #expect(StepCurves.movingAverage([], window: 4).isEmpty)
  }

  /// A tenth of the steps, between 1 and 50: the 2,000-image epoch (32 steps) → 3,
  /// the default recipe (9 × 938 = 8,442 steps) → 50.
  @Test(arguments: [(5, 1), (32, 3), (499, 49), (8_442, 50)])
  func windowIsATenthOfTheStepsUpToFifty(steps: Int, window: Int) {
    #expect(StepCurves.window(steps: steps) == window)
  }

  @Test func plotsShowEveryStepTheMeanAndTheLearningRate() throws {
    let rows = StepRecordTests.rows()
    let plots = StepCurves.plots(rows, recipe: TrainingRecipe())
    #expect(plots.count == 2)
    #expect(plots[0].series.map(\.name) == ["each batch", "mean of last 1"])
    #expect(plots[0].series[0].x == [1, 2, 3, 4, 5, 6])
    #expect(plots[0].series[0].y == rows.map(\.loss))
    #expect(plots[0].series[0].thickness == 1 && plots[0].series.allSatisfy { !$0.marksPoints })
    #expect(plots[0].title.hasPrefix("Training loss per step (6 steps, 2 epochs)"))
    #expect(plots[1].series[0].y == rows.map { Float($0.learningRate) })
    let image = StepCurves.figure(rows, recipe: TrainingRecipe()).render()
    #expect(image.width > 2 * 520 && image.height > 300)
  }

  /// The series options: a 1-pixel line paints fewer pixels than the 2-pixel default,
  /// and a series that does not mark its points paints no white-filled squares over them.
  @Test func thinUnmarkedSeries() {
    func pixels(_ series: LinePlot.Series) -> Int {
      let image = LinePlot(title: "", xLabel: "", yLabel: "", series: [series], yRange: 0...10).render()
      return (0..<image.height).reduce(0) { sum, y in
        sum + (0..<image.width).filter { image.color(x: $0, y: y) == RGB.red }.count
      }
    }
    let (x, y): ([Float], [Float]) = ([1, 2, 3, 4, 5], [1, 9, 2, 8, 3])
    let marked = pixels(.init(name: "a", x: x, y: y, color: .red))
    let plain = pixels(.init(name: "a", x: x, y: y, color: .red, marksPoints: false))
    let thin = pixels(.init(name: "a", x: x, y: y, color: .red, thickness: 1, marksPoints: false))
    #expect(thin < plain && plain < marked)
  }
}
