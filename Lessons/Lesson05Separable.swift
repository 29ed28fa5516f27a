// Lesson 5 — Depthwise separable convolution
//
// What it teaches: a depthwise convolution (neighbours, no mixing) followed by a
// pointwise one (mixing, no neighbours) does the job of a standard convolution
// for a fraction of the cost, 1/N + 1/K² of it (MobileNet's ratio) — and it *is*
// a standard convolution, one whose weight is w[o,c,u,v] = p[o,c]·k[c,u,v].
// First two 5×5 channels by hand, then the digit's four maps into eight.
// Article: §2.2 and §4.2 (depthwise separable convolution).
// Writes: Output/05-separable/depthwise-kernels.png, depthwise-maps.png (step 1),
//         pointwise-weights.png, maps.png (step 2), maps-shared.png (the same on one
//         colour scale) and composed-kernels.png (the 8×4 standard kernels the two
//         steps equal).
// Code:   Sources/DSDC/Convolution/SeparabilityTest.swift (which kernels factor),
//         Sources/DSDC/Lesson/CostTable.swift (the cost ratio).
// Tests:  Tests/DSDCTests/SeparabilityTestTests.swift, CostTableTests.swift.

import DSDC
import Foundation

public enum Lesson05Separable: Lesson {
  public static let info = LessonInfo(
    number: 5, slug: "separable", title: "Depthwise separable convolution", articleSection: "§2.2, §4.2",
    summary: "depthwise then pointwise: the cost ratio 1/N + 1/K², and the standard kernel it equals")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The article's formulas, and what is wrong with them
    lesson.say("Article §2.2: 这种分离大大减少了计算量和参数量")
    lesson.say("(\"this separation greatly reduces computation and parameters\").")
    lesson.quote(
      "Article §4.2 (深度可分离卷积, depthwise separable convolution), as written:",
      ArticleFormula.depthwise.asWritten, ArticleFormula.pointwise.asWritten)
    lesson.say()
    lesson.erratum(
      section: "§4.2", "the depthwise step has no output position (as in §3.1)",
      article: [
        ArticleFormula.depthwise.equation,
        ArticleFormula.pointwise.equation,
        "(reads G_{i,j,c}, which G_c does not define)",
      ],
      corrected: [
        "g[n, c, i, j] = Σ_{u,v} k[c, 0, u, v] · x[n, c, i + u − P,",
        "                                        j + v − P]",
        "out[n, o, i, j] = Σ_c p[o, c, 0, 0] · g[n, c, i, j]", "(lesson 2's notation)",
      ],
      why: ["the article's second line reads a map G_{i,j,c}; its first gives one number a channel."])
    lesson.say()
    lesson.say("What the program computes (counting from 0): step 1 depthwise (groups = C),")
    lesson.say("step 2 pointwise:")
    lesson.say("    g[n, c, i, j]   = Σ_{u,v} k[c, 0, u, v] · x[n, c, i + u − P, j + v − P]")
    lesson.say("    out[n, o, i, j] = Σ_c p[o, c, 0, 0] · g[n, c, i, j]")
    lesson.say()

