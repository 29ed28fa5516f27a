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

import DSDC
import Foundation

public enum Lesson09Compare: Lesson {
  public static let info = LessonInfo(
    number: 9, slug: "compare", title: "What DSDC buys: the article's claims, measured",
    articleSection: "§1.3, §2.3, §2.4",
    summary: "five sibling networks trained alike; cost, speed, accuracy, receptive fields; a verdict per claim")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The claims
    // Quoted from the article; each is tested below.
    lesson.say("The article's thesis, in three claims:")
    lesson.say("  §1.3  在保持感受野不变的情况下减少计算量和参数量")
    lesson.say("        (fewer computations and parameters, the receptive field kept)")
    lesson.say("  §2.3  通过扩大感受野而不增加参数量")
    lesson.say("        (dilation enlarges the receptive field without adding parameters)")
    lesson.say("  §2.4  既能减少计算量和参数量,又能扩大感受野……提高了特征提取能力")
    lesson.say("        (less computation, fewer parameters, a larger field … better feature extraction)")
    lesson.say()

    // MARK: Five networks, one skeleton
    // Stem, three blocks of widths 64/128/128 (pools after blocks 1 and 2), BatchNorm +
    // ReLU, global average pool, linear classifier: only the blocks' convolution changes.
    let variants = ComparisonVariant.allCases
    lesson.say("Five networks share DSDC-Net's skeleton; only each block's convolution differs:")
    for variant in variants {
      lesson.say("  \(variant.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(variant.summary)")
    }
    let budgetWidths = ComparisonVariant.budgetWidths()
    lesson.say("standard-small's widths \(budgetWidths.map(String.init).joined(separator: "/")) were chosen by the program:"
      + " the scaling whose parameter count is closest to DSDC-Net's.")
    let dsdcParameters = ComparisonVariant.parameterCount(ComparisonVariant.dsdc.config())
    let smallParameters = ComparisonVariant.parameterCount(ComparisonVariant.standardSmall.config())
    lesson.check(dsdcParameters == 30_922, "dsdc is DSDC-Net: 30,922 parameters")
    lesson.check(abs(Double(smallParameters - dsdcParameters)) <= 0.1 * Double(dsdcParameters),
                 "standard-small's \(Format.grouped(smallParameters)) parameters are within 10% of DSDC-Net's")
    lesson.say()

    // MARK: The budget
    // Five networks × three seeds must fit a few minutes on two cores, so each run is
    // short: the first 6,000 training images for 2 epochs (≈ 190 steps of 64), with the
    // default recipe otherwise. `--epochs` and `--train-limit` change the budget; the
    // full budget is `dsdc compare`'s job. Learning curves use the first 2,000 test
    // images; final accuracies all 10,000.
    var recipe = TrainingRecipe()
    recipe.epochs = lesson.settings.options["epochs"].flatMap(Int.init) ?? 2
    recipe.trainLimit = lesson.settings.options["train-limit"].flatMap(Int.init) ?? 6_000
    let seeds = (0..<3).map { lesson.settings.seed + UInt64($0) }
    let settings = ComparisonSettings(variants: variants, seeds: seeds, recipe: recipe, curveTestLimit: 2_000)
    let train = try lesson.trainSet(), test = try lesson.testSet()
    let trainImages = min(recipe.trainLimit ?? train.count, train.count)
    lesson.say("Budget: \(recipe.epochs) epoch(s) of the first \(Format.grouped(trainImages)) training images, seeds"
      + " \(seeds.map(String.init).joined(separator: ", ")), the default recipe otherwise; every network sees the")
    lesson.say("same batches (those of `dsdc train --seed S`).")
    let run = ComparisonRun(settings: settings)
    run.say = { lesson.say("  " + $0) }
    run.progressLine = lesson.progressLine
    let results = try run.run(train: train, test: test, folder: try lesson.folder())
    let report = ComparisonReport(results: results, settings: settings, testImages: test.count, trainImages: trainImages)
    lesson.say()

