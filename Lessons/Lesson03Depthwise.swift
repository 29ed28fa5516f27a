// Lesson 3 — Depthwise convolution
//
// What it teaches: a depthwise convolution gives every channel its own K×K kernel
// and never mixes channels: output channel c reads input channel c only. It is a
// standard convolution with groups = C, or one whose kernel is zero wherever the
// output channel is not the input channel. First two 5×5 channels by hand, then
// the four maps of lesson 2's kernels on the digit.
// Article: §2.2, §3.1 and §4.2 (the depthwise step).
// Writes: Output/03-depthwise/input-maps.png (the four input channels),
//         kernels.png (one 3×3 kernel per channel), maps.png (the four outputs) and
//         maps-shared.png (the same on one colour scale).
// Code:   Sources/DSDC/Convolution/ReferenceConvolution.swift (groups = C),
//         DirectConvolution.swift and DirectConvolutionKernels.swift (the fast depthwise
//         kernels); Sources/DSDC/Lesson/DigitMaps.swift (the digit's four maps).
// Tests:  Tests/DSDCTests/ConvolutionTests.swift, KernelIdentitiesTests.swift,
//         DigitMapsTests.swift.

import DSDC
import Foundation

public enum Lesson03Depthwise: Lesson {
  public static let info = LessonInfo(
    number: 3, slug: "depthwise", title: "Depthwise convolution", articleSection: "§2.2, §3.1, §4.2",
    summary: "one kernel per channel, no mixing: groups = C, nine terms per output")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The article's formula, and what is wrong with it
    lesson.say("Article §2.2: 深度卷积对每个输入通道应用一个单独的卷积核")
    lesson.say("    (\"depthwise convolution applies a separate kernel to each input channel\").")
    lesson.quote(
      "Article §3.1 (深度卷积, depthwise convolution), as written; §4.2 repeats it:",
      ArticleFormula.depthwise.asWritten, "F ∈ ℝ^{H×W×C} is the input, K ∈ ℝ^{K×K×C} one K×K kernel per channel.")
    lesson.say()
    lesson.erratum(
      section: "§3.1, §4.2", "the output has no position",
      article: [ArticleFormula.depthwise.asWritten],
      corrected: [
        "out[n, c, i, j] = Σ_{u,v} w[c, 0, u, v] · x[n, c, i + u − P,",
        "                                          j + v − P]",
        "(lesson 2's notation)",
      ],
      why: [
        "as written, G_c is one number per channel: the kernel times the image's top-left K×K corner."
          + " A convolution slides the kernel: each output position (i, j) has its own window."
      ])
    lesson.say()
    lesson.erratum(
      section: "§3.1", "one letter K for the kernel and for its size",
      article: ["卷积核为 K ∈ ℝ^{K×K×C} … K 为卷积核尺寸", "(\"the kernel is K ∈ ℝ^{K×K×C} … K is the kernel size\")"],
      corrected: ["the weight w ∈ ℝ^{C×1×K×K}; K is only the size (3 here)"],
      why: ["K_{i,j,c} and ℝ^{K×K×C} use one letter for a tensor and a number in one line."])
    lesson.say()
    lesson.say("What the program computes (groups = C: the weight is (C, 1, K, K), one kernel")
    lesson.say("per channel):")
    lesson.say("    out[n, c, i, j] = Σ_{u,v} w[c, 0, u, v] · x[n, c, i + u − P, j + v − P]")
    lesson.say()

