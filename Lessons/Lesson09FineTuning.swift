// Lesson 9 — Fine-tuning: reuse the trained DSDC-Net on a new task
//
// What it teaches: how a network trained on digits is reused for clothes
// (Fashion-MNIST) — four strategies from "reuse nothing" to "retrain everything
// gently", what freezing a layer saves, and which layers carry features general
// enough to transfer.
// Article: the title's "development and fine-tuning"; §5 (the module whose
// depthwise and pointwise halves are frozen separately here).
// Needs: lesson 8's Output/train/model.safetensors, and Fashion-MNIST
//        (`sudo apt-get install dataset-fashion-mnist`, or --finetune-data DIR).
// Writes: Output/09-finetune/ — curves.png, kernels-before-after.png,
//         model-full.safetensors (the `full` model, for `dsdc evaluate` / `dsdc predict`).

import DSDC
import Foundation

public enum Lesson09FineTuning: Lesson {
  public static let info = LessonInfo(
    number: 10, slug: "finetune", title: "Fine-tuning on a new task", articleSection: "title, §5",
    summary: "lesson 8's network reused on Fashion-MNIST: four strategies, what transfers")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The parent: lesson 8's trained network
    let parentURL = lesson.settings.outputDirectory.appendingPathComponent("train")
      .appendingPathComponent(TrainingCheckpoint.modelFileName)
    guard FileManager.default.fileExists(atPath: parentURL.path) else {
      throw FineTuningError.parentMissing(path: parentURL.path)
    }
    let task = FineTuningTask.fashionMNIST
    let dataDirectory = task.resolve(option: lesson.settings.options["finetune-data"])
    let train = try task.loadSplit(.train, directory: dataDirectory)
    let test = try task.loadSplit(.test, directory: dataDirectory)
    let (parent, parentMetadata) = try TrainingCheckpoint.loadModel(from: parentURL)
    lesson.say("Parent: \(parentURL.path), \(parentMetadata[TrainingCheckpoint.testAccuracyKey].flatMap(Double.init).map { Format.fixed($0 * 100, 2) } ?? "?")% on MNIST's test digits.")
    lesson.say("New task: \(task.title) from \(dataDirectory.path) — \(Format.grouped(train.count)) training and \(Format.grouped(test.count)) test")
    lesson.say("pictures, 28×28 gray like MNIST, of 10 kinds of clothing: \(task.classNames.joined(separator: ", ")).")
    lesson.say()

    // MARK: Four strategies
    // Freezing a parameter means no gradient is computed for it and no optimiser step
    // touches it; the backward pass stops below the earliest trainable layer. The
    // classifier always starts anew (its MNIST weights name digits), from the seed.
    lesson.say("Strategies (the classifier is new in every one):")
    for strategy in FineTuningStrategy.allCases {
      lesson.say("  \(strategy.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(strategy.summary)")
    }
    lesson.say()

    // MARK: An equal, small budget
    // 1,000 labelled images (about 100 per class) for 5 epochs: 80 steps of 64. A new
    // task seldom comes with 60,000 labels, and a small budget is where reuse shows;
    // 5 epochs give each accuracy curve five points. Every strategy sees the same
    // batches in the same order, and is evaluated on all 10,000 test images after
    // each epoch. --epochs and --train-limit (lesson 8's knobs) do not change this.
    let (budgetImages, budgetEpochs) = (1_000, 5)
    let expectedTrainable: [FineTuningStrategy: Int] = [.scratch: 30_922, .head: 1_290, .pointwise: 28_618, .full: 30_922]
    lesson.say("Budget: the first \(Format.grouped(budgetImages)) training images, \(budgetEpochs) epochs, batch 64, AdamW peak lr 3e-3 (one-cycle), seed \(lesson.settings.seed).")
    var runs: [FineTuningRun] = []
    for strategy in FineTuningStrategy.allCases {
      let recipe = FineTuningRun.recipe(epochs: budgetEpochs, trainLimit: budgetImages, seed: lesson.settings.seed)
      let run = try FineTuningRun(parent: parentURL, strategy: strategy, task: task, recipe: recipe)
      lesson.check(run.model.trainableParameterCount == expectedTrainable[strategy],
                   "\(strategy.rawValue): \(Format.grouped(run.model.trainableParameterCount)) trainable parameters, as counted by hand")
      try run.train(on: train, test: test) { event in
        if case .batch(let p) = event { lesson.progressLine("\(strategy.rawValue): " + p.line(epochs: budgetEpochs, batchSize: recipe.batchSize)) }
      }
      lesson.progressLine("")
      runs.append(run)
    }
    lesson.say()

