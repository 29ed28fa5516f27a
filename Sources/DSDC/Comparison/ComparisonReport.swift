/// The comparison's results as text: the tables and the claims' verdicts that lesson 9
/// and `dsdc compare` print, computed from `VariantResult`s.
public struct ComparisonReport: Sendable {
  /// One measured variant per row, in run order.
  public var results: [VariantResult]
  /// The settings the results were measured with.
  public var settings: ComparisonSettings
  /// Training images each epoch used.
  public var trainImages: Int
  /// Test images the final accuracy was measured on.
  public var testImages: Int
  /// Test images of the learning curves.
  public var curveImages: Int
  /// The command that runs the full budget, as the reader would type it (the caller
  /// knows how the tool was started and the options in force).
  public var fullBudgetCommand = "dsdc compare --epochs 9 --seeds 3"

  public init(
    results: [VariantResult], settings: ComparisonSettings, trainImages: Int, testImages: Int,
    curveImages: Int
  ) {
    self.results = results
    self.settings = settings
    self.trainImages = trainImages
    self.testImages = testImages
    self.curveImages = curveImages
  }

  /// The figures, with their file names: effective receptive fields, accuracy against
  /// multiply-adds, learning curves.
  public var figures: [(name: String, figure: any Figure)] {
    [
      ("effective-rf.png", ComparisonFigures.effectiveFields(results)),
      ("accuracy-vs-cost.png", ComparisonFigures.accuracyVersusCost(results)),
      ("curves.png", ComparisonFigures.curves(results, testImages: curveImages)),
    ]
  }

  /// The result of `variant`, if it was run.
  public func result(_ variant: ComparisonVariant) -> VariantResult? { results.first { $0.variant == variant } }

  /// `3 epochs of 10,000 training images, 3 seeds`.
  public var budget: String {
    let seeds = settings.seeds.count
    return "\(settings.recipe.epochs) epoch(s) of \(Format.grouped(trainImages)) training images,"
      + " \(seeds) seed\(seeds == 1 ? "" : "s")"
  }

  /// Whether every network learned enough for accuracy and field conclusions.
  public var readiness: Readiness {
    let worst = results.map(\.accuracy.mean).min() ?? 0
    return Readiness.accuracy(
      worst / 100, atLeast: ComparisonClaims.requiredAccuracy,
      what: "the least accurate network's mean test accuracy",
      fix: isFullBudget ? "train longer (--epochs)" : "run a larger budget, such as the full one below")
  }

  // MARK: - Tables

  /// Cost: parameters, multiply-adds per image and model file size.
  public var costTable: [String] {
    let rows = results.map { r in
      [
        r.variant.rawValue, Format.grouped(r.parameters), Format.grouped(r.multiplyAdds),
        Format.fixed(Double(r.fileBytes) / 1_000, 1) + " kB",
      ]
    }
    return Self.table(["network", "parameters", "mult-adds/image", "model file"], rows)
  }

  /// Test accuracy over seeds and the effective receptive field's 90% side.
  public var accuracyTable: [String] {
    let rows = results.map { r in
      [
        r.variant.rawValue, r.accuracy.formatted(2),
        Format.fixed(r.effectiveField.mean, 1) + " ± " + Format.fixed(r.effectiveField.standardDeviation, 1),
        "\(r.theoreticalField)",
      ]
    }
    return Self.table(["network", "test accuracy, %\n(mean ± SD, range)", "ERF 90%, px\n(mean ± SD)", "RF, px"], rows)
  }

  /// Measured speeds, with training speed as a multiple of DSDC-Net's beside the
  /// multiply-add ratio, so the two can be compared.
  public var speedTable: [String] {
    let dsdc = result(.dsdc)
    let rows = results.map { r in
      [
        r.variant.rawValue, Format.grouped(Int(r.trainImagesPerSecond.mean.rounded())),
        dsdc.map { Format.fixed(r.trainImagesPerSecond.mean / $0.trainImagesPerSecond.mean, 2) + "×" } ?? "—",
        dsdc.map { Format.fixed(Double(r.multiplyAdds) / Double($0.multiplyAdds), 2) + "×" } ?? "—",
        Format.fixed(r.batch1Milliseconds, 2), Format.grouped(Int(r.batch1000ImagesPerSecond.rounded())),
      ]
    }
    return Self.table(
      ["network", "train\nimg/s", "÷ dsdc", "mult-adds\n÷ dsdc", "ms/img,\nbatch 1", "img/s,\nbatch 1000"], rows)
  }

  /// Whether the run trained as long as the default recipe on the whole training set.
  public var isFullBudget: Bool {
    settings.recipe.epochs >= TrainingRecipe().epochs && trainImages >= 60_000
  }

  /// One line per variant on how busy the machine was while it was timed.
  public var disturbanceLines: [String] {
    let shares = results.compactMap { r in r.otherCPUShare.map { (r.variant.rawValue, $0) } }
    guard !shares.isEmpty else { return ["(other processes' CPU use cannot be read on this system)"] }
    let worst = shares.max { $0.1 < $1.1 }!
    let line =
      "other processes used at most \(ComparisonClaims.percent(worst.1)) of the machine while timing"
      + " (\(worst.0))"
    return worst.1 > ComparisonClaims.disturbedShare ? ["⚠ " + line + ": the speeds are disturbed"] : [line]
  }

  // MARK: - Claims

  /// The counts of a variant for the claim rules.
  func counts(_ variant: ComparisonVariant) -> ComparisonClaims.Counts? {
    result(variant).map {
      .init(
        name: variant.rawValue, parameters: $0.parameters, multiplyAdds: $0.multiplyAdds, field: $0.theoreticalField)
    }
  }