    // MARK: A small case by hand
    // Two 5×5 channels: channel 0 has a vertical edge, channel 1 the same edge turned
    // horizontal. Channel 0 gets Sobel x, channel 1 Sobel y; no padding (P = 0).
    let edge: [Float] = (0..<25).map { $0 % 5 >= 2 ? 1 : 0 }
    let turned: [Float] = (0..<25).map { $0 / 5 >= 2 ? 1 : 0 }
    let small = Tensor(shape: [1, 2, 5, 5], storage: edge + turned)  // (1, 2, 5, 5)
    let smallKernels = Tensor(shape: [2, 1, 3, 3], storage: HandKernel.sobelX.weights + HandKernel.sobelY.weights)
    let smallGeometry = Conv2DGeometry(inChannels: 2, outChannels: 2, kernel: 3, groups: 2)
    let smallOut = Convolution.forward(input: small, weight: smallKernels, geometry: smallGeometry)  // (1, 2, 3, 3)
    lesson.say("A small case: two 5×5 channels, each with its own kernel,")
    lesson.say("\(smallGeometry):")
    for line in FormulaPrinter.sideBySide(
      [
        TerminalPreview.valueGrid(small.plane(n: 0, c: 0), width: 2),
        TerminalPreview.valueGrid(smallKernels.plane(n: 0, c: 0), width: 3),
        TerminalPreview.valueGrid(smallOut.plane(n: 0, c: 0), width: 2),
        TerminalPreview.valueGrid(small.plane(n: 0, c: 1), width: 2),
        TerminalPreview.valueGrid(smallKernels.plane(n: 1, c: 0), width: 3),
        TerminalPreview.valueGrid(smallOut.plane(n: 0, c: 1), width: 2),
      ],
      titles: ["x, c=0", "w[0]: Sobel x", "out, c=0", "x, c=1", "w[1]: Sobel y", "out, c=1"])
    { lesson.say("    " + line) }
    let smallTerms = lesson.writeOut(
      input: small, weight: smallKernels, geometry: smallGeometry, output: smallOut, o: 1, i: 0, j: 1)
    lesson.check(
      smallTerms.allSatisfy { $0.channel == 1 }, "output channel 1 reads input channel 1 only (9 terms, not 2·9)")
    lesson.check(
      smallOut.plane(n: 0, c: 0).storage == [4, 4, 0, 4, 4, 0, 4, 4, 0]
        && smallOut.plane(n: 0, c: 1).storage == [4, 4, 4, 4, 4, 4, 0, 0, 0],
      "by hand: each channel finds its own edge, (1+2+1)·(1−0) = 4 where the window straddles it")
    lesson.say()

