import Foundation

/// What a trainer reports while it runs.
public enum TrainingEvent {
  /// After every optimisation step.
  case batch(BatchProgress)
  /// After every epoch, with the test-set evaluation when a test set was given.
  case epochEnded(EpochSummary, Evaluation?)
}

/// The state of the current epoch after one step.
public struct BatchProgress: Sendable, Equatable {
  /// The epoch running, from 1.
  public var epoch: Int
  /// The batch just finished within the epoch, from 1.
  public var batch: Int
  /// Batches in one epoch.
  public var batchesPerEpoch: Int
  /// Optimisation steps finished since the start of the run.
  public var step: Int
  /// The learning rate this step used.
  public var learningRate: Double
  /// This batch's mean loss.
  public var loss: Float
  /// Mean loss over the epoch's images so far.
  public var runningLoss: Double
  /// Fraction of the epoch's images so far classified correctly (in training mode).
  public var runningAccuracy: Double
  /// Training images per second over the epoch so far (wall clock).
  public var imagesPerSecond: Double
}

/// One finished epoch.
public struct EpochSummary: Sendable, Codable, Equatable {
  /// The epoch, from 1.
  public var epoch: Int
  /// Mean training loss over the epoch (each batch in training mode, as it was seen).
  public var trainLoss: Double
  /// Fraction of training images classified correctly during the epoch.
  public var trainAccuracy: Double
  /// Test-set mean loss in eval mode, when a test set was given.
  public var testLoss: Double?
  /// Test-set accuracy in eval mode, when a test set was given.
  public var testAccuracy: Double?
  /// Wall-clock seconds spent training (not evaluating).
  public var trainSeconds: Double
  /// Wall-clock seconds spent evaluating the test set.
  public var evaluationSeconds: Double
  /// Training throughput, images per second.
  public var imagesPerSecond: Double
}