    // MARK: A small case by hand
    // C = 2 channels, N = 3 outputs, K = 3. Depthwise kernels Sobel x and Sobel y;
    // pointwise weights p = [[1, 2], [0.5, 0], [−1, 1]] (row o, column c).
    let small = Tensor(
      shape: [1, 2, 5, 5], storage: (0..<25).map { $0 % 5 >= 2 ? 1 : 0 } + (0..<25).map { $0 / 5 >= 2 ? 1 : 0 })
    let smallDepthwise = Tensor(shape: [2, 1, 3, 3], storage: HandKernel.sobelX.weights + HandKernel.sobelY.weights)
    let smallPointwise = Tensor(shape: [3, 2, 1, 1], storage: [1, 2, 0.5, 0, -1, 1])
    let (smallStep1, smallStep2) = (Conv2DGeometry.depthwise(2, kernel: 3), Conv2DGeometry.pointwise(2, 3))
    let smallStandard = Conv2DGeometry.standard(2, 3, kernel: 3)
    lesson.say("A small case: C = 2, N = 3, K = 3. Counting parameters by hand:")
    lesson.say("    standard   N·C·K² = 3·2·9 = \(smallStandard.parameterCount())")
    lesson.say(
      "    separable  C·K² + N·C = 2·9 + 3·2 = 18 + 6 = \(smallStep1.parameterCount() + smallStep2.parameterCount())")
    let smallRatio =
      Double(smallStep1.parameterCount() + smallStep2.parameterCount()) / Double(smallStandard.parameterCount())
    lesson.say(
      "    ratio \(smallStep1.parameterCount() + smallStep2.parameterCount())/\(smallStandard.parameterCount()) "
        + "= \(Format.fixed(smallRatio)) = 1/N + 1/K² = 1/3 + 1/9 "
        + "= \(Format.fixed(CostTable.mobileNetRatio(outChannels: 3, kernel: 3)))")
    lesson.check(
      abs(smallRatio - CostTable.mobileNetRatio(outChannels: 3, kernel: 3)) < 1e-12, "24/54 = 1/3 + 1/9 = 4/9")
    // The standard weight the two steps equal: w[o, c] = p[o, c] · k[c].
    // (3, 2, 3, 3)
    let smallComposed = KernelIdentities.separableAsStandard(depthwise: smallDepthwise, pointwise: smallPointwise)
    lesson.say("The standard weight they equal, w[o,c,u,v] = p[o,c]·k[c,u,v],")
    lesson.say("for o = 0 (p[0] = [1, 2]):")
    for line in FormulaPrinter.sideBySide(
      [
        TerminalPreview.valueGrid(smallComposed.plane(n: 0, c: 0), width: 3),
        TerminalPreview.valueGrid(smallComposed.plane(n: 0, c: 1), width: 3),
      ],
      titles: ["1·Sobel x", "2·Sobel y"])
    { lesson.say("    " + line) }
    let smallSeparable = Convolution.forward(
      input: Convolution.forward(input: small, weight: smallDepthwise, geometry: smallStep1), weight: smallPointwise,
      geometry: smallStep2)
    let smallViaStandard = Convolution.forward(input: small, weight: smallComposed, geometry: smallStandard)
    let smallDifference = smallViaStandard.maxAbsDifference(smallSeparable)
    lesson.check(
      smallDifference <= FormulaPrinter.tolerance,
      "on lesson 3's two 5×5 edge channels, separable and that w give the same (1, 3, 5, 5) output "
        + "(max |Δ| = \(FormulaPrinter.scientific(smallDifference)))")
    lesson.say()

