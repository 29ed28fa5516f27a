// Lesson 9 — What depthwise separable dilated convolution buys: the article's claims, measured
//
// What it teaches: lessons 2–7 showed *how* the four convolutions compute; this one
// tests *why* the article recommends their combination. Five sibling networks share
// DSDC-Net's skeleton and differ only in each block's convolution; all train with the
// same recipe, seeds and batches; then each of the article's three claims gets the
// measured evidence and a verdict chosen by a stated rule.
// Article: §1.3, §2.3, §2.4 (the claims); Howard et al. 2017 (MobileNets, Table 4) and
// Luo et al. 2016 (effective receptive field) for comparison.
// Writes: Output/09-compare/ — effective-rf.png, accuracy-vs-cost.png, curves.png, and
//         one model per network (<network>.safetensors, seed 0's).
// Any budget: `dsdc compare --epochs 9 --seeds 3` (all 60,000 images; see README).
// Code:   Sources/DSDC/Comparison/ComparisonVariant.swift (the five networks),
//         ComparisonRun.swift, EffectiveReceptiveField.swift, ComparisonClaims.swift (the
//         rules), ComparisonReport.swift.
// Tests:  Tests/DSDCTests/ComparisonVariantTests.swift, ComparisonClaimsTests.swift,
//         ComparisonRunStoreTests.swift.

import DSDC
import Foundation

public enum Lesson09Compare: Lesson {
  public static let info = LessonInfo(
    number: 9, slug: "compare", title: "What DSDC buys: the article's claims, measured",
    articleSection: "§1.3, §2.3, §2.4",
    summary: "five sibling networks trained alike; cost, speed, accuracy, receptive fields; a verdict per claim")

  /// The lesson's training budget per run unless `--epochs` or `--train-limit` say
  /// otherwise: 2 epochs of the first 6,000 training images.
  public static let budget = (epochs: 2, trainLimit: 6_000)

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The claims
    // Quoted from the article; each is tested below.
    lesson.say("The article's thesis, in three claims:")
    lesson.say("  §1.3  在保持感受野不变的情况下减少计算量和参数量")
    lesson.say("        (fewer computations and parameters, the receptive field kept)")
    lesson.say("  §2.3  通过扩大感受野而不增加参数量")
    lesson.say("        (dilation enlarges the receptive field without adding parameters)")
    lesson.say("  §2.4  既能减少计算量和参数量,又能扩大感受野……提高了特征提取能力")
    lesson.say("        (less computation, fewer parameters, a larger field … better feature")
    lesson.say("        extraction)")
    lesson.say()

    // MARK: Five networks, one skeleton
    // Stem, three blocks of widths 64/128/128 (pools after blocks 1 and 2), BatchNorm +
    // ReLU, global average pool, linear classifier: only the blocks' convolution changes.
    let variants = ComparisonVariant.allCases
    lesson.say("Five networks share DSDC-Net's skeleton; only each block's convolution differs:")
    for variant in variants {
      lesson.say(
        "  \(variant.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(variant.summary)",
        continuation: String(repeating: " ", count: 18))
    }
    let budgetWidths = ComparisonVariant.budgetWidths()
    lesson.say(
      "standard-small's widths \(budgetWidths.map(String.init).joined(separator: "/")) were chosen by the program:"
        + " of the standard network's widths scaled by k/64, the one whose parameter count is closest to"
        + " DSDC-Net's.")
    let dsdcParameters = ComparisonVariant.parameterCount(ComparisonVariant.dsdc.config())
    let smallParameters = ComparisonVariant.parameterCount(ComparisonVariant.standardSmall.config())
    lesson.check(dsdcParameters == 30_922, "dsdc is DSDC-Net: 30,922 parameters")
    lesson.check(
      abs(Double(smallParameters - dsdcParameters)) <= 0.1 * Double(dsdcParameters),
      "standard-small's \(Format.grouped(smallParameters)) parameters are within 10% of DSDC-Net's")
    lesson.say()