    // MARK: The digit's four maps
    // The input is lesson 2's four maps of the digit (DigitMaps: pixels scaled to [0, 1],
    // x/255, through Sobel x, Sobel y, blur and sharpen). Each gets a random 3×3 kernel,
    // normal with σ = 1/√(K²) = 1/3, as a depthwise layer has before training.
    let input = try lesson.digitMaps()
    let (digit, maps) = (input.digit, input.maps)  // maps: (1, 4, 28, 28)
    var generator = SeededGenerator(seed: lesson.settings.seed)
    let depthwise = Conv2DGeometry.depthwise(4, kernel: 3)
    let kernels = Tensor.randomNormal(shape: depthwise.weightShape, std: 1.0 / 3, using: &generator)  // (4, 1, 3, 3)
    let out = Convolution.forward(input: maps, weight: kernels, geometry: depthwise)  // (1, 4, 28, 28)
    lesson.recordExplorable(
      "maps", title: "Depthwise convolution, groups = 4: output c reads input c only (9 terms)", input: maps,
      weight: kernels, geometry: depthwise, output: out)
    lesson.say(
      "\(digit.title) through lesson 2's four kernels: \(FormulaPrinter.shape(maps)),"
    )
    lesson.say("channels \(HandKernel.allCases.enumerated().map { "\($0) = \($1.name)" }.joined(separator: ", ")).")
    lesson.say("\(depthwise): \(FormulaPrinter.shape(maps)) → \(FormulaPrinter.shape(out)),")
    lesson.say(
      "kernels \(FormulaPrinter.shape(kernels)) from seed \(lesson.settings.seed), "
        + "each weight drawn from a normal distribution,")
    lesson.say("mean 0, σ = 1/√(K²) = 1/3:")
    for line in FormulaPrinter.sideBySide(
      (0..<4).map { TerminalPreview.valueGrid(kernels.plane(n: $0, c: 0), width: 7, decimals: 4) },
      titles: (0..<4).map { "w[\($0)] for channel \($0)" })
    { lesson.say("    " + line) }
    // Lessons share one random stream: each restarts it from the seed, so these 36
    // draws are lesson 2's first 36 (its w[0, 0…3]) times 2, the ratio of the σs.
    var lesson2Stream = SeededGenerator(seed: lesson.settings.seed)
    let lesson2Weights = Tensor.randomNormal(shape: [8, 4, 3, 3], std: 1.0 / 6, using: &lesson2Stream)
    lesson.check(
      kernels.storage == lesson2Weights.storage.prefix(36).map { 2 * $0 },
      "one random stream: these kernels are exactly 2 × lesson 2's w[0, 0…3] (σ 1/3 vs 1/6)")
    let (i, j) = input.probe
    try lesson.write(input.figure(framed: true), as: "input-maps.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Depthwise 3×3 kernels: one per channel (random, seed \(lesson.settings.seed))",
        tiles: (0..<4).map { (label: "w[\($0)] for c=\($0)", plane: kernels.plane(n: $0, c: 0)) },
        style: .diverging, range: .shared, scale: 72, printsValues: true), as: "kernels.png")
    try lesson.writeMaps(
      FeatureMapFigure(
        title: "Depthwise convolution, groups = 4: output c reads input c only\n(framed: row \(i), column \(j))",
        tiles: (0..<4).map { (label: "out c=\($0)\nreads in c=\($0)", plane: out.plane(n: 0, c: $0)) },
        style: .diverging, range: .perTile, scale: 6, marked: GridCell(row: i, column: j)), as: "maps.png")
    lesson.say()

    lesson.say(
      "At row \(i), column \(j) counting from 0 (\(i + 1), \(j + 1) from 1; the digit's strongest edge, as in"
        + " lesson 2: largest |Sobel x| + |Sobel y|), each output channel is nine terms of its own channel:")
    for c in 0..<4 {
      lesson.writeOut(input: maps, weight: kernels, geometry: depthwise, output: out, o: c, i: i, j: j)
    }
    lesson.say()

    // MARK: Depthwise is a standard convolution with most of its kernel zero
    // Put kernel c at [c, c] of a (C, C, K, K) weight and zeros elsewhere: a standard
    // convolution with that weight computes the same maps — it just multiplies
    // 3 of every 4 kernels by zero.
    let blockDiagonal = KernelIdentities.depthwiseAsStandard(kernels)  // (4, 4, 3, 3)
    let viaStandard = Convolution.forward(input: maps, weight: blockDiagonal, geometry: .standard(4, 4, kernel: 3))
    let difference = viaStandard.maxAbsDifference(out)
    lesson.check(
      difference <= FormulaPrinter.tolerance,
      "standard convolution with the block-diagonal kernel \(FormulaPrinter.shape(blockDiagonal)) gives the same maps: max |Δ| = \(FormulaPrinter.scientific(difference))"
    )
    lesson.say("Cost beside that standard convolution:")
    for line in CostTable.lines(
      [.layer("standard 4→4", .standard(4, 4, kernel: 3)), .layer("depthwise", depthwise)],
      height: 28, width: 28)
    { lesson.say("    " + line) }
    lesson.check(
      depthwise.parameterCount() * 4 == Conv2DGeometry.standard(4, 4, kernel: 3).parameterCount(),
      "depthwise has C = 4 times fewer parameters: no kernel for c ≠ o")
    lesson.say()
    lesson.say("Output channel 0, the Sobel x map through kernel w[0] (+ # positive, - = negative):")
    for line in TerminalPreview.signed(out.plane(n: 0, c: 0)) { lesson.say("    |" + line + "|") }

    // MARK: Next
    lesson.finish(
      open: [try lesson.path("kernels.png"), try lesson.path("maps.png")],
      try: [.options(["--seed", "1"], "other random kernels"), .sample(0), .image],
      next: Lesson04Pointwise.info)
  }
}