    // MARK: The digit: four maps into eight, in two steps
    // The input is lesson 2's four maps of the digit (DigitMaps: pixels scaled to [0, 1],
    // x/255, through Sobel x, Sobel y, blur and sharpen).
    // Random weights: depthwise normal σ = 1/3, pointwise normal σ = 1/2.
    let input = try lesson.digitMaps()
    let (digit, maps) = (input.digit, input.maps)  // maps: (1, 4, 28, 28)
    var generator = SeededGenerator(seed: lesson.settings.seed)
    let step1 = Conv2DGeometry.depthwise(4, kernel: 3)
    let step2 = Conv2DGeometry.pointwise(4, 8)
    // (4, 1, 3, 3)
    let depthwiseWeight = Tensor.randomNormal(shape: step1.weightShape, std: 1.0 / 3, using: &generator)
    let pointwiseWeight = Tensor.randomNormal(shape: step2.weightShape, std: 0.5, using: &generator)  // (8, 4, 1, 1)
    let g = Convolution.forward(input: maps, weight: depthwiseWeight, geometry: step1)  // (1, 4, 28, 28)
    let out = Convolution.forward(input: g, weight: pointwiseWeight, geometry: step2)  // (1, 8, 28, 28)
    // On the report page: step 1's maps, then step 2's, each output shown with the step-1 sums it reads.
    lesson.recordExplorable(
      "g", title: "Step 1: depthwise 3×3, one kernel k[c] per channel", input: maps, weight: depthwiseWeight,
      geometry: step1, output: g, names: .init(weight: "k", output: "g"))
    lesson.recordExplorable(
      "maps", title: "Step 2: pointwise 4→8 on g (each output shown with the step-1 sums it reads)", input: g,
      weight: pointwiseWeight, geometry: step2, output: out, names: .init(input: "g", weight: "p"), inputFrom: "g")
    lesson.say(
      "\(digit.title) through lesson 2's kernels: \(FormulaPrinter.shape(maps)), then"
    )
    lesson.say("    step 1 \(step1) → g \(FormulaPrinter.shape(g))")
    lesson.say("    step 2 \(step2) → out \(FormulaPrinter.shape(out))")
    lesson.say("    (weights from seed \(lesson.settings.seed))")
    lesson.say(
      "Weights drawn from normal distributions, mean 0: k with σ = 1/3 (lesson 3's kernels: the same stream"
        + " restarted from the seed), then p with σ = 1/2 from the draws that follow.")
    let (i, j) = input.probe
    try lesson.write(
      FeatureMapFigure(
        title: "Step 1: depthwise 3×3 kernels k, one per channel (random, seed \(lesson.settings.seed))",
        tiles: (0..<4).map { (label: "k[\($0)] for c=\($0)", plane: depthwiseWeight.plane(n: $0, c: 0)) },
        style: .diverging, range: .shared, scale: 72, printsValues: true), as: "depthwise-kernels.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Step 1 output g: each of lesson 2's four maps through its own kernel",
        tiles: HandKernel.allCases.enumerated().map {
          (label: "g c=\($0)\n(\($1.name) map)", plane: g.plane(n: 0, c: $0))
        },
        style: .diverging, range: .perTile, scale: 6, marked: GridCell(row: i, column: j)), as: "depthwise-maps.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Step 2: pointwise weights p (8×4)\nrow o = output channel, column c = input channel",
        tiles: [(label: "p[o, c, 0, 0]", plane: pointwiseWeight.reshaped([8, 4]))],
        style: .diverging, scale: 64, printsValues: true), as: "pointwise-weights.png")
    try lesson.writeMaps(
      FeatureMapFigure(
        title: "Step 2 output: depthwise separable convolution 4→8, K=3\n(framed: row \(i), column \(j))",
        tiles: (0..<8).map { (label: "out[0,\($0)]", plane: out.plane(n: 0, c: $0)) },
        style: .diverging, range: .perTile, scale: 6, columns: 4, marked: GridCell(row: i, column: j)), as: "maps.png")
    lesson.say("out[0,0,\(i),\(j)] (indices from 0; the strongest edge, as in lesson 2), every term.")
    lesson.say("Step 1, the four depthwise sums:")
    for c in 0..<4 {
      lesson.writeOut("g", input: maps, weight: depthwiseWeight, geometry: step1, output: g, o: c, i: i, j: j)
    }
    lesson.say("Step 2, the pointwise sum over those four values:")
    lesson.writeOut(input: g, weight: pointwiseWeight, geometry: step2, output: out, o: 0, i: i, j: j)
    lesson.say()

    // MARK: The cost, counted and from the formula
    let standard = Conv2DGeometry.standard(4, 8, kernel: 3)
    lesson.say("Cost beside the standard convolution with the same C = 4, N = 8, K = 3:")
    for line in CostTable.lines(
      [
        .layer("standard", standard), .layer("step 1 depthwise", step1), .layer("step 2 pointwise", step2),
        .total("separable = 1 + 2", [step1, step2]),
      ], height: 28, width: 28)
    { lesson.say("    " + line) }
    let parameters = (separable: step1.parameterCount() + step2.parameterCount(), standard: standard.parameterCount())
    let multiplyAdds = (
      separable: step1.multiplyAdds(height: 28, width: 28) + step2.multiplyAdds(height: 28, width: 28),
      standard: standard.multiplyAdds(height: 28, width: 28)
    )
    let parameterRatio = Double(parameters.separable) / Double(parameters.standard)
    let multiplyAddRatio = Double(multiplyAdds.separable) / Double(multiplyAdds.standard)
    let formula = CostTable.mobileNetRatio(outChannels: 8, kernel: 3)
    lesson.say("    (C·K² + N·C) / (N·C·K²) = 1/N + 1/K²   (divide both terms by N·C·K²)")
    lesson.say(
      "    counted parameters    \(Format.grouped(parameters.separable)) / \(Format.grouped(parameters.standard)) = \(Format.fixed(parameterRatio, 6))"
    )
    lesson.say(
      "    counted multiply-adds \(Format.grouped(multiplyAdds.separable)) / \(Format.grouped(multiplyAdds.standard)) = \(Format.fixed(multiplyAddRatio, 6))"
    )
    lesson.say("    formula 1/N + 1/K² = 1/8 + 1/9 = \(Format.fixed(formula, 6))")
    lesson.check(
      abs(parameterRatio - formula) < 1e-12 && abs(multiplyAddRatio - formula) < 1e-12,
      "both counted ratios equal 1/8 + 1/9 = 17/72")
    lesson.say("At DSDC-Net's sizes (3×3 kernels) the saving is larger, because 1/N shrinks:")
    for (C, N) in [(32, 64), (64, 128), (128, 128)] {
      let full = Conv2DGeometry.standard(C, N, kernel: 3).parameterCount()
      let separable =
        Conv2DGeometry.depthwise(C, kernel: 3).parameterCount() + Conv2DGeometry.pointwise(C, N).parameterCount()
      let ratio = CostTable.mobileNetRatio(outChannels: N, kernel: 3)
      lesson.say(
        "    C = \(C), N = \(N): standard \(Format.grouped(full)), "
          + "separable \(C)·9 + \(N)·\(C) = \(Format.grouped(separable));")
      lesson.say(
        "      ratio \(Format.fixed(Double(separable) / Double(full))) = 1/\(N) + 1/9 = \(Format.fixed(ratio))")
      lesson.check(
        abs(Double(separable) / Double(full) - ratio) < 1e-12, "C = \(C), N = \(N): counted ratio equals 1/N + 1/K²")
    }
    lesson.say()

    // MARK: A separable convolution is a standard one with a special kernel
    // Fold the pointwise weights into the depthwise kernels: an (8, 4, 3, 3) kernel,
    // run as one standard convolution, gives the same eight maps.
    // (8, 4, 3, 3)
    let composed = KernelIdentities.separableAsStandard(depthwise: depthwiseWeight, pointwise: pointwiseWeight)
    lesson.say("w[0, c] = p[0, c] · k[c] for the four channels:")
    for line in FormulaPrinter.sideBySide(
      (0..<4).map { TerminalPreview.valueGrid(composed.plane(n: 0, c: $0), width: 7, decimals: 4) },
      titles: (0..<4).map { "\(Format.fixed(pointwiseWeight[n: 0, c: $0, h: 0, w: 0]))·k[\($0)]" })
    { lesson.say("    " + line) }
    try lesson.write(
      FeatureMapFigure(
        title: "The standard weight w[o,c] = p[o,c] · k[c] that steps 1 and 2 equal\n"
          + "row o = output channel: each column c holds multiples of the same k[c]",
        tiles: (0..<8).flatMap { n in
          (0..<4).map { c in (label: "w[\(n),\(c)]", plane: composed.plane(n: n, c: c)) }
        },
        style: .diverging, range: .shared, scale: 30, columns: 4, textScale: 2), as: "composed-kernels.png")
    let viaStandard = Convolution.forward(input: maps, weight: composed, geometry: standard)  // (1, 8, 28, 28)
    let difference = viaStandard.maxAbsDifference(out)
    lesson.check(
      difference <= FormulaPrinter.tolerance,
      "standard convolution with w = p·k equals depthwise then pointwise on the digit: max |Δ| = \(FormulaPrinter.scientific(difference))"
    )
    lesson.erratum(
      section: "§2.2", "separable convolution is not a split of the standard one",
      article: [
        "深度可分离卷积将标准卷积操作拆分为两个步骤",
        "(\"depthwise separable convolution splits the standard convolution into two steps\")",
      ],
      corrected: [
        "depthwise then pointwise is a restricted standard convolution,",
        "w[o, c] = p[o, c] · k[c]; most standard kernels cannot be split that way",
      ],
      why: [
        "every w[o, c] must be a multiple of one k[c]: a 4→8 3×3 weight has \(parameters.standard) free"
          + " numbers, the split only \(parameters.separable). Lesson 2's 1→4 bank (one input channel, so one"
          + " k[0]) cannot be split: Sobel x is no multiple of Sobel y."
      ])
    lesson.check(
      SeparabilityTest.isSeparable(composed) && !SeparabilityTest.isSeparable(HandKernel.bank),
      "p·k passes the separability test (each w[o, c] a multiple of k[c]); lesson 2's bank fails it")
    lesson.say()
    lesson.say("Output channel 0 (+ # positive, - = negative):")
    for line in TerminalPreview.signed(out.plane(n: 0, c: 0)) { lesson.say("    |" + line + "|") }

    // MARK: Next
    lesson.finish(
      open: [try lesson.path("maps.png"), try lesson.path("composed-kernels.png")],
      try: [
        .options(["--seed", "1"], "other random weights k and p"), .sample(0), .image,
      ],
      next: Lesson06Dilated.info)
  }
}
