/// Whether the trained model the report shows (`train/`) was trained as much as the
/// default recipe trains, and learned enough to conclude from: its final test accuracy
/// judged by `Readiness` at `TrainingSession.learnedAccuracy` (90%), the bar the
/// training run itself prints.
public struct TrainedModelCheck: Sendable, Equatable {
  /// Epochs the run trained (its recipe's), if recorded.
  public var epochs: Int?
  /// Training images per epoch, if recorded.
  public var imagesPerEpoch: Int?
  /// Training images there were to train on, if recorded.
  public var trainingImages: Int?
  /// The last epoch's test accuracy, if recorded.
  public var finalTestAccuracy: Double?
  /// The command that trains the model with the default recipe, as the user can type
  /// it (`ReportCommands.lesson(trainingLesson)`), e.g. `dsdc lesson 8 --output runs`.
  public var retrain: String

  public init(epochs: Int?, imagesPerEpoch: Int?, trainingImages: Int?, finalTestAccuracy: Double?, retrain: String) {
    self.epochs = epochs
    self.imagesPerEpoch = imagesPerEpoch
    self.trainingImages = trainingImages
    self.finalTestAccuracy = finalTestAccuracy
    self.retrain = retrain
  }

  /// The lesson that trains the model in `train/` with the default recipe.
  public static let trainingLesson = 8

  /// Where the run trained less than `reference` (the default recipe): fewer epochs,
  /// or fewer images per epoch than there were; each a phrase, empty when neither is
  /// known to fall short.
  public func shortfalls(reference: TrainingRecipe = TrainingRecipe()) -> [String] {
    var result: [String] = []
    if let epochs, epochs < reference.epochs {
      result.append("\(epochs) epoch\(epochs == 1 ? "" : "s") where the default recipe trains \(reference.epochs)")
    }
    if let imagesPerEpoch, let trainingImages, imagesPerEpoch < trainingImages {
      result.append(
        "\(Format.grouped(imagesPerEpoch)) of the \(Format.grouped(trainingImages)) training images per epoch, "
          + "where the default recipe trains on all")
    }
    return result
  }

  /// The final test accuracy judged by the training run's own rule, if it is known.
  public var readiness: Readiness? {
    finalTestAccuracy.map {
      Readiness.accuracy(
        $0, atLeast: TrainingSession.learnedAccuracy,
        what: "the final test accuracy of the model in train/",
        fix: "train it with the default recipe:", command: retrain)
    }
  }

  /// The report's warning about the model, one sentence per line; empty when the run is
  /// neither known to fall short of the default recipe nor known to be under the bar.
  /// - Parameter shownIn: the sections that show the model, e.g. `["Lesson 8", "Training"]`.
  public func warning(shownIn sections: [String], reference: TrainingRecipe = TrainingRecipe()) -> [String] {
    let short = shortfalls(reference: reference)
    let readiness = readiness
    var lines: [String] = []
    if !short.isEmpty {
      // `Lesson 8, Training` → `Lesson 8 and Training`.
      var list = SettingsComparison.sectionList(sections)
      if let last = list.range(of: ", ", options: .backwards) { list.replaceSubrange(last, with: " and ") }
      let place = sections.isEmpty ? "The model in train/" : "The model shown in \(list) (train/)"
      lines.append("⚠ \(place) trained less than the default recipe: " + short.joined(separator: "; ") + ".")
    }
    if let readiness, !readiness.isReady || !short.isEmpty { lines.append(readiness.line) }
    if !short.isEmpty && readiness?.isReady != false { lines.append("The default recipe's run: \(retrain)") }
    return lines
  }
}