    // MARK: Cost, counted
    // Parameters and multiply-adds come from the same layer-by-layer count as `dsdc model`;
    // "÷ dsdc" is each network's multiply-adds over DSDC-Net's.
    lesson.say("What each network costs (per 28×28 image; RF: the last block's centre output):")
    for line in report.costTable { lesson.say("  " + line) }
    lesson.say()

    // MARK: Accuracy and speed, measured
    // Speeds: training images/s over the whole run, then inference with seed 0's
    // model, one image at a time (ms per image) and 1,000 at a time (images/s).
    lesson.say("What each network achieved (\(report.budget)); ERF 90%: side of the centred square")
    lesson.say("holding 90% of |∂y/∂x| of the last block's centre output, over \(settings.fieldImages) test digits:")
    for line in report.resultTable { lesson.say("  " + line) }
    for line in report.disturbanceLines { lesson.say(line) }
    lesson.say()

    // MARK: The verdicts
    // Each claim's verdict comes from a rule in ComparisonClaims (tested on both sides
    // of its threshold); the lesson prints the rule with it.
    let readiness = report.readiness
    lesson.say(readiness.line)
    let claims: [(quote: String, verdict: Verdict)] = [
      ("§1.3 fewer computations and parameters, same receptive field", report.cheaperWithSameField),
      ("§2.3 dilation enlarges the receptive field (theoretical) at no parameter cost", report.dilationWidensField),
      ("§2.3 … and the effective receptive field of the trained networks", report.dilationWidensEffectiveField),
      ("§2.4 better feature extraction (test accuracy, dsdc against standard)", report.betterFeatures),
    ]
    for (quote, verdict) in claims {
      lesson.say(quote)
      for line in verdict.lines { lesson.say("  " + line) }
    }
    if let equal = report.equalBudget {
      lesson.say("At the same parameter budget: \(equal.sentence)")
      lesson.say("  rule: \(equal.rule)")
    }
    if let speed = report.speedFollowsMultiplyAdds {
      lesson.say("Fewer multiply-adds, faster? \(speed.sentence)")
      lesson.say("  rule: \(speed.rule)")
    }
    lesson.say()

    // MARK: Where the article is wrong
    // Printed only when the §2.4 rule found DSDC-Net *less* accurate than the standard
    // network at this budget.
    if report.betterFeatures.outcome == .doesNotHold, let dsdc = report.result(.dsdc),
       let standard = report.result(.standard)
    {
      for line in FormulaPrinter.erratum(
        section: "§2.4", "depthwise separable dilated convolution does not extract better features here",
        article: ["既能减少计算量和参数量,又能扩大感受野……提高了特征提取能力"],
        corrected: ["DSDC-Net costs \(Format.fixed(Double(standard.multiplyAdds) / Double(dsdc.multiplyAdds), 1))× fewer"
                      + " multiply-adds than the standard network but reaches",
                    "\(Format.fixed(dsdc.accuracy.mean, 2))% against \(Format.fixed(standard.accuracy.mean, 2))% (\(report.budget))"],
        why: ["a separable convolution is a restricted standard one (lesson 5: not every K×K×C kernel",
              "factors), so at equal widths it can express less; what it buys is cost"])
      {
        lesson.say(line)
      }
      lesson.say()
    }

    // MARK: Beside the published results
    lesson.say("For comparison: MobileNets (Howard et al. 2017, Table 4) measured 8.6× fewer multiply-adds and")
    lesson.say("7× fewer parameters for 1.1 points less ImageNet accuracy with separable convolutions; Luo et al.")
    lesson.say("(2016) found effective receptive fields far smaller than the theoretical ones.")
    lesson.say()

    // MARK: Figures
    _ = try lesson.write(ComparisonFigures.effectiveFields(results), as: "effective-rf.png")
    _ = try lesson.write(ComparisonFigures.accuracyVersusCost(results), as: "accuracy-vs-cost.png")
    _ = try lesson.write(ComparisonFigures.curves(results, testImages: min(2_000, test.count)), as: "curves.png")
    lesson.say("See Output/\(info.folderName)/effective-rf.png, accuracy-vs-cost.png and curves.png;")
    lesson.say("`dsdc compare --epochs 9 --seeds 3` runs the full budget (all 60,000 images, about two hours).")
  }
}
