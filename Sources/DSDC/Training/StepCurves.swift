/// `curves-per-step.png`: every step's training loss (faint) with its moving average
/// (a line), beside the learning rate each step used — what the per-epoch means of
/// `curves.png` average over.
public enum StepCurves {
  /// The file's name, beside `curves.png`.
  public static let fileName = "curves-per-step.png"

  /// The trailing moving average of `values` over `window` values (fewer at the start):
  /// ```
  /// m_t = min(w, t),   smooth_t = (x_{t−m_t+1} + … + x_t) / m_t     (t from 1)
  /// ```
  /// summed in `Double`, so a long series does not lose precision.
  public static func movingAverage(_ values: [Float], window: Int) -> [Float] {
    precondition(window >= 1, "window \(window) must be at least 1")
    var result: [Float] = []
    result.reserveCapacity(values.count)
    var sum = 0.0
    for (t, value) in values.enumerated() {
      sum += Double(value)
      if t >= window { sum -= Double(values[t - window]) }
      result.append(Float(sum / Double(min(window, t + 1))))
    }
    return result
  }

  /// The averaging window for `count` steps: a tenth of them, at least 1 and at most 50
  /// (the default recipe's 8,442 steps are averaged over 50, under a tenth of an epoch).
  public static func window(steps count: Int) -> Int { min(50, max(1, count / 10)) }

  /// The two plots, loss and learning rate, against the step.
  public static func plots(_ steps: [StepRecord], recipe: TrainingRecipe) -> [LinePlot] {
    let x = steps.map { Float($0.step) }
    let loss = steps.map(\.loss)
    let window = window(steps: steps.count)
    let lossColor = RGB.palette[0]
    let kind = recipe.labelSmoothing == 0 ? "plain" : "label-smoothed"
    let epochs = Set(steps.map(\.epoch)).count
    let span = "\(steps.count) step\(steps.count == 1 ? "" : "s"), \(epochs) epoch\(epochs == 1 ? "" : "s")"
    let lossPlot = LinePlot(
      title: "Training loss per step (\(span))\n\(kind) CE of each batch, and its mean over the last \(window)",
      xLabel: "step", yLabel: "cross-entropy",
      series: [
        .init(
          name: "each batch", x: x, y: loss, color: lossColor.mixed(with: .white, 0.6), thickness: 1,
          marksPoints: false),
        .init(
          name: "mean of last \(window)", x: x, y: movingAverage(loss, window: window), color: lossColor,
          marksPoints: false),
      ])
    let ratePlot = LinePlot(
      title: "Learning rate per step\n\(recipe.optimizer.name), \(recipe.schedule.name) schedule, peak "
        + "\(recipe.learningRate)",
      xLabel: "step", yLabel: "learning rate",
      series: [
        .init(
          name: "learning rate", x: x, y: steps.map { Float($0.learningRate) }, color: RGB.palette[2],
          marksPoints: false)
      ])
    return [lossPlot, ratePlot]
  }

  /// The figure: the loss plot and the learning-rate plot side by side, as `curves.png`.
  public static func figure(_ steps: [StepRecord], recipe: TrainingRecipe) -> FigureStack {
    FigureStack(.row, plots(steps, recipe: recipe), gap: 16)
  }
}
