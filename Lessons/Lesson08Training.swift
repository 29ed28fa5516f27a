// Lesson 8 — The full DSDC network, trained end to end
//
// What it teaches: how the pieces of lessons 2–7 stack into a real classifier,
// DSDC-Net (a standard stem, three depthwise separable dilated blocks, a linear
// head), what every layer costs, how far each output can see, and what the
// trained network has learned — its depthwise kernels and what the lesson digit
// looks like after each block.
// Article: §5 (the module, used as the network's building block) and §2.4. The
// network, its recipe and its results are this program's design: §5 stops
// mid-sentence before any of them.
// Writes: Output/train/ — model.safetensors (loads in PyTorch),
//         checkpoint.safetensors (for `dsdc train --resume`), metrics.csv,
//         metrics.json, steps.csv, curves.png, curves-per-step.png, confusion.png, mistakes.png,
//         depthwise-kernels.png, activations.png.
// Code:   Sources/DSDC/Model/DSDCNet.swift (forward and backward), Sources/DSDC/Training/
//         Trainer.swift, TrainingSession.swift, AdamW.swift, TrainingCheckpoint.swift.
// Tests:  Tests/DSDCTests/DSDCNetTests.swift, DSDCNetFixtureTests.swift (against PyTorch),
//         TrainerTests.swift, TrainingCheckpointTests.swift.

import DSDC
import Foundation

public enum Lesson08Training: Lesson {
  public static let info = LessonInfo(
    number: 8, slug: "training", title: "DSDC-Net trained end to end", articleSection: "§2.4, §5",
    summary: "the network layer by layer, training with the default recipe, what it learned")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The network, computed from the model itself
    // The article's §5 stops mid-sentence after the module's code (lesson 7's erratum):
    // it gives no network, no training and no results. Everything from here on is this
    // program's completion of it.
    lesson.say(
      "DSDC-Net and its training recipe are this program's design, not the article's: §5 stops mid-sentence"
        + " after the module's code (lesson 7), with no network, training or results.")
    lesson.say(
      "Each block is §5's module (depthwise dilated 3×3, then pointwise 1×1) followed by BatchNorm and ReLU."
        + " Unlike §5's nn.Conv2d (bias=True, lesson 7), its convolutions carry no bias: the BatchNorm after them"
        + " subtracts each channel's batch mean, which removes any constant a bias adds (a depthwise bias too:"
        + " the 1×1 step turns it into one constant per channel), and its own shift β takes the bias's place.")
    lesson.say()
    var generator = SeededGenerator(seed: lesson.settings.seed)
    let preview = DSDCNet(using: &generator)
    let summary = preview.summary
    lesson.say("DSDC-Net, per image (RF = receptive field: the input span one output can see):")
    for line in summary.table.split(separator: "\n") { lesson.say("  " + line) }
    lesson.check(summary.totalParameters == 30_922, "30,922 trainable parameters, counted layer by layer")
    lesson.check(
      summary.totalParameters == preview.parameterCount,
      "the table's total equals the model's own parameter count")
    // The RF column grows by lesson 6's formula up to block 3; the global pool is no
    // window: it averages all of block 3's outputs, whose windows together span the image.
    let config = preview.config
    let field = NetworkReach.lastBlock(config)
    let outputs = NetworkReach.outputLength(config)
    let size = config.imageSize
    let span = "\(field.window(0).lowerBound)…\(field.window(outputs - 1).upperBound)"
    lesson.say(
      "  RF of pool and classifier: not grown by the formula. The pool averages all \(outputs)×\(outputs)"
        + " block-3 outputs, whose windows together span rows and columns \(span), so every class score depends"
        + " on all \(size)×\(size) pixels.")
    lesson.check(
      NetworkReach.wholeImage(field, outputs: outputs, length: size),
      "the \(outputs) windows along each axis together cover all \(size) pixels")
    lesson.say()

    // MARK: How far one output sees
    // Block 3's r×r window is centred on its output; near the border part of it lies in
    // the zero padding. Count the real pixels each output position reads along one axis.
    let coverage = (0..<outputs).map { NetworkReach.coverage(field, index: $0, length: size) }
    let centre = outputs / 2
    lesson.say(
      "Block 3's outputs each have a \(field.size)×\(field.size) window (r = \(field.size)), but only the centre"
        + " output (\(centre), \(centre)) has all of it on the image. Real pixels (not padding) read along one axis,"
        + " output position i = 0…\(outputs - 1) (counting from 0; window s + i·J … s + i·J + r − 1,"
        + " s = \(field.start), J = \(field.jump)):")
    lesson.say("    " + coverage.map(String.init).joined(separator: "  "))
    lesson.say(
      "Output (i, j) sees coverage[i] × coverage[j] pixels: the corner \(coverage[0])×\(coverage[0]), the centre "
        + "\(coverage[centre])×\(coverage[centre]).")
    lesson.check(
      coverage[0] == 15 && coverage[centre] == 26,
      "by hand: output 0 reads -11…14, of which 0…14 (15) are real; output 3 reads 1…26 (26)")
    let undilated = NetworkReach.lastBlock(NetworkReach.undilated(config))
    let growth = (with: field.size - 1, without: undilated.size - 1)
    let share = Double(growth.with - growth.without) / Double(growth.with)
    lesson.say(
      "Dilation's share of the growth: with the dilations r = \(field.size), with D = 1 in every block"
        + " r = \(undilated.size) (same parameters). Of the \(growth.with) pixels r grows by, dilation adds "
        + "\(growth.with - growth.without) (\(Format.fixed(share * 100, 0))%); the other \(growth.without) are what"
        + " the same layers reach with D = 1.")
    lesson.check(
      summary.rows.first { $0.name == "block3.bn" }?.receptiveField == field.size,
      "the table's block-3 RF equals lesson 6's walk, \(field.size)")
    lesson.say()

