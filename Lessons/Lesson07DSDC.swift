// Lesson 7 — Depthwise separable dilated convolution
//
// What it teaches: the article's building block, reproduced from its PyTorch code:
// a dilated depthwise convolution (groups = C, dilation D, padding D·(K−1)/2), then
// a pointwise one. Separability cuts the cost to 1/N + 1/K²; dilation widens the
// reach at no cost; only the depthwise step can be dilated. Run on the digit's four
// maps into eight, beside a standard dilated convolution of the same reach.
// Article: §1.3, §2.4, §3.4, §4.4 and §5 (the PyTorch module).
// Writes: Output/07-dsdc/depthwise-kernels.png (the four 3×3 kernels at D = 2, drawn
//         as 5×5 with zeros), depthwise-maps.png (step 1), pointwise-weights.png and
//         maps.png (step 2, the eight outputs), maps-shared.png (on one colour scale);
//         cost.txt only if the cost table were too wide to print.
// Code:   Sources/DSDC/Model/DSDCBlock.swift (the module), DSDCNetConfig.swift;
//         Sources/DSDC/Lesson/CostTable.swift.
// Tests:  Tests/DSDCTests/DSDCNetTests.swift, CostTableTests.swift.

import DSDC
import Foundation

public enum Lesson07DSDC: Lesson {
  public static let info = LessonInfo(
    number: 7, slug: "dsdc", title: "Depthwise separable dilated convolution", articleSection: "§2.4, §3.4, §4.4, §5",
    summary: "the article's PyTorch module in Swift, on the digit; cost and reach beside the alternatives")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The article's formulas, and what is wrong with them
    lesson.say("Article §2.4: 将深度可分离卷积与膨胀卷积相结合,既能减少计算量和参数量,又能扩大感受野")
    lesson.say("    (\"combining them both reduces computation and parameters and enlarges")
    lesson.say("    the receptive field\").")
    lesson.quote(
      "Article §4.4 (深度可分离膨胀卷积), as written:", ArticleFormula.dilated.asWritten, ArticleFormula.pointwise.asWritten)
    lesson.say()
    lesson.erratum(
      section: "§4.4", "the dilated window is shifted and needs padding (as in §3.3)",
      article: [ArticleFormula.dilated.equation],
      corrected: [
        "g[n, c, i, j] = Σ_{u,v} k[c, 0, u, v] · x[n, c, i + u·D − P,",
        "                                        j + v·D − P]",
        "out[n, o, i, j] = Σ_c p[o, c, 0, 0] · g[n, c, i, j]",
        "P = D·(K−1)/2, x = 0 outside (lesson 2's notation; k, p as in lesson 5)",
      ],
      why: [
        "with m from 1, F_{i+d·m} starts d rows below i and runs past row H; the §5 code pads D·(K−1)/2 and"
          + " centres the window on (i, j), taps at i−D, i, i+D for K = 3 (lesson 6). (The first line is"
          + " §3.3's depthwise formula, lesson 6: as the depthwise step, right.)"
      ])
    lesson.say()
    lesson.erratum(
      section: "§3.4", "only the depthwise step can be dilated",
      article: [
        "将深度卷积和逐点卷积中的标准卷积替换为膨胀卷积",
        "(\"replace the standard convolution in both the depthwise and the pointwise step with dilated"
          + " convolution\")",
      ],
      corrected: [
        "dilate the depthwise step; the pointwise step stays 1×1", "(as the §5 code does: no dilation on it)",
      ],
      why: ["a 1×1 kernel has one tap and no gaps to widen: its receptive field is D·(1−1)+1 = 1 for every D."])
    lesson.say()

