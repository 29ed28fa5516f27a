// Lesson 8 — The full DSDC network, trained end to end
//
// What it teaches: how the pieces of lessons 2–7 stack into a real classifier,
// DSDC-Net (a standard stem, three depthwise separable dilated blocks, a linear
// head), what every layer costs, how far each output can see, and what the
// trained network has learned — its depthwise kernels and what the lesson digit
// looks like after each block.
// Article: §5 (the module, used as the network's building block) and §2.4.
// Writes: Output/train/ — model.safetensors (loads in PyTorch),
//         checkpoint.safetensors (for `dsdc train --resume`), metrics.csv,
//         metrics.json, curves.png, confusion.png, mistakes.png,
//         depthwise-kernels.png, activations.png.

import DSDC
import Foundation

public enum Lesson08Training: Lesson {
  public static let info = LessonInfo(
    number: 8, slug: "training", title: "DSDC-Net trained end to end", articleSection: "§2.4, §5",
    summary: "the network layer by layer, training with the default recipe, what it learned")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The network, computed from the model itself
    // Each block is the article's §5 module (depthwise dilated 3×3, then pointwise
    // 1×1) followed by BatchNorm and ReLU; two blocks halve the size with max-pooling.
    var generator = SeededGenerator(seed: lesson.settings.seed)
    let preview = DSDCNet(using: &generator)
    let summary = preview.summary
    lesson.say("DSDC-Net, per image (RF = receptive field: the input span one output can see):")
    for line in summary.table.split(separator: "\n") { lesson.say("  " + line) }
    lesson.check(summary.totalParameters == 30_922, "30,922 trainable parameters, counted layer by layer")
    lesson.check(summary.totalParameters == preview.parameterCount,
                 "the table's total equals the model's own parameter count")
    let reach = summary.rows.last { $0.name.hasPrefix("block") }?.receptiveField ?? 0
    lesson.say("Each output of the last block sees a \(reach)×\(reach) window of the 28×28 digit (lesson 6's growth")
    lesson.say("formula, with dilation doing much of the work); the global average pool then gathers all of them,")
    lesson.say("so every class score depends on the whole image.")
    lesson.check(reach >= 20, "one block-3 output sees at least 20×20 pixels, the box MNIST digits are drawn in")
    lesson.say()

    // MARK: Training
    // The default recipe, chosen by measurement: AdamW with a one-cycle learning
    // rate, weight decay 0.05, batch 64, random shifts of up to 2 pixels and turns of
    // up to 10°, label smoothing 0.1, 9 epochs.
    var recipe = TrainingRecipe()
    recipe.seed = lesson.settings.seed
    if let epochs = lesson.settings.options["epochs"].flatMap(Int.init) { recipe.epochs = epochs }
    if let limit = lesson.settings.options["train-limit"].flatMap(Int.init) { recipe.trainLimit = limit }
    let folder = lesson.settings.outputDirectory.appendingPathComponent("train")
    let session = try TrainingSession(recipe: recipe, folder: folder)
    session.say = { lesson.say("  " + $0) }
    session.progressLine = lesson.progressLine
    try session.run(train: try lesson.trainSet(), test: try lesson.testSet(), lessonDigit: lesson.settings.sample)
    for url in session.writtenFiles { lesson.recordWritten(url) }
    let history = session.trainer.history
    lesson.check(history.count == recipe.epochs, "trained \(recipe.epochs) epoch(s)")
    lesson.check((history.last?.trainLoss ?? .infinity) < log(10.0),
                 "the training loss fell below ln 10 = 2.3026, the loss of guessing uniformly")
    lesson.say()

    // MARK: The checkpoint is the model
    // model.safetensors holds exactly the PyTorch module's state_dict. Load it back
    // and evaluate: the same accuracy as at the end of training.
    let (loaded, metadata) = try TrainingCheckpoint.loadModel(from: session.modelURL)
    let again = Evaluation(model: loaded, images: try lesson.testSet(), normalization: recipe.normalization)
    let final = history.last?.testAccuracy ?? 0
    lesson.say("Loaded \(TrainingCheckpoint.modelFileName) back: test accuracy \(Format.fixed(again.accuracy * 100, 2))% (metadata says \(metadata[TrainingCheckpoint.testAccuracyKey] ?? "?"))")
    lesson.check(abs(again.accuracy - final) < 1e-9, "the saved model reproduces the final test accuracy exactly")
    lesson.say()

    // MARK: What it learned
    // The learned depthwise kernels are lesson 3's per-channel filters, now found by
    // gradient descent instead of designed by hand; activations.png follows the lesson
    // digit through every block — lesson 2's feature maps, dozens of them, learned.
    let digit = try lesson.sampleDigit()
    let image = recipe.normalization.tensor(try lesson.testSet(), indices: lesson.settings.sample..<lesson.settings.sample + 1)
    let probabilities = loaded.evaluate(input: image, labels: [digit.label]).probabilities.storage
    let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
    lesson.say("The lesson digit (test image \(lesson.settings.sample), a \(digit.label)): predicted \(predicted) with probability \(Format.fixed(probabilities[predicted] * 100, 1))%")
    lesson.say("See Output/train/depthwise-kernels.png and activations.png; `dsdc predict your-digit.png` tries your own.")
  }
}
