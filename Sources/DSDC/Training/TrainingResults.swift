import Foundation

extension TrainingSession {
  /// The final test accuracy a run must reach before anything is concluded from it:
  /// 90%, nine times chance (10%) and below what even a linear classifier reaches on
  /// MNIST (about 92%), so a run under it has not learned the task.
  public static let learnedAccuracy = 0.90

  /// The command-line setting that learns cheaply, for the `⚠` hint.
  public static let quickSetting = "--epochs 2 --train-limit 6000"

  /// Whether the run learned enough to conclude from: `Readiness` applied to the
  /// last epoch's test accuracy (`nil` before any epoch with a test evaluation).
  public var readiness: Readiness? {
    trainer.history.last?.testAccuracy.map(Self.readiness(finalTestAccuracy:))
  }

  /// The `Readiness` rule at `learnedAccuracy` for a run's final test accuracy.
  public static func readiness(finalTestAccuracy accuracy: Double) -> Readiness {
    Readiness.accuracy(
      accuracy, atLeast: learnedAccuracy, what: "the final test accuracy",
      fix: "train longer, e.g. \(quickSetting)")
  }

  /// Why the training loss and the test loss differ, for the recipe's smoothing and
  /// augmentation: the training loss is label-smoothed and has a floor above 0. Lines
  /// are at most `lineWidth` columns; the entropy formula keeps a line of its own.
  public func lossExplanation() -> [String] {
    let recipe = trainer.recipe
    let epsilon = recipe.labelSmoothing
    let classes = trainer.model.config.classes
    let floor = LabelSmoothing.lossFloor(epsilon: epsilon, classes: classes)
    let images = recipe.augmentation == nil ? "the training images" : "augmented training images"
    let hang = String(repeating: " ", count: 8)  // under the text after "Losses: "
    if epsilon == 0 {
      return Format.wrap(
        "Losses: train = cross-entropy on \(images); test = the same on the test images.", width: lineWidth,
        continuation: hang)
    }
    let e = Format.fixed(epsilon, 2)
    return Format.wrap(
      "Losses: train = label-smoothed cross-entropy (ε = \(e)) on \(images); test = plain cross-entropy (ε = 0)"
        + " on the unaltered test images. The two do not compare: the smoothed target puts 1 − ε + ε/K on the"
        + " label and ε/K elsewhere, so even a perfect prediction pays its entropy", width: lineWidth,
      continuation: hang)
      + [hang + "−(1−ε+ε/K)·ln(1−ε+ε/K) − (K−1)(ε/K)·ln(ε/K) = " + Format.fixed(floor, 4) + " (K = \(classes)),"]
      + Format.wrap(hang + "the floor of the train loss; the test loss can approach 0.", width: lineWidth)
  }

  /// The loss curves, each labelled with what it measures, and the floor of the
  /// label-smoothed training loss drawn as a flat grey line.
  public static func lossPlot(_ history: [EpochSummary], recipe: TrainingRecipe, classes: Int) -> LinePlot {
    let epochs = history.map { Float($0.epoch) }
    let floor = Float(LabelSmoothing.lossFloor(epsilon: recipe.labelSmoothing, classes: classes))
    let smoothing = recipe.labelSmoothing == 0 ? "plain" : "smoothed eps \(Format.fixed(recipe.labelSmoothing, 2))"
    let augmented = recipe.augmentation == nil ? "" : ", augmented"
    var series: [LinePlot.Series] = [
      .init(name: "train (\(smoothing)\(augmented))", x: epochs, y: history.map { Float($0.trainLoss) }),
      .init(name: "test (plain CE)", x: epochs, y: history.map { Float($0.testLoss ?? .nan) }),
    ]
    if floor > 0, let first = epochs.first, let last = epochs.last {
      let name = "train floor \(Format.fixed(Double(floor), 3))"
      series.append(.init(name: name, x: [first, last], y: [floor, floor], color: .mutedInk))
    }
    return LinePlot(
      title: "Loss per epoch\ntrain: \(recipe.labelSmoothing == 0 ? "plain" : "label-smoothed") CE on "
        + "\(recipe.augmentation == nil ? "" : "augmented ")training images; test: plain CE",
      xLabel: "epoch", yLabel: "cross-entropy", series: series)
  }