    // MARK: The article's PyTorch module (§5), and the same in Swift
    lesson.say("Article §5, the module:")
    for line in [
      "class DepthwiseSeparableDilatedConv(nn.Module):",
      "    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):",
      "        super(DepthwiseSeparableDilatedConv, self).__init__()",
      "        self.depthwise = nn.Conv2d(in_channels, in_channels, kernel_size,",
      "                                   padding=dilation*(kernel_size-1)//2,",
      "                                   groups=in_channels, dilation=dilation)",
      "        self.pointwise = nn.Conv2d(in_channels, out_channels, 1)",
      "",
      "    def forward(self, x):",
      "        out = self.depthwise(x)",
      "        out = self.pointwise(out)",
      "        return out",
    ] { lesson.say("    " + line) }
    lesson.say("The same in this program (the statements below, with C = in_channels,")
    lesson.say("N = out_channels, K, D):")
    for line in [
      "let depthwise = Conv2DGeometry(",
      "  inChannels: C, outChannels: C, kernel: K,",
      "  padding: D * (K - 1) / 2, dilation: D, groups: C)",
      "let pointwise = Conv2DGeometry(inChannels: C, outChannels: N, kernel: 1)",
      "let g = Convolution.forward(",
      "  input: maps, weight: depthwiseWeight, bias: depthwiseBias,",
      "  geometry: depthwise)",
      "let out = Convolution.forward(",
      "  input: g, weight: pointwiseWeight, bias: pointwiseBias,",
      "  geometry: pointwise)",
    ] { lesson.say("    " + line) }
    lesson.say(
      "nn.Conv2d has bias=True by default, so both steps add a bias, which the §4.4 formulas leave out:")
    lesson.say("    g[n, c, i, j] = b[c] + Σ_{u,v} k[c, 0, u, v]·x[…]")
    lesson.say("    out[n, o, i, j] = b'[o] + Σ_c p[o, c, 0, 0]·g[n, c, i, j]")
    lesson.say()
    lesson.erratum(
      section: "§5", "the article stops mid-sentence",
      article: [
        "深度卷积使用nn.Conv2d实现,… `padding`参数根据膨胀因子计算",
        "(\"the depthwise step uses nn.Conv2d, … `padding` is computed from the dilation\")",
      ],
      corrected: [
        "the sentence, and the article, end there: the title's model development (开发) and fine-tuning (微调)"
          + " never come. Lessons 8–10 are this program's completion: a network, its training, results,"
          + " fine-tuning."
      ],
      why: ["the text breaks off with no full stop; no network, training recipe or result follows."])
    lesson.say()

