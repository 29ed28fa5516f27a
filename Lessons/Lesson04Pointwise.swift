// Lesson 4 — Pointwise convolution
//
// What it teaches: a 1×1 convolution looks at one pixel at a time and mixes the
// channels there: each output channel is a weighted sum of the input channels at
// the same position. Over a whole image that is one matrix product,
// (N×C weights) · (C×(H·W) pixels). First a 3-channel 2×2 input by hand, then the
// digit's four maps mixed into eight.
// Article: §3.2 (the pointwise step).
// Writes: Output/04-pointwise/input-maps.png (the four input channels),
//         weights.png (the 8×4 weight matrix), maps.png (the eight outputs) and
//         maps-shared.png (the same on one colour scale).
// Code:   Sources/DSDC/Convolution/PointwiseConvolution.swift (the matrix product),
//         Sources/DSDC/Tensor/MatrixMultiply.swift.
// Tests:  Tests/DSDCTests/ConvolutionTests.swift, MatrixMultiplyTests.swift.

import DSDC
import Foundation

public enum Lesson04Pointwise: Lesson {
  public static let info = LessonInfo(
    number: 4, slug: "pointwise", title: "Pointwise (1×1) convolution", articleSection: "§3.2",
    summary: "mixing channels at one pixel, and the same thing as a matrix product")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The article's formula
    lesson.quote(
      "Article §3.2 (逐点卷积, pointwise convolution), as written:", ArticleFormula.pointwise.asWritten,
      "G ∈ ℝ^{H×W×C} is the input, P ∈ ℝ^{1×1×C×N} the weights, H ∈ ℝ^{H×W×N} the output.")
    lesson.say("Its arithmetic is right: no window, so no offsets and no padding. Its letters are not:")
    lesson.erratum(
      section: "§3.1–§3.2", "i, j change meaning, and H does double duty",
      article: [
        "§3.1: " + ArticleFormula.depthwise.equation, "      (i, j: offsets in the kernel, summed)",
        "§3.2: " + ArticleFormula.pointwise.equation, "      (i, j: the pixel's position, fixed)",
      ],
      corrected: [
        "offsets u, v ∈ 0…K−1, positions i, j: never the same letters",
        "(lesson 2's notation):",
        "out[n, o, i, j] = Σ_c w[o, c, 0, 0] · x[n, c, i, j]",
      ],
      why: [
        "two formulas in a row use i, j for different things; and H names the output map and the height in"
          + " \"H ∈ ℝ^{H×W×N}\". The program stores the article's P as w ∈ ℝ^{N×C×1×1} (PyTorch's order)."
      ])
    lesson.say()

    // MARK: A small case by hand
    // Three 2×2 channels and two output channels: out 0 = channel 0 − channel 2,
    // out 1 = ½·channel 0 + 2·channel 1.
    let small = Tensor(shape: [1, 3, 2, 2], storage: [1, 2, 3, 4, 0, 1, 0, 1, 1, 1, 1, 1])  // (1, 3, 2, 2)
    let smallWeight = Tensor(shape: [2, 3, 1, 1], storage: [1, 0, -1, 0.5, 2, 0])  // (2, 3, 1, 1)
    let smallGeometry = Conv2DGeometry.pointwise(3, 2)
    let smallOut = Convolution.forward(input: small, weight: smallWeight, geometry: smallGeometry)  // (1, 2, 2, 2)
    lesson.say("A small case, \(smallGeometry).")
    lesson.say(
      "Flatten each channel of x into a row: a C × (H·W) = 3×4 matrix, one column per pixel; w is an"
        + " N×C = 2×3 matrix; then out = w·x, a matrix product:")
    for line in FormulaPrinter.sideBySide(
      [
        TerminalPreview.valueGrid(smallWeight.reshaped([2, 3]), width: 4, decimals: 1),
        TerminalPreview.valueGrid(small.reshaped([3, 4]), width: 2),
        TerminalPreview.valueGrid(smallOut.reshaped([2, 4]), width: 4, decimals: 1),
      ],
      titles: ["w (2×3)", "x (3×4)", "w·x = out (2×4)"])
    { lesson.say("    " + line) }
    lesson.writeOut(input: small, weight: smallWeight, geometry: smallGeometry, output: smallOut, o: 1, i: 1, j: 0)
    lesson.check(
      smallOut.storage == [0, 1, 2, 3, 0.5, 3, 1.5, 4],
      "by hand: out 0 = c0 − c2 = (0, 1, 2, 3), out 1 = ½·c0 + 2·c1 = (0.5, 3, 1.5, 4)")
    lesson.say()