  /// §1.3 on the pairs that were run: separable vs standard, dsdc vs dilated.
  public var cheaperWithSameField: Verdict {
    let pairs = [(ComparisonVariant.separable, ComparisonVariant.standard), (.dsdc, .dilated)].compactMap { s, t in
      counts(s).flatMap { a in counts(t).map { (separable: a, standard: $0) } }
    }
    return ComparisonClaims.cheaperWithSameField(pairs)
  }

  /// §2.3, theoretical: dilated vs standard, dsdc vs separable.
  public var dilationWidensField: Verdict {
    ComparisonClaims.dilationWidensField(
      dilationPairs.compactMap { d, u in
        counts(d).flatMap { a in counts(u).map { (dilated: a, undilated: $0) } }
      })
  }

  /// §2.3, effective field of the trained networks.
  public var dilationWidensEffectiveField: Verdict {
    ComparisonClaims.dilationWidensEffectiveField(
      dilationPairs.compactMap { d, u in
        result(d).flatMap { a in
          result(u).map {
            (
              dilated: d.rawValue, dilatedSide: a.effectiveField, undilated: u.rawValue,
              undilatedSide: $0.effectiveField
            )
          }
        }
      }, ready: readiness.isReady)
  }

  /// §2.4: dsdc's accuracy against standard's.
  public var betterFeatures: Verdict {
    guard let dsdc = result(.dsdc), let standard = result(.standard) else {
      return Verdict(.notShown, rule: "needs both dsdc and standard", sentence: "dsdc or standard was not run")
    }
    return ComparisonClaims.betterFeatures(
      dsdc: dsdc.accuracy, standard: standard.accuracy, testImages: testImages,
      budget: budget, ready: readiness.isReady)
  }

  /// DSDC-Net against the standard network of the same parameter budget.
  public var equalBudget: Difference? {
    guard let dsdc = result(.dsdc), let small = result(.standardSmall) else { return nil }
    return Difference.judge(
      "dsdc", dsdc.accuracy, "standard-small", small.accuracy,
      resolution: 100 / Double(Swift.max(testImages, 1)), unit: "pt")
  }

  /// Training speed of dsdc against standard, set beside their multiply-adds.
  public var speedFollowsMultiplyAdds: Verdict? {
    guard let dsdc = result(.dsdc), let standard = result(.standard) else { return nil }
    let share = [dsdc.otherCPUShare, standard.otherCPUShare].compactMap { $0 }.max()
    return ComparisonClaims.speedFollowsMultiplyAdds(
      cheap: "dsdc", costly: "standard",
      multiplyAddRatio: Double(standard.multiplyAdds) / Double(dsdc.multiplyAdds),
      speedRatio: dsdc.trainImagesPerSecond.mean / standard.trainImagesPerSecond.mean, otherCPUShare: share)
  }

  /// The claims, each with its quotation and verdict.
  public var claims: [(quote: String, verdict: Verdict)] {
    [
      ("§1.3 fewer computations and parameters, same receptive field (counted)", cheaperWithSameField),
      ("§2.3 dilation enlarges the receptive field at no parameter cost (counted)", dilationWidensField),
      ("§2.3 … and the effective receptive field of the trained networks", dilationWidensEffectiveField),
      ("§2.4 better feature extraction (test accuracy, dsdc against standard)", betterFeatures),
    ]
  }

  /// Everything concluded, as printed (within 80 columns): whether the networks
  /// learned, the budget the verdicts describe, each claim's verdict and rule, and the
  /// two comparisons beside them (equal parameter budget, only when the networks have
  /// learned; speed against multiply-adds).
  public var verdictLines: [String] {
    var lines = [readiness.line]
    // The command is laid out as a command (` \` between its lines), the rest as prose.
    var command: [String] = []
    if !isFullBudget {
      lines += [
        "These verdicts describe this budget only. The full one (9 epochs of all 60,000 images, 3 seeds;"
          + " several hours on two cores; stopped, the same command continues it):"
      ]
      command = ShellQuoting.lines(quoted: fullBudgetCommand, indent: "  ", width: 80)
    }
    let wrapped = { (lines: [String]) in
      lines.flatMap { line in
        ProseWrap.lines(line, width: 80, continuation: String(line.prefix { $0 == " " }) + "    ")
      }
    }
    let head = wrapped(lines) + command
    lines = []
    for (quote, verdict) in claims { lines += [quote] + verdict.lines.map { "  " + $0 } }
    if let equalBudget, readiness.isReady {
      lines += ["At the same parameter budget: \(equalBudget.sentence)", "  rule: \(equalBudget.rule)"]
    }
    if let speed = speedFollowsMultiplyAdds {
      lines += ["Fewer multiply-adds, faster? \(speed.sentence)", "  rule: \(speed.rule)"]
    }
    return head + wrapped(lines)
  }

  private var dilationPairs: [(ComparisonVariant, ComparisonVariant)] { [(.dilated, .standard), (.dsdc, .separable)] }

  /// Columns padded to their widest cell; the first column left-aligned, numbers right.
  /// A heading with a line break (`"train\nimg/s"`) takes two lines, so that the table
  /// stays narrow: each part is aligned like the cells below it.
  static func table(_ header: [String], _ rows: [[String]]) -> [String] {
    let headings = header.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    let height = headings.map(\.count).max() ?? 1
    // Shorter headings sit on the last heading line, just above the column.
    let headerLines = (0..<height).map { line in
      headings.map { parts in line < height - parts.count ? "" : parts[line - (height - parts.count)] }
    }
    let widths = TextTable.widths(headerLines + rows)
    let line = { (row: [String]) in TextTable.line(row, widths: widths) { $0 == 0 } }
    return headerLines.map(line) + [TextTable.rule(widths)] + rows.map(line)
  }
}