    // MARK: The module on the digit's four maps
    // The input is lesson 2's four maps of the digit (DigitMaps: pixels scaled to [0, 1],
    // x/255, through Sobel x, Sobel y, blur and sharpen).
    // Weights and biases start as PyTorch's do: uniform in ±1/√fan_in, where fan_in
    // is the number of inputs one output reads (K² = 9 depthwise, C = 4 pointwise).
    let input = try lesson.digitMaps()
    let (digit, maps) = (input.digit, input.maps)  // maps: (1, 4, 28, 28)
    let (C, N, K, D) = (4, 8, 3, 2)
    let depthwise = Conv2DGeometry(
      inChannels: C, outChannels: C, kernel: K,
      padding: D * (K - 1) / 2, dilation: D, groups: C)
    let pointwise = Conv2DGeometry(inChannels: C, outChannels: N, kernel: 1)
    var generator = SeededGenerator(seed: lesson.settings.seed)
    // (4, 1, 3, 3)
    let depthwiseWeight = Tensor.randomUniform(shape: depthwise.weightShape, bound: 1.0 / 3, using: &generator)
    let depthwiseBias = Tensor.randomUniform(shape: [C], bound: 1.0 / 3, using: &generator)  // (4)
    // (8, 4, 1, 1)
    let pointwiseWeight = Tensor.randomUniform(shape: pointwise.weightShape, bound: 0.5, using: &generator)
    let pointwiseBias = Tensor.randomUniform(shape: [N], bound: 0.5, using: &generator)  // (8)
    let g = Convolution.forward(
      input: maps, weight: depthwiseWeight, bias: depthwiseBias, geometry: depthwise)  // (1, 4, 28, 28)
    let out = Convolution.forward(
      input: g, weight: pointwiseWeight, bias: pointwiseBias, geometry: pointwise)  // (1, 8, 28, 28)
    // On the report page: the depthwise step, then the pointwise step with the depthwise sums it reads.
    lesson.recordExplorable(
      "g", title: "Step 1: dilated depthwise 3×3, D = 2, P = 2, plus bias", input: maps, weight: depthwiseWeight,
      bias: depthwiseBias, geometry: depthwise, output: g, names: .init(weight: "k", output: "g"))
    lesson.recordExplorable(
      "maps", title: "Step 2: pointwise 4→8 plus bias (each output shown with the step-1 sums it reads)", input: g,
      weight: pointwiseWeight, bias: pointwiseBias, geometry: pointwise, output: out,
      names: .init(input: "g", weight: "p", bias: "b'"), inputFrom: "g")
    lesson.say("\(digit.title) through lesson 2's kernels: \(FormulaPrinter.shape(maps));")
    lesson.say("C = \(C), N = \(N), K = \(K), D = \(D), seed \(lesson.settings.seed):")
    lesson.say("    depthwise \(depthwise)")
    lesson.say("      → g \(FormulaPrinter.shape(g))")
    lesson.say("    pointwise \(pointwise)")
    lesson.say("      → out \(FormulaPrinter.shape(out))")
    lesson.say(
      "Weights and biases drawn uniformly from [−1/√fan_in, 1/√fan_in), as PyTorch starts nn.Conv2d: k and b"
        + " within ±1/3 (fan_in = K² = 9), p and b' within ±1/2 (fan_in = C = 4); the stream is restarted from"
        + " the seed, as in every lesson.")
    let (i, j) = input.probe
    try lesson.write(
      FeatureMapFigure(
        title: "Step 1: depthwise 3×3 kernels at D = 2, drawn as the 5×5 kernels they act like",
        tiles: (0..<C).map {
          (
            label: "k[\($0)], c=\($0)",
            plane: KernelIdentities.insertingZeros(depthwiseWeight, dilation: D).plane(n: $0, c: 0)
          )
        },
        style: .diverging, range: .shared, scale: 40, printsValues: true, textScale: 2), as: "depthwise-kernels.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Step 1 output g: dilated depthwise convolution (D = 2, P = 2) plus bias",
        tiles: HandKernel.allCases.enumerated().map {
          (label: "g c=\($0)\n(\($1.name) map)", plane: g.plane(n: 0, c: $0))
        },
        style: .diverging, range: .perTile, scale: 6, marked: GridCell(row: i, column: j)), as: "depthwise-maps.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Step 2: pointwise weights p (8×4) and the biases of both steps",
        tiles: [
          (label: "p[o, c]", plane: pointwiseWeight.reshaped([N, C])),
          (label: "b' (pointwise)", plane: pointwiseBias.reshaped([N, 1])),
          (label: "b (depthwise)", plane: depthwiseBias.reshaped([C, 1])),
        ],
        style: .diverging, scale: 64, printsValues: true, textScale: 2), as: "pointwise-weights.png")
    try lesson.writeMaps(
      FeatureMapFigure(
        title: "Depthwise separable dilated convolution 4→8, K=3, D=2: the eight output maps\n"
          + "(the flat background is each channel's bias, carried through both steps; framed: row \(i), column \(j))",
        tiles: (0..<N).map { (label: "out[0,\($0)]", plane: out.plane(n: 0, c: $0)) },
        style: .diverging, range: .perTile, scale: 6, columns: 4, marked: GridCell(row: i, column: j)), as: "maps.png")
    lesson.say("out[0,0,\(i),\(j)] (indices from 0; the strongest edge, as in lesson 2), every term.")
    lesson.say("Step 1, four dilated depthwise sums with their biases:")
    for c in 0..<C {
      lesson.writeOut(
        "g", input: maps, weight: depthwiseWeight, bias: depthwiseBias, geometry: depthwise, output: g, o: c, i: i,
        j: j)
    }
    lesson.say("Step 2, pointwise over those four values, plus its bias:")
    lesson.writeOut(
      input: g, weight: pointwiseWeight, bias: pointwiseBias, geometry: pointwise, output: out, o: 0, i: i, j: j)
    // A pointwise step "dilated" by 2 reads exactly what the plain one reads.
    let dilatedPointwise = Conv2DGeometry(inChannels: C, outChannels: N, kernel: 1, dilation: 2)
    let unchanged = Convolution.forward(
      input: g, weight: pointwiseWeight, bias: pointwiseBias, geometry: dilatedPointwise)
    let pointwiseDifference = unchanged.maxAbsDifference(out)
    lesson.check(
      pointwiseDifference <= FormulaPrinter.tolerance && dilatedPointwise.receptiveField == 1,
      "a 1×1 step with D = 2 gives the same eight maps as with D = 1 (max |Δ| = "
        + "\(FormulaPrinter.scientific(pointwiseDifference))), field 1×1: nothing to dilate")
    lesson.say()

    // MARK: Cost beside the alternatives of the same reach
    let standardDilated = Conv2DGeometry.standard(C, N, kernel: K, dilation: D)
    let dense = Conv2DGeometry.standard(C, N, kernel: D * (K - 1) + 1)
    let undilated = Conv2DGeometry.depthwise(C, kernel: K)
    lesson.say("Cost for one 28×28 image. The standard convolutions and DSDC reach 5×5 pixels;")
    lesson.say("the undilated separable one 3×3:")
    try lesson.sayTable(
      CostTable.lines(
        [
          .layer("standard dense 5×5", dense), .layer("standard 3×3, D = 2", standardDilated),
          .layer("DSDC step 1 (depthwise)", depthwise), .layer("DSDC step 2 (pointwise)", pointwise),
          .total("DSDC, D = 2 (= 1 + 2)", [depthwise, pointwise]),
          .layer("separable, D = 1: depthwise", undilated),
          .total("separable, D = 1 (+ pointwise)", [undilated, pointwise]),
        ],
        height: 28, width: 28), indent: "  ", file: "cost.txt")
    let dsdcParameters = depthwise.parameterCount() + pointwise.parameterCount()
    let dsdcMultiplyAdds = depthwise.multiplyAdds(height: 28, width: 28) + pointwise.multiplyAdds(height: 28, width: 28)
    lesson.say(
      "With the module's biases: \(CostTable.parameterArithmetic(depthwise, bias: true)) and "
        + "\(CostTable.parameterArithmetic(pointwise, bias: true)): \(depthwise.parameterCount(bias: true) + pointwise.parameterCount(bias: true)) "
        + "parameters,")
    lesson.say("what sum(p.numel() for p in module.parameters()) reports.")
    lesson.say()
    let ratio = Double(dsdcParameters) / Double(standardDilated.parameterCount())
    lesson.erratum(
      section: "§1.3", "separability and dilation do different things",
      article: [
        "在保持感受野不变的情况下减少计算量和参数量",
        "(\"reduces computation and parameters while keeping the receptive field unchanged\")",
      ],
      corrected: [
        "separability cuts the cost to 1/N + 1/K² of the standard cost, at the same field; dilation enlarges"
          + " the receptive field at the same cost."
      ],
      why: [
        "standard 3×3 D=2 → DSDC 3×3 D=2: field \(standardDilated.receptiveField) → \(depthwise.receptiveField), "
          + "parameters \(standardDilated.parameterCount()) → \(dsdcParameters)",
        "(×\(Format.fixed(ratio)) = 1/8 + 1/9), "
          + "multiply-adds \(Format.grouped(standardDilated.multiplyAdds(height: 28, width: 28))) → \(Format.grouped(dsdcMultiplyAdds))",
        "separable D=1 → DSDC D=2: parameters \(undilated.parameterCount() + pointwise.parameterCount()) → \(dsdcParameters), "
          + "field \(undilated.receptiveField) → \(depthwise.receptiveField):",
        "the field grows, the cost does not",
      ])
    lesson.check(
      abs(ratio - CostTable.mobileNetRatio(outChannels: N, kernel: K)) < 1e-12
        && depthwise.receptiveField == standardDilated.receptiveField
        && depthwise.receptiveField == dense.receptiveField,
      "same 5×5 reach as the standard dilated and the dense 5×5 convolution, at 1/N + 1/K² = 17/72 of the"
        + " standard's parameters")
    lesson.check(
      undilated.parameterCount() == depthwise.parameterCount()
        && undilated.multiplyAdds(height: 28, width: 28) == depthwise.multiplyAdds(height: 28, width: 28)
        && depthwise.receptiveField > undilated.receptiveField,
      "D = 2 instead of 1: the same parameters and multiply-adds, receptive field 5 instead of 3")
    lesson.say()

    // MARK: §5's padding keeps the size only when D·(K−1) is even
    // P = D·(K−1)//2 rounds down. For odd K (every K in this walkthrough) D·(K−1) is
    // even and the size is kept; for even K it depends on D.
    lesson.say("§5's padding P = dilation*(kernel_size-1)//2,")
    lesson.say("output ⌊(28 + 2P − D·(K−1) − 1)/1⌋ + 1:")
    for (kernel, dilation) in [(3, 1), (3, 2), (4, 1), (4, 2), (4, 3)] {
      let geometry = Conv2DGeometry.depthwise(C, kernel: kernel, dilation: dilation)
      lesson.say(
        "    K = \(kernel), D = \(dilation): P = \(dilation)·\(kernel - 1)//2 = \(geometry.padding), "
          + "output ⌊(28 + \(2 * geometry.padding) − \(dilation * (kernel - 1)) − 1)/1⌋ + 1 = \(geometry.outputLength(28))"
      )
    }
    let evenKernel = Conv2DGeometry.depthwise(C, kernel: 4, dilation: 1)
    let shrunk = Convolution.forward(
      input: maps, weight: Tensor(shape: evenKernel.weightShape, repeating: 1.0 / 16), geometry: evenKernel)
    lesson.erratum(
      section: "§5", "the padding keeps the size only when D·(K−1) is even (always for odd K)",
      article: ["padding=dilation*(kernel_size-1)//2"],
      corrected: ["for even K and odd D pad unevenly (⌊D·(K−1)/2⌋ before, ⌈D·(K−1)/2⌉ after), or use odd K"],
      why: [
        "K = 4, D = 1 on the digit's maps: \(FormulaPrinter.shape(maps)) → \(FormulaPrinter.shape(shrunk)), one row"
          + " and column lost."
      ])
    lesson.check(shrunk.shape == [1, C, 27, 27], "K = 4, D = 1 with P = 1 shrinks 28×28 to 27×27")
    lesson.say()
    lesson.say("Output channel 0, shaded from its minimum (blank) to its maximum (@);")
    lesson.say("the flat background is the biases:")
    for line in TerminalPreview.shaded(out.plane(n: 0, c: 0)) { lesson.say("    |" + line + "|") }

    // MARK: Next
    lesson.finish(
      open: [try lesson.path("depthwise-kernels.png"), try lesson.path("maps.png")],
      try: [
        .options(["--seed", "1"], "other random weights and biases"), .sample(0),
        .command(["model"], carrying: [], "DSDC-Net layer by layer: the network lesson 8 trains"),
      ],
      next: Lesson08Training.info)
  }
}
