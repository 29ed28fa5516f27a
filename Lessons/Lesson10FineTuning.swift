// Lesson 10 — Fine-tuning: reuse the trained DSDC-Net on a new task
//
// What it teaches: how a network trained on digits is reused for clothes
// (Fashion-MNIST) — strategies from "reuse nothing" to "retrain everything gently",
// two controls that isolate what the reused weights contribute, what freezing a layer
// saves, and how a claim about transfer is decided: measured over seeds, judged by a
// stated rule, and only for a parent that learned MNIST in the first place.
// Article: the title's "development and fine-tuning"; §5 (the module whose
// depthwise and pointwise halves are frozen separately here).
// Needs: lesson 8's Output/train/model.safetensors, MNIST's test set (to measure the
//        parent), and Fashion-MNIST (`sudo apt-get install dataset-fashion-mnist`,
//        or --finetune-data DIR).
// Writes: Output/10-finetune/ — curves.png, kernels-before-after.png,
//         model-full.safetensors (seed 0's `full` model, for `dsdc evaluate` / `dsdc predict`).
// Code:   Sources/DSDC/FineTuning/FineTuningRun.swift, FineTuningStrategy.swift,
//         TransferClaim.swift and FineTuningConclusions.swift (the rules), WeightChange.swift.
// Tests:  Tests/DSDCTests/FineTuningTests.swift, TransferClaimTests.swift,
//         WeightChangeTests.swift.

import DSDC
import Foundation

public enum Lesson10FineTuning: Lesson {
  public static let info = LessonInfo(
    number: 10, slug: "finetune", title: "Fine-tuning on a new task", articleSection: "title, §5",
    summary: "lesson 8's network reused on Fashion-MNIST: six strategies, three seeds, claims judged by rule")

