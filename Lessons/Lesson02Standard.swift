// Lesson 2 — Standard convolution
//
// What it teaches: what one layer of an ordinary CNN computes. Each output
// channel reads every input channel through its own K×K kernel and adds up the
// products. First a 5×5 picture by hand, then four hand-designed kernels (Sobel x,
// Sobel y, blur, sharpen) on the digit, then a layer with 4 channels in and 8 out,
// so that C and N in the formula mean something. It defines the program's one
// notation, which every later lesson uses.
// Article: §4.1 (standard convolution); the layout of §3–§5; §1.3's claim about
// resolution.
// Writes: Output/02-standard/digit.png (the input), kernels.png (the four kernels),
//         maps.png (their four output maps), mixed-kernels.png (the 8×4 kernels of
//         the 4→8 layer) and mixed-maps.png (its eight output maps); each maps
//         figure also as *-shared.png, on one colour scale.
// Code:   Sources/DSDC/Convolution/ReferenceConvolution.swift (the formula as plain
//         loops), Convolution.swift (the fast path it is checked against),
//         Conv2DGeometry.swift (sizes and padding); Sources/DSDC/Lesson/LessonWriteOut.swift
//         (one output written out term by term).
// Tests:  Tests/DSDCTests/ReferenceConvolutionTests.swift, ConvolutionTests.swift,
//         ConvolutionFixtureTests.swift (against PyTorch), LessonWriteOutTests.swift.

import DSDC
import Foundation

public enum Lesson02Standard: Lesson {
  public static let info = LessonInfo(
    number: 2, slug: "standard", title: "Standard convolution", articleSection: "§1.3, §4.1",
    summary: "hand-designed kernels on the digit, then 4 channels in and 8 out, term by term")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The article's formula, and what is wrong with it
    lesson.quote(
      "Article §4.1 (标准卷积, standard convolution), as written:", ArticleFormula.standard.asWritten,
      "F ∈ ℝ^{H×W×C} is the input, K ∈ ℝ^{K×K×C×N} the kernels, G ∈ ℝ^{H×W×N} the output.")
    lesson.say()
    lesson.erratum(
      section: "§4.1", "the letter n names two different things",
      article: [ArticleFormula.standard.equation],
      corrected: [
        "out[n, o, i, j] = Σ_c Σ_{u,v} w[o, c, u, v]", "                  · x[n, c, i + u − P, j + v − P]",
        "(the notation below)",
      ],
      why: [
        "the article's n is the output channel (fixed on the left) and also the kernel column (summed on"
          + " the right), so K_{m,n,c,n} would only read the kernel column equal to the channel number."
          + " The program names the output channel o and the kernel offsets u, v. And for the last row the"
          + " article's F_{i+m−1} reads two rows past the image: the program pads P = (K−1)/2 zeros."
      ])
    lesson.say()
    lesson.erratum(
      section: "§3–§5", "two memory layouts",
      article: ["F ∈ ℝ^{H×W×C}, F_{i,j,c}: channels last (§3–§4)"],
      corrected: ["x[n, c, row, col]: NCHW, channels first (the §5 PyTorch code, and this program)"],
      why: [
        "the formulas and the code order the axes differently; the numbers are the same, only the indexing"
          + " differs. This program uses NCHW everywhere:",
        "x[n, c, row, col] = storage[((n·C + c)·H + row)·W + col].",
      ])
    lesson.say()
    // The program's one notation, used by every later lesson; the article's own
    // letters (F, G, H, K, P, m, n) appear only inside quotations of the article.
    lesson.say(
      "The program's notation, used in every lesson from here on (the article's letters F, G, H, K, m, n"
        + " appear only inside quotations of the article):")
    let item = String(repeating: " ", count: 11)  // where an item's text starts
    lesson.say(
      "  sizes    C input channels, N output channels, H×W the image, K kernel size, S stride, P padding,"
        + " D dilation (S = D = 1 until lesson 6)", continuation: item)
    lesson.say("  tensors  x the input, w the weight, out the output, all stored NCHW")
    lesson.say(
      "  indices  n the image in the batch (always 0 here), c ∈ 0…C−1 the input channel, o ∈ 0…N−1 the"
        + " output channel, i, j the output row and column, u, v ∈ 0…K−1 the kernel row and column"
        + " (offsets inside the window)", continuation: item)
    lesson.say(
      "  counting every index counts from 0; the article counts from 1, so its row r is row r − 1 here",
      continuation: item)
    lesson.say("  formula  out[n, o, i, j] = Σ_c Σ_{u,v} w[o, c, u, v]")
    lesson.say("                             · x[n, c, i·S + u·D − P, j·S + v·D − P],")
    lesson.say("           taps outside x read 0 (the zero padding);")
    lesson.say("           H_out = ⌊(H + 2P − D·(K−1) − 1)/S⌋ + 1")
    lesson.say(
      "  later    depthwise (lesson 3): w[c, 0, u, v], output channel o = c; pointwise (lesson 4): K = 1;"
        + " separable (lesson 5): depthwise weight k, map g, then pointwise weight p", continuation: item)
    lesson.say(
      "An article element at row r, column s, output channel t (counting from 1) is out[0, t−1, r−1, s−1].")
    lesson.say()