    // MARK: Training
    // The default recipe, chosen by measurement (README): AdamW with a one-cycle learning
    // rate, weight decay 0.05, batch 32, random shifts of up to 2 pixels and turns of
    // up to 10°, label smoothing 0.1, 9 epochs. The model reported is the last epoch's.
    var recipe = TrainingRecipe()
    recipe.seed = lesson.settings.seed
    if let epochs = lesson.settings.epochs { recipe.epochs = epochs }
    if let limit = lesson.settings.trainLimit { recipe.trainLimit = limit }
    let folder = lesson.settings.outputDirectory.appendingPathComponent("train")
    let session = try TrainingSession(recipe: recipe, folder: folder)
    session.say = { lesson.say($0.hasPrefix("⚠") ? $0 : "  " + $0) }  // warnings start the line
    session.lineWidth = LessonContext.lineWidth - 2  // its lines are indented by 2
    session.progressLine = lesson.progressLine
    try session.run(train: try lesson.trainSet(), test: try lesson.testSet(), lessonDigit: lesson.settings.sample)
    for url in session.writtenFiles { lesson.recordWritten(url) }
    let history = session.trainer.history
    lesson.check(history.count == recipe.epochs, "trained \(recipe.epochs) epoch(s)")
    let learned = session.readiness?.isReady ?? false
    if learned {
      lesson.check(
        (history.last?.trainLoss ?? .infinity) < log(10.0),
        "the training loss fell below ln 10 = 2.3026, the loss of guessing uniformly")
    } else {
      lesson.say("No conclusions are drawn from this run (the ⚠ line above says why).")
    }
    lesson.say()

    // MARK: The checkpoint is the model
    // model.safetensors holds exactly the PyTorch module's state_dict. Load it back
    // and evaluate: the same accuracy as at the end of training.
    let (loaded, metadata) = try TrainingCheckpoint.loadModel(from: session.modelURL)
    let again = Evaluation(model: loaded, images: try lesson.testSet(), normalization: recipe.normalization)
    let final = history.last?.testAccuracy ?? 0
    lesson.say(
      "Loaded \(TrainingCheckpoint.modelFileName) back: test accuracy \(Format.fixed(again.accuracy * 100, 2))%")
    lesson.say(
      "(its metadata, written after the last epoch, says \(metadata[TrainingCheckpoint.testAccuracyKey] ?? "?"))")
    lesson.check(abs(again.accuracy - final) < 1e-9, "the saved model reproduces the final test accuracy exactly")
    lesson.say()
    // On the report page, the trained stem and block 1 on the lesson digit can be clicked pixel by pixel.
    lesson.recordExplorableFirstLayers(
      of: loaded,
      image: recipe.normalization.tensor(
        try lesson.testSet(), indices: lesson.settings.sample..<lesson.settings.sample + 1))

    // MARK: What it learned
    // The learned depthwise kernels are lesson 3's per-channel filters, now found by
    // gradient descent instead of designed by hand; activations.png follows the lesson
    // digit through every block — lesson 2's feature maps, dozens of them, learned.
    if learned {
      let digit = try lesson.sampleDigit()
      let image = recipe.normalization.tensor(
        try lesson.testSet(), indices: lesson.settings.sample..<lesson.settings.sample + 1)
      let probabilities = loaded.evaluate(input: image, labels: [digit.label]).probabilities.storage
      let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
      lesson.say(
        "The lesson digit (test image \(lesson.settings.sample), a \(digit.label)): predicted \(predicted) with probability \(Format.fixed(probabilities[predicted] * 100, 1))%"
      )
    } else {
      lesson.say("What it learned: not shown, the run has not learned its task. The figures in")
      lesson.say("\(DisplayPath.of(session.folder))/ are written all the same.")
    }

    // MARK: Next
    // A quick run (--epochs, --train-limit) is followed by the recipe's own settings.
    let defaults = TrainingRecipe()
    let fullRun = LessonTry.options(
      [], "the default recipe: \(defaults.epochs) epochs of all \(Format.grouped(try lesson.trainSet().count)) images")
    lesson.finish(
      open: ["curves.png", "confusion.png", "depthwise-kernels.png", "activations.png"].map {
        session.folder.appendingPathComponent($0)
      },
      try: (lesson.settings.setsTrainingBudget ? [fullRun] : []) + [
        .command(["predict", "my-digit.png"], carrying: ["--output"], "your own digit, classified by this model"),
        .command(["evaluate"], "its accuracy per class and its confusion matrix"),
      ],
      next: Lesson09Compare.info)
  }
}