    // MARK: The digit's four maps, mixed into eight
    // The input is lesson 2's four maps of the digit (DigitMaps: pixels scaled to [0, 1],
    // x/255, through Sobel x, Sobel y, blur and sharpen).
    // The 8×4 weights are random, normal with σ = 1/√C = 1/2.
    let input = try lesson.digitMaps()
    let (digit, maps) = (input.digit, input.maps)  // maps: (1, 4, 28, 28)
    var generator = SeededGenerator(seed: lesson.settings.seed)
    let pointwise = Conv2DGeometry.pointwise(4, 8)
    let weight = Tensor.randomNormal(shape: pointwise.weightShape, std: 0.5, using: &generator)  // (8, 4, 1, 1)
    let out = Convolution.forward(input: maps, weight: weight, geometry: pointwise)  // (1, 8, 28, 28)
    lesson.recordExplorable(
      "maps", title: "Pointwise 1×1 convolution 4→8: one pixel, four channels (4 terms)", input: maps, weight: weight,
      geometry: pointwise, output: out)
    lesson.say("\(digit.title) through lesson 2's four kernels,")
    lesson.say("then \(pointwise):")
    lesson.say("    \(FormulaPrinter.shape(maps)) → \(FormulaPrinter.shape(out)),")
    lesson.say("    weights \(FormulaPrinter.shape(weight)) from seed \(lesson.settings.seed),")
    lesson.say("    each drawn from a normal distribution, mean 0, σ = 1/√C = 1/2.")
    // One random stream for all lessons: these 32 draws are lesson 2's first 32, times 3.
    var lesson2Stream = SeededGenerator(seed: lesson.settings.seed)
    let lesson2Weights = Tensor.randomNormal(shape: [8, 4, 3, 3], std: 1.0 / 6, using: &lesson2Stream)
    let streamDifference = zip(weight.storage, lesson2Weights.storage.prefix(32)).map { abs($0 - 3 * $1) }.max() ?? 0
    lesson.check(
      streamDifference <= 1e-6,
      "one random stream: these weights are 3 × lesson 2's first 32 (σ 1/2 vs 1/6), "
        + "|Δ| ≤ \(FormulaPrinter.scientific(streamDifference))")
    let (i, j) = input.probe
    try lesson.write(input.figure(framed: false), as: "input-maps.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Pointwise weights as an 8×4 matrix\nrow o = output channel, column c = input channel",
        tiles: [(label: "w[o, c, 0, 0]", plane: weight.reshaped([8, 4]))],
        style: .diverging, scale: 64, printsValues: true), as: "weights.png")
    try lesson.writeMaps(
      FeatureMapFigure(
        title:
          "Pointwise 1×1 convolution 4→8: out[o] = Σ_c w[o,c] · x[c], pixel by pixel\n"
          + "(framed: row \(i), column \(j))",
        tiles: (0..<8).map { (label: "out[0,\($0)]", plane: out.plane(n: 0, c: $0)) },
        style: .diverging, range: .perTile, scale: 6, columns: 4, marked: GridCell(row: i, column: j)), as: "maps.png")
    lesson.say(
      "At row \(i), column \(j) (from 0; the strongest edge, as in lesson 2) output 0 reads 4 channels"
        + " only:"
    )
    lesson.writeOut(input: maps, weight: weight, geometry: pointwise, output: out, o: 0, i: i, j: j)
    lesson.say()

    // All eight outputs at that pixel are w (8×4) times the pixel's column of x.
    let pixel = Tensor(shape: [4, 1], storage: (0..<4).map { maps[n: 0, c: $0, h: i, w: j] })  // (4, 1)
    let column = KernelIdentities.matrixProduct(weight.reshaped([8, 4]), pixel)  // (8, 1)
    lesson.say("All eight outputs at (\(i), \(j)): w (8×4) times the pixel's column of x")
    for line in FormulaPrinter.sideBySide(
      [
        TerminalPreview.valueGrid(weight.reshaped([8, 4]), width: 8, decimals: 4),
        TerminalPreview.valueGrid(pixel, width: 8, decimals: 4),
        TerminalPreview.valueGrid(column, width: 8, decimals: 4),
      ],
      titles: ["w (8×4)", "x[0, :, \(i), \(j)]", "= out[0, :, \(i), \(j)]"])
    { lesson.say("    " + line) }
    let columnDifference = (0..<8).map { abs(column.storage[$0] - out[n: 0, c: $0, h: i, w: j]) }.max() ?? 0
    lesson.check(
      columnDifference <= FormulaPrinter.tolerance,
      "w · x[0, :, \(i), \(j)] equals the convolution's eight outputs there: max |Δ| = \(FormulaPrinter.scientific(columnDifference))"
    )

    // And over the whole image: (8×4) · (4×784) = (8×784), one matrix product.
    let product = KernelIdentities.pointwiseAsMatrixProduct(input: maps, weight: weight)  // (1, 8, 28, 28)
    let difference = product.maxAbsDifference(out)
    lesson.check(
      difference <= FormulaPrinter.tolerance,
      "the whole layer is one matrix product, (8×4)·(4×784) = (8×784): max |Δ| = \(FormulaPrinter.scientific(difference))"
    )
    lesson.say()

    // MARK: What it costs, and what it cannot see
    let standard = Conv2DGeometry.standard(4, 8, kernel: 3)
    lesson.say("Cost beside a 3×3 standard convolution with the same C and N:")
    for line in CostTable.lines(
      [.layer("standard 3×3", standard), .layer("pointwise 1×1", pointwise)],
      height: 28, width: 28)
    { lesson.say("    " + line) }
    lesson.check(
      standard.parameterCount() == 9 * pointwise.parameterCount()
        && standard.multiplyAdds(height: 28, width: 28) == 9 * pointwise.multiplyAdds(height: 28, width: 28),
      "K² = 9 times fewer parameters (288 = 9·32), and the same ratio of multiply-adds")
    lesson.say("Its field is one pixel: it mixes channels but never looks at neighbours.")
    lesson.say("That is why it is paired with a depthwise convolution (lesson 5), which looks")
    lesson.say("at neighbours but never mixes.")
    lesson.say()
    lesson.say("Output channel 0 (+ # positive, - = negative):")
    for line in TerminalPreview.signed(out.plane(n: 0, c: 0)) { lesson.say("    |" + line + "|") }

    // MARK: Next
    lesson.finish(
      open: [try lesson.path("weights.png"), try lesson.path("maps.png")],
      try: [.options(["--seed", "1"], "another random 8×4 weight matrix"), .sample(0), .image],
      next: Lesson05Separable.info)
  }
}