    // MARK: A small case by hand
    // A 5×5 picture, dark on the left, bright on the right, and Sobel x. Without
    // padding (P = 0) a 3×3 window fits in 3 places per axis, so the output is 3×3.
    let small = Tensor(shape: [1, 1, 5, 5], storage: (0..<25).map { $0 % 5 >= 2 ? 1 : 0 })  // (1, 1, 5, 5)
    let sobelX = HandKernel.sobelX.weight  // (1, 1, 3, 3)
    let valid = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3)
    let smallOut = Convolution.forward(input: small, weight: sobelX, geometry: valid)  // (1, 1, 3, 3)
    lesson.say("A small case: a 5×5 input x (an edge between columns 1 and 2, counting from 0), Sobel x, P = 0.")
    lesson.say("Output size ⌊(L + 2P − D·(K−1) − 1)/S⌋ + 1 = ⌊(5 + 0 − 2 − 1)/1⌋ + 1 = \(valid.outputLength(5))")
    for line in FormulaPrinter.sideBySide(
      [
        TerminalPreview.valueGrid(small.plane(n: 0, c: 0), width: 2),
        TerminalPreview.valueGrid(sobelX.plane(n: 0, c: 0), width: 3),
        TerminalPreview.valueGrid(smallOut.plane(n: 0, c: 0), width: 2),
      ],
      titles: ["x (5×5)", "w = Sobel x", "out (3×3)"])
    { lesson.say("    " + line) }
    lesson.writeOut(input: small, weight: sobelX, geometry: valid, output: smallOut, o: 0, i: 1, j: 0)
    lesson.check(
      smallOut.storage == [4, 4, 0, 4, 4, 0, 4, 4, 0],
      "by hand: a window straddling the edge gives (1+2+1)·(1−0) = 4, a window on the bright side 0")
    lesson.say()

    // MARK: Four hand-designed kernels on the digit
    // The digit with its pixels scaled to [0, 1] (x/255), not normalised: the
    // background is then exactly 0, like the zero padding, so no map gets a false
    // edge along the image border. (The network uses the normalised x̂ of lesson 1.)
    let digit = try lesson.lessonDigit()
    let x = Tensor(shape: digit.image.shape, storage: digit.image.storage.map { $0 / 255 })  // (1, 1, 28, 28)
    lesson.say("The digit: \(digit.name), pixels scaled to [0, 1] (x/255).")
    lesson.say("Four kernels, one per output channel (applied as printed, not flipped):")
    for line in FormulaPrinter.sideBySide(
      HandKernel.allCases.map {
        TerminalPreview.valueGrid($0.weight.plane(n: 0, c: 0), width: 7, decimals: $0 == .blur ? 4 : 0)
      },
      titles: HandKernel.allCases.enumerated().map { "o=\($0): \($1.name)" })
    { lesson.say("    " + line) }
    for kernel in HandKernel.allCases { lesson.say("    \(kernel.name): \(kernel.purpose)") }
    let bankGeometry = Conv2DGeometry.standard(1, 4, kernel: 3)  // P = 1 keeps 28×28
    let maps = Convolution.forward(input: x, weight: HandKernel.bank, geometry: bankGeometry)  // (1, 4, 28, 28)
    lesson.say("\(bankGeometry): \(FormulaPrinter.shape(x)) → \(FormulaPrinter.shape(maps))")
    // On the report page, any of these outputs can be clicked to see its sum.
    lesson.recordExplorable(
      "maps", title: "Four hand-designed kernels on the digit: standard convolution 1→4, K = 3, P = 1", input: x,
      weight: HandKernel.bank, geometry: bankGeometry, output: maps)
    // The output position to write out: the digit's strongest edge, the pixel where
    // |Sobel x| + |Sobel y| is largest (ProbePosition; the first in reading order on a tie).
    let (i, j) = ProbePosition.strongestEdge(in: x)
    // The input, the kernels (blue negative, white 0, red positive, each with its own
    // scale) and the four maps they make, the written-out position framed.
    try lesson.write(
      FeatureMapFigure(
        title: "Input: \(digit.name), pixels x/255",
        tiles: [(label: "x, 28×28", plane: x.plane(n: 0, c: 0))], style: .grayInverted, range: .fixed(lo: 0, hi: 1),
        scale: 10),
      as: "digit.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Four hand-designed 3×3 kernels (weights)",
        tiles: HandKernel.allCases.enumerated().map {
          (label: "o=\($0): \($1.name)", plane: $1.weight.plane(n: 0, c: 0))
        },
        style: .diverging, range: .perTile, scale: 64, printsValues: true), as: "kernels.png")
    try lesson.writeMaps(
      FeatureMapFigure(
        title: "Standard convolution 1→4, K=3, P=1: one 28×28 map per kernel\n(framed: row \(i), column \(j))",
        tiles: HandKernel.allCases.enumerated().map { (label: "o=\($0): \($1.name)", plane: maps.plane(n: 0, c: $0)) },
        style: .diverging, range: .perTile, scale: 6, marked: GridCell(row: i, column: j)), as: "maps.png")
    lesson.say()

    lesson.say(
      "The output written out: the digit's strongest edge, the pixel with the largest |Sobel x| + |Sobel y|"
        + " (ProbePosition.strongestEdge), row \(i), column \(j) counting from 0 (row \(i + 1), column \(j + 1)"
        + " counting from 1, as the article does). Every term:")
    for (o, kernel) in HandKernel.allCases.enumerated() {
      lesson.say("  o=\(o) (\(kernel.name)):")
      lesson.writeOut(input: x, weight: HandKernel.bank, geometry: bankGeometry, output: maps, o: o, i: i, j: j)
    }
    lesson.say(
      "Cost: parameters \(CostTable.parameterArithmetic(bankGeometry)), "
        + "multiply-adds \(CostTable.multiplyAddArithmetic(bankGeometry, height: 28, width: 28))")
    lesson.say()
    lesson.say("The Sobel x map (+ # positive, - = negative; a stroke has + on its left edge,")
    lesson.say("- on its right):")
    for line in TerminalPreview.signed(maps.plane(n: 0, c: 0)) { lesson.say("    |" + line + "|") }
    lesson.say()

    // MARK: Many channels in, many out
    // Now the four maps are the input (C = 4) of a layer with N = 8 output channels.
    // Its 8·4 kernels are random, as in a network before training: normal with
    // σ = 1/√(C·K²) = 1/6, so outputs stay about as large as inputs.
    var generator = SeededGenerator(seed: lesson.settings.seed)
    let mixedGeometry = Conv2DGeometry.standard(4, 8, kernel: 3)
    // (8, 4, 3, 3)
    let mixedWeight = Tensor.randomNormal(shape: mixedGeometry.weightShape, std: 1.0 / 6, using: &generator)
    let mixed = Convolution.forward(input: maps, weight: mixedWeight, geometry: mixedGeometry)  // (1, 8, 28, 28)
    lesson.recordExplorable(
      "mixed-maps", title: "Standard convolution 4→8, K = 3: each output reads all four maps (36 terms)", input: maps,
      weight: mixedWeight, geometry: mixedGeometry, output: mixed)
    lesson.say("\(mixedGeometry): \(FormulaPrinter.shape(maps)) → \(FormulaPrinter.shape(mixed)),")
    lesson.say("weights \(FormulaPrinter.shape(mixedWeight)) from seed \(lesson.settings.seed)")
    lesson.say(
      "Each weight is drawn from a normal distribution, mean 0, σ = 1/√(C·K²) = 1/6. Every lesson restarts"
        + " the same random stream from the seed, so later lessons' first draws are these, rescaled.")
    lesson.say("Output channel o = 0 reads all four input channels: 4·3·3 = 36 terms.")
    let mixedTerms = lesson.writeOut(
      input: maps, weight: mixedWeight, geometry: mixedGeometry, output: mixed, o: 0, i: i, j: j)
    lesson.check(
      mixedTerms.count == mixedGeometry.inChannels * 9, "a standard convolution's output reads C·K² = 4·9 = 36 inputs")
    // All 8·4 kernels (row o: the four kernels output channel o applies to inputs c = 0…3)
    // on one shared scale, and the eight output maps.
    try lesson.write(
      FeatureMapFigure(
        title: "Standard convolution 4→8, K=3: weights w[o,c]\nrow o = output channel, column c = input channel",
        tiles: (0..<8).flatMap { o in (0..<4).map { c in (label: "w[\(o),\(c)]", plane: mixedWeight.plane(n: o, c: c)) }
        },
        style: .diverging, range: .shared, scale: 30, columns: 4, textScale: 2), as: "mixed-kernels.png")
    try lesson.writeMaps(
      FeatureMapFigure(
        title:
          "Standard convolution 4→8, K=3: the eight output maps\n"
          + "(each reads all four input maps; framed: row \(i), column \(j))",
        tiles: (0..<8).map { (label: "out[0,\($0)]", plane: mixed.plane(n: 0, c: $0)) },
        style: .diverging, range: .perTile, scale: 6, columns: 4, marked: GridCell(row: i, column: j)),
      as: "mixed-maps.png")
    lesson.say(
      "Cost: parameters \(CostTable.parameterArithmetic(mixedGeometry)), "
        + "multiply-adds \(CostTable.multiplyAddArithmetic(mixedGeometry, height: 28, width: 28))")
    lesson.say()

    // MARK: What resolution changes
    // The same layer on larger images: the weights are the same, only the number of
    // output positions, and with it the multiply-adds, grows with H·W.
    let sides = [28, 56, 224]
    lesson.erratum(
      section: "§1.3", "resolution drives computation, not parameters",
      article: [
        "传统卷积神经网络在处理高分辨率图像时,计算量和参数量都非常大",
        "(\"on high-resolution images, traditional CNNs' computation and parameters are huge\")",
      ],
      corrected: [
        "on larger images a convolution's computation grows with H·W;", "its parameter count does not change",
      ],
      why: ["this lesson's 4→8 layer"]
        + sides.map { side in
          "  at \(side)×\(side): parameters \(CostTable.parameterArithmetic(mixedGeometry)), "
            + "multiply-adds \(Format.grouped(mixedGeometry.multiplyAdds(height: side, width: side)))"
        } + ["(fully connected layers can grow with the resolution; convolution weights do not)"])
    lesson.check(
      mixedGeometry.multiplyAdds(height: 56, width: 56) == 4 * mixedGeometry.multiplyAdds(height: 28, width: 28),
      "twice the side, 4 × the multiply-adds, the same 288 parameters (by hand: 8·56·56·4·9 = 903,168"
        + " = 4 · 225,792)")

    // MARK: Next
    lesson.finish(
      open: [try lesson.path("maps.png"), try lesson.path("mixed-maps.png")],
      try: [.sample(0), .image, .options(["--seed", "1"], "other random weights for the 4→8 layer")],
      next: Lesson03Depthwise.info)
  }
}
