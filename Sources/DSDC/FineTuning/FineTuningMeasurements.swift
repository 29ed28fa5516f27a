/// What the fine-tuning lesson measured, per strategy, over its seeds: the final test
/// accuracy (in percent) and the training time (seconds, all epochs, evaluation not
/// included).
public struct FineTuningMeasurements: Sendable, Equatable {
  /// Final test accuracy in percent, one value per seed.
  public var accuracy: [FineTuningStrategy: SeedSpread]
  /// Training seconds, one value per seed.
  public var seconds: [FineTuningStrategy: SeedSpread]
  /// Images in the final test set: one of them is `100 / testImages` points of accuracy.
  public var testImages: Int

  public init(accuracy: [FineTuningStrategy: SeedSpread], seconds: [FineTuningStrategy: SeedSpread], testImages: Int) {
    precondition(testImages > 0, "a test set needs images, got \(testImages)")
    self.accuracy = accuracy
    self.seconds = seconds
    self.testImages = testImages
  }

  /// Groups finished runs by strategy, in the order given (the seed order). Every run
  /// must have been trained with a final evaluation, all on one test set.
  public init(runs: [FineTuningRun]) {
    let finals = runs.map { run in
      guard let evaluation = run.finalEvaluation else {
        preconditionFailure("\(run.strategy.rawValue) was not trained")
      }
      return evaluation
    }
    precondition(
      !runs.isEmpty && Set(finals.map(\.count)).count == 1,
      "measurements need runs scored on one test set, got sizes \(finals.map(\.count))")
    var accuracy: [FineTuningStrategy: [Double]] = [:]
    var seconds: [FineTuningStrategy: [Double]] = [:]
    for (run, final) in zip(runs, finals) {
      accuracy[run.strategy, default: []].append(final.accuracy * 100)
      seconds[run.strategy, default: []].append(run.trainer.history.reduce(0) { $0 + $1.trainSeconds })
    }
    self.init(
      accuracy: accuracy.mapValues(SeedSpread.init), seconds: seconds.mapValues(SeedSpread.init),
      testImages: finals[0].count)
  }

  /// One test image, in points of accuracy: the smallest difference there can be.
  public var accuracyResolution: Double { 100 / Double(testImages) }
}
