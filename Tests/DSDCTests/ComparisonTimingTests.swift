import Foundation
import Testing

@testable import DSDC

@Suite("Comparison timings")
struct ComparisonTimingTests {
  /// Three of nine calls stall for 45 ms (a passing stall of the machine): the median of
  /// the calls timed one by one is one of the six quick calls, far below the stall, where
  /// the nine timed together would average more than 15 ms a call.
  @Test func aStallFallsOnlyOnTheCallsItHits() {
    var call = 0
    let median = ComparisonRun.medianMilliseconds(calls: 9) {
      if call % 3 == 0 { Thread.sleep(forTimeInterval: 0.045) }
      call += 1
    }
    #expect(call == 9)
    #expect(median < 10, "median \(median) ms")
  }

  /// Nine calls that each take at least 2 ms: the median is at least 2 ms (the clock
  /// counts the whole call), and a count below 1 still times one call.
  @Test func theMedianCountsTheWholeCall() {
    let median = ComparisonRun.medianMilliseconds(calls: 9) { Thread.sleep(forTimeInterval: 0.002) }
    #expect(median >= 2)
    var calls = 0
    _ = ComparisonRun.medianMilliseconds(calls: 0) { calls += 1 }
    #expect(calls == 1)
  }

  /// The comparison's timings of a small network on four images (fewer than 1,000: the
  /// batch is all of them): both positive and finite.
  @Test func inferenceTimingsOfASmallNetwork() {
    var generator = SeededGenerator(seed: 3)
    let model = DSDCNet(config: ComparisonVariantFixtureTests.base, using: &generator)
    let images = LabeledImages(
      count: 4, rows: 28, columns: 28, pixels: [UInt8](repeating: 128, count: 4 * 784), labels: [0, 1, 2, 3])
    let (one, perSecond) = ComparisonRun.inferenceTimings(
      model, test: images, recipe: TrainingRecipe(), repeats: 1)
    #expect(one > 0 && one.isFinite && perSecond > 0 && perSecond.isFinite)
  }
}