    // MARK: The table
    lesson.say("strategy     trainable   seconds   images/s   test accuracy: start → after \(budgetEpochs) epochs")
    for run in runs {
      let history = run.trainer.history
      let seconds = history.reduce(0) { $0 + $1.trainSeconds }
      let name = run.strategy.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
      let trainable = Format.grouped(run.model.trainableParameterCount)
      let rate = Format.grouped(Int(Double(budgetImages * budgetEpochs) / max(seconds, 1e-9)))
      lesson.say("  \(name) \(String(repeating: " ", count: max(0, 9 - trainable.count)))\(trainable)   \(String(format: "%7.2f", seconds))   \(String(repeating: " ", count: max(0, 8 - rate.count)))\(rate)   \(Format.fixed((run.startEvaluation?.accuracy ?? 0) * 100, 2))% → \(Format.fixed((history.last?.testAccuracy ?? 0) * 100, 2))%")
    }
    // A linear probe is only as good as the features under it: the head check needs a
    // parent that learned MNIST (a smoke run's parent of a few steps may not).
    let parentAccuracy = Double(parentMetadata[TrainingCheckpoint.testAccuracyKey] ?? "") ?? 0
    for run in runs where run.strategy != .head || parentAccuracy >= 0.9 {
      lesson.check((run.trainer.history.last?.testAccuracy ?? 0) > 0.10, "\(run.strategy.rawValue) beats chance (10%)")
    }
    lesson.say()

    // MARK: Frozen means frozen
    // The optimiser skipped every frozen tensor and the layers computed no gradient for
    // it: the values are the parent's bit for bit, the gradients still zero.
    let head = runs[1].model, pointwise = runs[2].model, full = runs[3].model
    let frozenUnchanged = zip(parent.parameters, head.parameters).allSatisfy { $1.isFrozen ? $0.value == $1.value : true }
    lesson.check(frozenUnchanged && zip(parent.batchNorms, head.batchNorms).allSatisfy {
      $0.runningMean == $1.runningMean && $0.runningVar == $1.runningVar },
      "head: every backbone tensor and BatchNorm statistic is the parent's, bit for bit")
    lesson.check(head.parameters.filter(\.isFrozen).allSatisfy { $0.gradient.storage.allSatisfy { $0 == 0 } },
                 "head: no gradient was ever computed for the backbone (the saving in its time)")
    lesson.check(zip(parent.parameters, pointwise.parameters).allSatisfy { ($0.value == $1.value) == $1.isFrozen },
                 "pointwise: stem and depthwise kernels unchanged, every trainable tensor moved")
    lesson.say()

    // MARK: Accuracy curves
    let curves = LinePlot(
      title: "Fashion-MNIST test accuracy, \(Format.grouped(budgetImages)) training images", xLabel: "epoch",
      yLabel: "accuracy (%)",
      series: runs.map { run in
        .init(name: run.strategy.rawValue, x: (0...budgetEpochs).map(Float.init),
              y: [Float((run.startEvaluation?.accuracy ?? 0) * 100)] + run.trainer.history.map { Float(($0.testAccuracy ?? 0) * 100) })
      })
    try lesson.write(curves, as: "curves.png")

    // MARK: What moved in `full`
    // ‖Δw‖/‖w‖ per convolution: how far full fine-tuning (backbone at a fraction of the rate)
    // carried each layer from its MNIST values.
    lesson.say("full: how far each convolution moved from its MNIST weights, ‖Δw‖ / ‖w‖:")
    var moved: [String: Double] = [:]
    for (before, after) in zip(parent.parameters, full.parameters)
    where before.name.hasSuffix(".weight") && before.shape.count == 4 {
      let delta = zip(before.value.storage, after.value.storage).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
      let norm = before.value.storage.reduce(0.0) { $0 + Double($1 * $1) }
      moved[before.name] = 100 * (delta / max(norm, 1e-30)).squareRoot()
      lesson.say("  \(before.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(Format.fixed(moved[before.name] ?? 0, 2))%")
    }
    let before = parent.blocks[0].depthwise!.weight.value, after = full.blocks[0].depthwise!.weight.value  // (C, 1, K, K)
    let maxAbs = max(before.storage.map(\.magnitude).max() ?? 1, after.storage.map(\.magnitude).max() ?? 1)
    try lesson.write(FigureColumn([
      FeatureMapFigure(title: "block1 depthwise kernels trained on MNIST (lesson 8)",
                       tiles: (0..<before.shape[0]).map { (label: "c\($0)", plane: before.plane(n: $0, c: 0)) },
                       style: .diverging, range: .fixed(lo: -maxAbs, hi: maxAbs), scale: 12, columns: 16),
      FeatureMapFigure(title: "the same kernels after full fine-tuning on Fashion-MNIST (same colour scale)",
                       tiles: (0..<after.shape[0]).map { (label: "c\($0)", plane: after.plane(n: $0, c: 0)) },
                       style: .diverging, range: .fixed(lo: -maxAbs, hi: maxAbs), scale: 12, columns: 16),
    ], gap: 16), as: "kernels-before-after.png")

