import DSDC
import Foundation
import Testing

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
  @Test func oneCycle() {
    let schedule = LearningRateSchedule.oneCycle(warmupFraction: 0.2, divFactor: 25, finalDivFactor: 1e4)
    func lr(_ step: Int) -> Double { schedule.learningRate(step: step, totalSteps: 100, peak: 1) }
    #expect(abs(lr(0) - 1.0 / 25) < 1e-12)  // starts at lr/25
    #expect(abs(lr(10) - (1.0 / 25 + 1) / 2) < 1e-12)  // half-way up the half cosine
    #expect(abs(lr(20) - 1) < 1e-12)  // peak after the warm-up
    #expect(abs(lr(60) - (1 + 1.0 / 25e4) / 2) < 1e-12)  // half-way down
    #expect(lr(99) > 1.0 / 25e4 && lr(99) < 1e-3)  // almost lr/(25·10⁴) at the end
    #expect((1..<100).allSatisfy { $0 <= 20 ? lr($0) > lr($0 - 1) : lr($0) < lr($0 - 1) })
  }

  @Test func cosineWithWarmUp() {
    let schedule = LearningRateSchedule.cosine(warmupFraction: 0.1, minimumFactor: 0)
    func lr(_ step: Int) -> Double { schedule.learningRate(step: step, totalSteps: 100, peak: 2) }
    #expect(abs(lr(0) - 0.2) < 1e-12)  // (0 + 1)/10 of the peak
    #expect(abs(lr(9) - 2) < 1e-12)
    #expect(abs(lr(10) - 2) < 1e-12)
    #expect(abs(lr(55) - 1) < 1e-12)  // half-way down the cosine
    #expect(lr(99) < 0.01)
  }

  @Test func constant() {
    #expect(LearningRateSchedule.constant.learningRate(step: 7, totalSteps: 10, peak: 0.3) == 0.3)
  }
}