  public static func run(_ lesson: LessonContext) throws {
    let started = ContinuousClock.now

    // MARK: The parent: lesson 8's trained network, measured on MNIST
    // A parent that has not learned digits has nothing to transfer, so its accuracy on
    // its own test set is measured here, not read from its metadata.
    let parentURL = lesson.settings.outputDirectory.appendingPathComponent("train")
      .appendingPathComponent(TrainingCheckpoint.modelFileName)
    guard FileManager.default.fileExists(atPath: parentURL.path) else {
      throw FineTuningError.parentMissing(path: parentURL.path, train: lesson.commandLine(["lesson", "8"]))
    }
    let (parent, parentMetadata) = try TrainingCheckpoint.loadModel(from: parentURL)
    parent.threads = 2  // as the fine-tuning recipe
    let mnistTest = try lesson.testSet()
    let parentAccuracy = Evaluation(
      model: parent, images: mnistTest,
      normalization: TrainingCheckpoint.normalization(from: parentMetadata)
    ).accuracy
    let readiness = FineTuningConclusions.parentReadiness(
      accuracy: parentAccuracy, retrain: lesson.commandLine(["lesson", "8"]))
    lesson.say("Parent: \(parentURL.path), scored now on MNIST's \(Format.grouped(mnistTest.count)) test digits.")
    for line in readiness.lines(width: LessonContext.lineWidth) { lesson.say(line) }
    let task = FineTuningTask.fashionMNIST
    let dataDirectory = task.resolve(option: lesson.settings.fineTuneData)
    let train = try task.loadSplit(.train, directory: dataDirectory)
    let test = try task.loadSplit(.test, directory: dataDirectory)
    lesson.say(
      "New task: \(task.title) from \(dataDirectory.path) — \(Format.grouped(train.count)) training and"
        + " \(Format.grouped(test.count)) test pictures, 28×28 gray like MNIST, of 10 kinds of clothing:")
    lesson.say("  \(task.classNames.joined(separator: ", ")).")
    lesson.say()

    // MARK: Six strategies
    // Freezing a parameter means no gradient is computed for it and no optimiser step
    // touches it; the backward pass stops below the earliest trainable layer. The
    // classifier always starts anew (its MNIST weights name digits), from the seed.
    lesson.say("Strategies (the classifier is new in every one):")
    for strategy in FineTuningStrategy.allCases {
      lesson.say(
        "  \(strategy.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) \(strategy.summary)",
        continuation: String(repeating: " ", count: 20))
    }
    lesson.say(
      "head and head-bn read only block 3's pooled output: they score those 128 features, not the early layers"
        + " on their own. pointwise still back-propagates through every block (its BatchNorms learn); only the"
        + " stem and depthwise weight gradients are skipped.")
    lesson.say()

    // MARK: An equal, small budget, three seeds
    // 1,000 labelled images (about 100 per class) for 5 epochs: 80 steps of 64. Every
    // strategy of one seed sees the same batches in the same order. The seed also
    // draws the classifier, scratch's network and pointwise-random's spatial kernels,
    // so the spread over seeds is the noise a difference must beat. --epochs and
    // --train-limit (lesson 8's knobs) do not change this budget.
    let (budgetImages, budgetEpochs, curveImages) = (1_000, 5, 1_000)
    let seeds = (0..<3).map { lesson.settings.seed &+ UInt64($0) }
    let curveSet = test.prefix(curveImages)
    let expectedTrainable: [FineTuningStrategy: Int] = [
      .scratch: 30_922, .head: 1_290, .headBN: 1_290, .pointwise: 28_618, .pointwiseRandom: 28_618, .full: 30_922,
    ]
    let runCount = seeds.count * FineTuningStrategy.allCases.count
    let batch = FineTuningRun.recipe(epochs: budgetEpochs, trainLimit: budgetImages, seed: 0).batchSize
    lesson.say(
      "Budget per run: the first \(Format.grouped(budgetImages)) training images, \(budgetEpochs) epochs, batch"
        + " \(batch), AdamW peak lr 3e-3 (one-cycle). Seeds \(seeds.map(String.init).joined(separator: ", "))"
        + " (from --seed): \(runCount) runs. Scored: the first \(Format.grouped(curveImages)) test images after"
        + " every epoch (the curves), all \(Format.grouped(test.count)) once after the last (the table and the"
        + " claims).")
    var runs: [FineTuningRun] = []
    for seed in seeds {
      for strategy in FineTuningStrategy.allCases {
        let recipe = FineTuningRun.recipe(epochs: budgetEpochs, trainLimit: budgetImages, seed: seed)
        let run = try FineTuningRun(parent: parentURL, strategy: strategy, task: task, recipe: recipe)
        let meter = TrainingProgressMeter(
          epochs: budgetEpochs, batchSize: recipe.batchSize, testImages: curveSet.count,
          label: "\(strategy.rawValue), seed \(seed):", draw: lesson.progressLine)
        try run.train(on: train, test: test, epochTest: curveSet) { meter.record($0) }
        lesson.progressLine("")
        run.model.releaseWorkspaces()
        runs.append(run)
      }
    }
    let firstSeed = Dictionary(
      uniqueKeysWithValues: runs.prefix(FineTuningStrategy.allCases.count).map { ($0.strategy, $0) })
    for strategy in FineTuningStrategy.allCases {
      let count = firstSeed[strategy]!.model.trainableParameterCount
      lesson.check(
        count == expectedTrainable[strategy],
        "\(strategy.rawValue): \(Format.grouped(count)) trainable parameters, as counted by hand")
    }
    lesson.say()

    // MARK: The table: mean ± SD over the seeds, and the range
    let measured = FineTuningMeasurements(runs: runs)
    lesson.say("                    params  training s       test accuracy %")
    lesson.say("  strategy         trained  (mean ± SD)      on \(Format.grouped(measured.testImages)) images")
    for strategy in FineTuningStrategy.allCases {
      let (seconds, accuracy) = (measured.seconds[strategy]!, measured.accuracy[strategy]!)
      let trainable = Format.grouped(expectedTrainable[strategy] ?? 0)
      lesson.say(
        "  \(strategy.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0))\(String(repeating: " ", count: max(0, 7 - trainable.count)))\(trainable)  \(String(format: "%6.2f ± %5.2f", seconds.mean, seconds.standardDeviation))  \(accuracy.formatted())"
      )
    }
    // Chance is 10%; a parent below the required accuracy may leave its reusers there.
    let checked = FineTuningStrategy.allCases.filter { readiness.isReady || !$0.reusesParent }
    lesson.check(
      checked.allSatisfy { measured.accuracy[$0]!.min > 10 },
      "every seed of \(checked.count == FineTuningStrategy.allCases.count ? "every strategy" : "scratch") beats chance (10%)"
    )
    lesson.say()

    // MARK: Frozen means frozen (the first seed's runs)
    // The optimiser skipped every frozen tensor and the layers computed no gradient for
    // it. A freshly prepared run of the same seed holds what training started from.
    let (head, headBN, pointwise, random) = (
      firstSeed[.head]!.model, firstSeed[.headBN]!.model,
      firstSeed[.pointwise]!.model, firstSeed[.pointwiseRandom]!.model
    )
    let statistics = { (model: DSDCNet) in model.batchNorms.flatMap { $0.runningMean.storage + $0.runningVar.storage } }
    let spatial = { (model: DSDCNet) in
      model.parameters.filter { FineTuningStrategy.pointwise.freezes($0.name) }.map(\.value)
    }
    lesson.check(
      zip(parent.parameters, head.parameters).allSatisfy { $1.isFrozen ? $0.value == $1.value : true }
        && statistics(parent) == statistics(head),
      "head: every backbone tensor and BatchNorm statistic is the parent's, bit for bit")
    lesson.check(
      head.parameters.filter(\.isFrozen).allSatisfy { $0.gradient.storage.allSatisfy { $0 == 0 } },
      "head: no gradient was ever computed for the backbone (the saving in its time)")
    let restat = try FineTuningRun(
      parent: parentURL, strategy: .headBN, task: task, recipe: firstSeed[.headBN]!.trainer.recipe
    ).model
    restat.reestimateBatchNormStatistics(
      on: train.prefix(budgetImages), normalization: firstSeed[.headBN]!.trainer.recipe.normalization)
    lesson.check(
      zip(parent.parameters, headBN.parameters).allSatisfy { $1.isFrozen ? $0.value == $1.value : true }
        && statistics(headBN) != statistics(parent) && statistics(headBN) == statistics(restat),
      "head-bn: backbone weights the parent's; BatchNorm statistics re-estimated, then unchanged")
    lesson.check(
      zip(parent.parameters, pointwise.parameters).allSatisfy { ($0.value == $1.value) == $1.isFrozen },
      "pointwise: stem and depthwise kernels unchanged, every trainable tensor moved")
    let drawn = try FineTuningRun(
      parent: parentURL, strategy: .pointwiseRandom, task: task, recipe: firstSeed[.pointwiseRandom]!.trainer.recipe
    ).model
    lesson.check(
      zip(spatial(parent), spatial(random)).allSatisfy { $0 != $1 } && spatial(random) == spatial(drawn),
      "pointwise-random: every spatial kernel differs from the parent's, and training left it as drawn")
    lesson.say()

    // MARK: Accuracy curves (mean of the seeds, first 1,000 test images)
    let curves = LinePlot(
      title: "Fashion-MNIST accuracy, first \(Format.grouped(curveImages)) test images, mean of \(seeds.count) seeds",
      xLabel: "epoch", yLabel: "accuracy (%)",
      series: FineTuningStrategy.allCases.map { strategy in
        let own = runs.filter { $0.strategy == strategy }
        let points = own.map { [$0.startEvaluation!.accuracy] + $0.trainer.history.map { $0.testAccuracy ?? 0 } }
        return .init(
          name: strategy.rawValue, x: (0...budgetEpochs).map(Float.init),
          y: (0...budgetEpochs).map { e in Float(points.reduce(0) { $0 + $1[e] } / Double(points.count) * 100) })
      })
    let curvesFile = try lesson.write(curves, as: "curves.png")

    // MARK: What moved in `full`: absolute and relative change per convolution
    lesson.say("full: each convolution's change from its MNIST weights, mean ± SD of \(seeds.count) seeds:")
    lesson.say(
      "  Adam moves each weight by about the learning rate whatever its size, so ‖Δw‖/‖w‖ mostly tracks"
        + " 1/rms(w), which the initialisation set ∝ √fan-in; rms(Δw) is the absolute change.")
    lesson.say("  layer                    fan-in   rms(w)    rms(Δw)              ‖Δw‖/‖w‖")
    let changes = runs.filter { $0.strategy == .full }.map { WeightChange.convolutions(from: parent, to: $0.model) }
    for (index, layer) in changes[0].enumerated() {
      let absolute = SeedSpread(changes.map { $0[index].rmsDelta })
      let relative = SeedSpread(changes.map { $0[index].relative * 100 })
      lesson.say(
        "  \(layer.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(String(format: "%6d", layer.fanIn))   \(Format.fixed(layer.rmsBefore, 4))   \(Format.fixed(absolute.mean, 5)) ± \(Format.fixed(absolute.standardDeviation, 5))   \(Format.fixed(relative.mean, 2)) ± \(Format.fixed(relative.standardDeviation, 2))%"
      )
    }
    let full = firstSeed[.full]!
    let kernels = { (model: DSDCNet) in model.parameters.first { $0.name == "block1.depthwise.weight" }!.value }
    let before = kernels(parent)
    let after = kernels(full.model)  // (C, 1, K, K)
    let maxAbs = max(before.storage.map(\.magnitude).max() ?? 1, after.storage.map(\.magnitude).max() ?? 1)
    let kernelsFile = try lesson.write(
      FigureStack(
        .column,
        [
          FeatureMapFigure(
            title: "block1 depthwise kernels trained on MNIST (lesson 8)",
            tiles: (0..<before.shape[0]).map { (label: "c\($0)", plane: before.plane(n: $0, c: 0)) },
            style: .diverging, range: .fixed(lo: -maxAbs, hi: maxAbs), scale: 12, columns: 16),
          FeatureMapFigure(
            title: "the same kernels after full fine-tuning on Fashion-MNIST, seed \(seeds[0]) (same colour scale)",
            tiles: (0..<after.shape[0]).map { (label: "c\($0)", plane: after.plane(n: $0, c: 0)) },
            style: .diverging, range: .fixed(lo: -maxAbs, hi: maxAbs), scale: 12, columns: 16),
        ], gap: 16), as: "kernels-before-after.png")
    lesson.say()

    // MARK: The fine-tuned model is a checkpoint like any other
    let saved = try lesson.path("model-full.safetensors")
    try full.save(to: saved)
    lesson.recordWritten(saved)
    let (reloaded, metadata) = try TrainingCheckpoint.loadModel(from: saved)
    let again = Evaluation(
      model: reloaded, images: curveSet, normalization: TrainingCheckpoint.normalization(from: metadata))
    lesson.check(
      again.accuracy == full.trainer.history.last?.testAccuracy && FineTuningMetadata(metadata) == full.origin,
      "model-full.safetensors reproduces full's accuracy and names its parent and the class names")
    lesson.say()

    // MARK: What the numbers say
    // Each claim is a comparison of two strategies' seed means, judged by one rule
    // (TransferClaim): holds, does not hold, or not shown at this budget. With a parent
    // below the required MNIST accuracy, only the warning prints.
    lesson.say(
      "Claims, each judged by one rule: the difference of the seed means must exceed max(2 × pooled seed SD,"
        + " one test image); it holds if it goes the claimed way, does not hold if it goes the other way, and is"
        + " not shown at this budget if it is within the noise.")
    for line in FineTuningConclusions.lines(parent: readiness, measured: measured) { lesson.say(line) }
    lesson.say()
    lesson.say(
      "Lesson time: \((ContinuousClock.now - started).components.seconds) s for \(runCount) runs."
    )

    // MARK: Next
    lesson.finish(
      open: [curvesFile, kernelsFile],
      try: [
        .command(
          ["evaluate", "--checkpoint", DisplayPath.of(saved)], carrying: [],
          "the fine-tuned model on the Fashion-MNIST test set, with its class names"),
        .command(
          ["finetune", "--strategy", "head"], carrying: ["--output", "--finetune-data"],
          "one strategy, with the command's own budget: a linear probe of the backbone"),
      ],
      next: nil)
  }
}