    // MARK: The fine-tuned model is a checkpoint like any other
    let saved = try lesson.path("model-full.safetensors")
    try runs[3].save(to: saved)
    lesson.recordWritten(saved)
    let (reloaded, metadata) = try TrainingCheckpoint.loadModel(from: saved)
    let again = Evaluation(model: reloaded, images: test, normalization: TrainingCheckpoint.normalization(from: metadata))
    lesson.check(abs(again.accuracy - (runs[3].trainer.history.last?.testAccuracy ?? -1)) < 1e-9
                   && FineTuningMetadata(metadata) == runs[3].origin,
                 "model-full.safetensors reproduces full's accuracy and names its parent and the class names")
    lesson.say("Try: dsdc evaluate --checkpoint \(saved.path)")
    lesson.say()

    // MARK: What the numbers say
    let accuracy = Dictionary(uniqueKeysWithValues: runs.map { ($0.strategy, ($0.trainer.history.last?.testAccuracy ?? 0) * 100) })
    let percent = { (s: FineTuningStrategy) in Format.fixed(accuracy[s] ?? 0, 2) + "%" }
    let best = FineTuningStrategy.allCases.max { (accuracy[$0] ?? 0) < (accuracy[$1] ?? 0) }!
    lesson.say("Measured: scratch \(percent(.scratch)), head \(percent(.head)), pointwise \(percent(.pointwise)), full \(percent(.full)); best: \(best.rawValue).")
    lesson.say("• head trains 1,290 numbers on features made for digits; its \(percent(.head)) is how much of clothing those")
    lesson.say("  128 features already separate — the strokes, edges and blobs of the early layers are not digit-specific.")
    lesson.say("• pointwise keeps every spatial filter (stem and depthwise) of MNIST and relearns only how channels mix:")
    lesson.say("  \((accuracy[.pointwise] ?? 0) >= (accuracy[.head] ?? 0) ? "its gain over head" : "its result next to head") shows what new mixing of the same small 3×3 detectors buys —")
    lesson.say("  the spatial filters, a tenth of the parameters, are the general part; the 1×1 mixing is the task-specific part.")
    let depthwiseMoved = moved.filter { $0.key.contains(".depthwise.") }.values.reduce(0, +) / Double(parent.blocks.count)
    let pointwiseMoved = moved.filter { $0.key.contains(".pointwise.") }.values.reduce(0, +) / Double(parent.blocks.count)
    lesson.say("• full moves every layer, the backbone at \(FineTuningStrategy.backboneLearningRateScale)× the head's rate: the depthwise kernels by \(Format.fixed(depthwiseMoved, 1))% on average, the pointwise")
    lesson.say("  weights by \(Format.fixed(pointwiseMoved, 1))% (kernels-before-after.png shows the block-1 kernels before and after)\(depthwiseMoved < pointwiseMoved ? " — the spatial filters" : ".")")
    if depthwiseMoved < pointwiseMoved { lesson.say("  need the least change, the channel mixing more.") }
    if (accuracy[.full] ?? 0) < (accuracy[.pointwise] ?? 0) {
      lesson.say("  In \(runs[3].trainer.step) steps that caution costs accuracy: full ends below pointwise, which retrains the mixing")
      lesson.say("  at the full rate while keeping MNIST's spatial filters exactly")
      lesson.say("  (`dsdc finetune --strategy full --backbone-lr-scale 1` shows what the full rate does).")
    }
    lesson.say("• scratch has to find everything in \(Format.grouped(budgetImages * budgetEpochs)) image-steps: \((accuracy[.scratch] ?? 0) < (accuracy[best] ?? 0) ? "it ends below \(best.rawValue), the price of reusing nothing" : "here it kept up — the parent taught little this budget could not")" + ".")
    let seconds = runs.map { $0.trainer.history.reduce(0) { $0 + $1.trainSeconds } }
    lesson.say("• Time: head's step runs no backward pass through the backbone — \(Format.fixed(seconds[3] / max(seconds[1], 1e-9), 1))× faster than full here;")
    lesson.say("  pointwise still back-propagates through every block (its BatchNorms and stem BatchNorm learn), only")
    lesson.say("  the depthwise and stem weight gradients are skipped, so it costs nearly what full does.")
  }
}