  /// Metrics as CSV and JSON, the per-step record (`steps.csv`), and the figures: curves
  /// per epoch and per step, confusion matrix, mistakes, learned depthwise kernels, and the
  /// lesson digit's activations through each block.
  func writeResults(test: LabeledImages, lessonDigit: Int) throws {
    let history = trainer.history
    let evaluation =
      lastEvaluation
      ?? Evaluation(
        model: trainer.model, images: test,
        normalization: trainer.recipe.normalization)
    var files: [URL] = []
    func write(_ figure: some Figure, _ name: String) throws {
      let url = folder.appendingPathComponent(name)
      try figure.writePNG(to: url.path)
      files.append(url)
    }

    // Metrics.
    let csvURL = folder.appendingPathComponent("metrics.csv")
    try OutputFolder.writeAtomically(Data(EpochSummary.csv(history).utf8), to: csvURL)
    files.append(csvURL)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let jsonURL = folder.appendingPathComponent("metrics.json")
    try OutputFolder.writeAtomically(try encoder.encode(history), to: jsonURL)
    files.append(jsonURL)
    try OutputFolder.writeAtomically(Data(StepLog.csv(steps).utf8), to: stepsURL)
    files.append(stepsURL)

    // Curves.
    let epochs = history.map { Float($0.epoch) }
    let loss = Self.lossPlot(history, recipe: trainer.recipe, classes: trainer.model.config.classes)
    let accuracy = LinePlot(
      title: "Accuracy per epoch (%)", xLabel: "epoch", yLabel: "accuracy (%)",
      series: [
        .init(name: "train", x: epochs, y: history.map { Float($0.trainAccuracy * 100) }),
        .init(name: "test", x: epochs, y: history.map { Float(($0.testAccuracy ?? 0) * 100) }),
      ])
    try write(FigureStack(.row, [loss, accuracy], gap: 16), "curves.png")
    if !steps.isEmpty { try write(StepCurves.figure(steps, recipe: trainer.recipe), StepCurves.fileName) }

    // Confusion matrix and mistakes.
    try write(
      ConfusionMatrixFigure(
        title: "Test set: true class (rows) vs predicted class (columns)",
        counts: evaluation.confusion), "confusion.png")
    let mistakes = evaluation.mistakes.prefix(60).map { m in
      GalleryFigure.Item(
        pixels: Array(test.image(m.index)),
        caption: "#\(m.index)\n\(m.label) → \(m.predicted) (\(Int((m.confidence * 100).rounded()))%)",
        captionColor: .red)
    }
    if !mistakes.isEmpty {
      try write(
        GalleryFigure(
          title: "Misclassified test digits: true → predicted (confidence), \(evaluation.mistakes.count) in all",
          items: Array(mistakes), columns: 10, scale: 2), "mistakes.png")
    }

    // Learned depthwise kernels of the first block.
    let model = trainer.model
    if let first = model.blocks.first, let depthwise = first.depthwise {
      let w = depthwise.weight.value  // (C, 1, K, K)
      let tiles = (0..<w.shape[0]).map { c in (label: "c\(c)", plane: w.plane(n: c, c: 0)) }
      try write(
        FeatureMapFigure(
          title: "Learned depthwise kernels of \(first.name) (3x3, D = \(depthwise.geometry.dilation))",
          tiles: tiles, style: .diverging, range: .perTile, scale: 12, columns: 8), "depthwise-kernels.png")
    }

    // The lesson digit through the network.
    if lessonDigit >= 0 && lessonDigit < test.count {
      let image = trainer.recipe.normalization.tensor(test, indices: lessonDigit..<lessonDigit + 1)
      try write(ActivationFigure.make(model.activations(image: image)), "activations.png")
    }
    for url in files { record(url) }
  }
}

extension EpochSummary {
  /// A run's history as `metrics.csv`: a header line, then one line per epoch.
  public static func csv(_ history: [EpochSummary]) -> String {
    var csv = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,train_seconds,images_per_second\n"
    for e in history {
      csv +=
        "\(e.epoch),\(e.trainLoss),\(e.trainAccuracy),\(e.testLoss ?? .nan),\(e.testAccuracy ?? .nan),\(e.trainSeconds),\(e.imagesPerSecond)\n"
    }
    return csv
  }
}