    // MARK: The budget
    // Five networks × three seeds must fit a few minutes on two cores, so each run is
    // short: the first 6,000 training images for 2 epochs (188 steps of 64), the default
    // recipe otherwise (at batch 64, as all the comparison's recorded runs). `--epochs` and
    // `--train-limit` change it; `dsdc compare` runs any budget. Learning curves use the
    // first 1,000 test images, final accuracies 5,000.
    var recipe = ComparisonSettings.defaultRecipe
    recipe.epochs = lesson.settings.epochs ?? budget.epochs
    recipe.trainLimit = lesson.settings.trainLimit ?? budget.trainLimit
    let seeds = (0..<3).map { lesson.settings.seed + UInt64($0) }
    let settings = ComparisonSettings(
      variants: variants, seeds: seeds, recipe: recipe, curveTestLimit: 1_000,
      testLimit: 5_000)
    let train = try lesson.trainSet()
    let test = try lesson.testSet()
    lesson.say(
      "Budget: \(recipe.epochs) epoch(s) of the first \(Format.grouped(recipe.trainLimit ?? train.count)) training images,"
        + " seeds \(seeds.map(String.init).joined(separator: ", ")), the default recipe at batch \(recipe.batchSize) otherwise."
    )
    lesson.say("Every network sees the same batches: those of `dsdc train --seed S --batch-size \(recipe.batchSize)`.")
    let run = ComparisonRun(settings: settings)
    run.say = { lesson.say("  " + $0) }
    run.progressLine = lesson.progressLine
    var report = try run.run(train: train, test: test, folder: try lesson.folder())
    report.fullBudgetCommand = lesson.commandLine(["compare", "--epochs", "9", "--seeds", "3"])
    lesson.say()

    // MARK: Cost, counted
    // Parameters and multiply-adds come from the same layer-by-layer count as `dsdc model`.
    lesson.say("What each network costs, per 28×28 image:")
    for line in report.costTable { lesson.say("  " + line) }
    lesson.say()

    // MARK: Accuracy and receptive fields, measured
    // RF: the theoretical receptive field of the last block's centre output (lesson 6's
    // growth rule). ERF 90%: the side of the centred square holding 90% of |∂y/∂x| for
    // that output, averaged over test digits (Luo et al. 2016's effective field).
    lesson.say(
      "What each network achieved after \(report.budget), on \(Format.grouped(report.testImages)) test digits;"
        + " ERF over \(settings.fieldImages) of them:")
    for line in report.accuracyTable { lesson.say("  " + line) }
    lesson.say()

    // MARK: Speed, measured
    // Training: images/s over each run. Inference with seed 0's model: one image at a
    // time, then 1,000 at a time. Fewer multiply-adds is not the same speed-up: a
    // depthwise convolution moves as many bytes as it computes products.
    lesson.say("How fast each network runs (2 threads):")
    for line in report.speedTable { lesson.say("  " + line) }
    for line in report.disturbanceLines { lesson.say(line) }
    lesson.say()

    // MARK: The verdicts
    // Each claim's verdict comes from a rule in ComparisonClaims (tested on both sides
    // of its threshold); the lesson prints the rule with it.
    for line in report.verdictLines { lesson.say(line) }
    lesson.say()

    // MARK: Where the article is wrong
    // Printed only when the §2.4 rule found DSDC-Net *less* accurate than the standard
    // network at this budget.
    if report.betterFeatures.outcome == .doesNotHold, let dsdc = report.result(.dsdc),
      let standard = report.result(.standard)
    {
      lesson.erratum(
        section: "§2.4", "depthwise separable dilated convolution does not extract better features here",
        article: ["既能减少计算量和参数量,又能扩大感受野……提高了特征提取能力"],
        corrected: [
          "DSDC-Net costs \(Format.fixed(Double(standard.multiplyAdds) / Double(dsdc.multiplyAdds), 1))× fewer"
            + " multiply-adds than the standard network but reaches \(Format.fixed(dsdc.accuracy.mean, 2))%"
            + " against \(Format.fixed(standard.accuracy.mean, 2))% (\(report.budget))"
        ],
        why: [
          "a separable convolution is a restricted standard one (lesson 5: not every K×K×C kernel factors),"
            + " so at equal widths it can express less; what it buys is cost"
        ])
      lesson.say()
    }

    // MARK: Beside the published results
    lesson.say(
      "For comparison: MobileNets (Howard et al. 2017, Table 4) measured 8.6× fewer multiply-adds and 7× fewer"
        + " parameters for 1.1 points less ImageNet accuracy with separable convolutions; Luo et al. (2016) found"
        + " effective receptive fields far smaller than the theoretical ones.")
    lesson.say()

    // MARK: Figures
    let figures = try report.figures.map { name, figure in try lesson.write(figure, as: name) }

    // MARK: Next
    lesson.finish(
      open: figures,
      try: [.command(["compare", "--epochs", "9", "--seeds", "3"], "the full budget (several hours)")],
      next: Lesson10FineTuning.info)
  }
}
