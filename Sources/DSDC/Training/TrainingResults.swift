import Foundation

extension TrainingSession {
  /// Metrics as CSV and JSON, and the figures: curves, confusion matrix, mistakes,
  /// learned depthwise kernels, and the lesson digit's activations through each block.
  func writeResults(test: LabeledImages, lessonDigit: Int) throws {
    let history = trainer.history
    let evaluation = lastEvaluation ?? Evaluation(model: trainer.model, images: test,
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

    // Curves.
    let epochs = history.map { Float($0.epoch) }
    let loss = LinePlot(title: "Loss per epoch", xLabel: "epoch", yLabel: "cross-entropy", series: [
      .init(name: "train", x: epochs, y: history.map { Float($0.trainLoss) }),
      .init(name: "test", x: epochs, y: history.map { Float($0.testLoss ?? 0) }),
    ])
    let accuracy = LinePlot(title: "Accuracy per epoch (%)", xLabel: "epoch", yLabel: "accuracy (%)", series: [
      .init(name: "train", x: epochs, y: history.map { Float($0.trainAccuracy * 100) }),
      .init(name: "test", x: epochs, y: history.map { Float(($0.testAccuracy ?? 0) * 100) }),
    ])
    try write(FigureRow([loss, accuracy], gap: 16), "curves.png")

    // Confusion matrix and mistakes.
    try write(ConfusionMatrixFigure(title: "Test set: true class (rows) vs predicted class (columns)",
                                    counts: evaluation.confusion), "confusion.png")
    let mistakes = evaluation.mistakes.prefix(60).map { m in
      GalleryFigure.Item(pixels: Array(test.image(m.index)),
                         caption: "#\(m.index)\n\(m.label) → \(m.predicted) (\(Int((m.confidence * 100).rounded()))%)",
                         captionColor: .red)
    }
    if !mistakes.isEmpty {
      try write(GalleryFigure(title: "Misclassified test digits: true → predicted (confidence), \(evaluation.mistakes.count) in all",
                              items: Array(mistakes), columns: 10, scale: 2), "mistakes.png")
    }

    // Learned depthwise kernels of the first block.
    let model = trainer.model
    if let first = model.blocks.first, let depthwise = first.depthwise {
      let w = depthwise.weight.value                                          // (C, 1, K, K)
      let tiles = (0..<w.shape[0]).map { c in (label: "c\(c)", plane: w.plane(n: c, c: 0)) }
      try write(FeatureMapFigure(title: "Learned depthwise kernels of \(first.name) (3x3, D = \(depthwise.geometry.dilation))",
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
      csv += "\(e.epoch),\(e.trainLoss),\(e.trainAccuracy),\(e.testLoss ?? .nan),\(e.testAccuracy ?? .nan),\(e.trainSeconds),\(e.imagesPerSecond)\n"
    }
    return csv
  }
}
