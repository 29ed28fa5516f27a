// Lesson 6 — Dilated convolution
//
// What it teaches: dilation D spreads a kernel's taps D pixels apart, so the same
// nine weights read a wider window: receptive field D·(K−1)+1 at the cost of a 3×3.
// A dilated kernel is a dense kernel with D−1 zeros inserted between taps. Through
// a stack of layers the receptive field grows as r_l = r_{l−1} + D_l·(K_l−1)·J_{l−1};
// DSDC-Net's stack grows to cover the whole digit. First a 7×7 grid whose values
// name their position, then Sobel x at D = 1, 2, 3 on the digit.
// Article: §2.3, §3.3 and §4.3 (dilated convolution).
// Writes: Output/06-dilated/reads.png (the pixels one output reads at D = 1, 2, 3,
//         highlighted over the digit), kernels.png (Sobel x at D = 1, 2, 3 written as
//         dense kernels with zeros) and maps.png (the three output maps).
// Code:   Sources/DSDC/Convolution/ReceptiveField.swift (r_l, J_l), Conv2DGeometry.swift
//         (P = D·(K−1)/2), Sources/DSDC/Imaging/OverlayFigure.swift (reads.png).
// Tests:  Tests/DSDCTests/ReceptiveFieldTests.swift, ConvolutionTests.swift.

import DSDC
import Foundation

public enum Lesson06Dilated: Lesson {
  public static let info = LessonInfo(
    number: 6, slug: "dilated", title: "Dilated convolution", articleSection: "§2.3, §3.3, §4.3",
    summary: "taps D apart: wider reach at the same cost, zeros inserted, growth through a stack")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The article's formula, and what is wrong with it
    lesson.say("Article §2.3: 通过扩大感受野而不增加参数量")
    lesson.say("(\"it enlarges the receptive field without adding parameters\").")
    lesson.quote(
      "Article §3.3 (膨胀卷积, dilated convolution), as written (§4.3 repeats it):", ArticleFormula.dilated.asWritten)
    lesson.quote(
      "and §4.3's worked example for K = 3, d = 2:",
      "G_{i,j,c} = Σ_{m=1}^{3} Σ_{n=1}^{3} K_{m,n,c} · F_{i+2·(m−1), j+2·(n−1), c}")
    lesson.say()
    lesson.erratum(
      section: "§3.3, §4.3", "the window is shifted, and outputs near the edge need padding",
      article: [ArticleFormula.dilated.equation + "     ∀ i ∈ [1,H], j ∈ [1,W]"],
      corrected: [
        "out[n, c, i, j] = Σ_{u,v} w[c, 0, u, v] · x[n, c, i + u·D − P,",
        "                                          j + v·D − P]",
        "with P = D·(K−1)/2 and x = 0 outside the image (lesson 2's notation): for K = 3 the taps are rows"
          + " i−D, i, i+D, centred on i",
      ],
      why: [
        "with m counted from 1, F_{i+d·m} reads rows i+d … i+K·d: the window starts d rows below i (§4.3's"
          + " example writes m−1 and so starts at i: the two disagree by d). Either way, outputs for every"
          + " i ∈ [1,H] read past row H; the code pads P = D·(K−1)/2 zeros and centres the window."
      ])
    // Which rows one output reads, for the article's output row 17 (counting from 1), K = 3, d = 2:
    let (row, d) = (17, 2)
    lesson.say(
      "    e.g. the article's output row \(row) (row \(row - 1) counting from 0), d = \(d): counting from 1,"
        + " §3.3 reads rows \((1...3).map { String(row + d * $0) }.joined(separator: ", ")), §4.3 reads "
        + "\((1...3).map { String(row + d * ($0 - 1)) }.joined(separator: ", ")), the program "
        + "\((1...3).map { String(row + d * ($0 - 1) - d) }.joined(separator: ", ")) "
        + "(\((1...3).map { String(row - 1 + d * ($0 - 1) - d) }.joined(separator: ", ")) from 0)",
      continuation: "    ")
    lesson.say()
    lesson.erratum(
      section: "§3.3, §4.3, §4.4", "this dilated convolution is a depthwise one",
      article: [
        "K ∈ ℝ^{K×K×C},  G_{i,j,c} = Σ_{m,n} K_{m,n,c} · F_{…, c}", "(no sum over channels)",
        "当 d=1 时,膨胀卷积退化为标准卷积",
        "(\"when d = 1, dilated convolution reduces to standard convolution\")",
      ],
      corrected: [
        "the formula is a depthwise dilated convolution: output channel c reads input channel c only, so at"
          + " d = 1 it is a depthwise convolution (lesson 3), not a standard one. A dilated standard"
          + " convolution also sums over the input channels:",
        "out[n, o, i, j] = Σ_c Σ_{u,v} w[o, c, u, v]",
        "                  · x[n, c, i·S + u·D − P, j·S + v·D − P]",
      ],
      why: [
        "a standard convolution's output mixes all C input channels (lesson 2); this one has a K×K×C kernel"
          + " and no Σ_c. In §4.4 it is the depthwise step: right there."
      ])
    lesson.say()
    lesson.say(
      "Counting D: D = 1 is an ordinary (undilated) convolution, as in PyTorch (dilation=1). Some texts count"
        + " the gaps between taps instead, so that 0 is ordinary; their rate r is D = r + 1 here.")
    lesson.say("What the program computes (the depthwise form, counting from 0):")
    lesson.say("    out[n, c, i, j] = Σ_{u,v} w[c, 0, u, v] · x[n, c, i + u·D − P, j + v·D − P],")
    lesson.say("    P = D·(K−1)/2")
    lesson.say()

    // MARK: A small case by hand
    // A 7×7 grid whose values name their position, 10·row + column, and a 3×3
    // kernel of ones. Each term of out[3, 3] then shows which pixel it read.
    let grid = Tensor(shape: [1, 1, 7, 7], storage: (0..<49).map { Float(10 * ($0 / 7) + $0 % 7) })  // (1, 1, 7, 7)
    let ones = Tensor(shape: [1, 1, 3, 3], repeating: 1)  // (1, 1, 3, 3)
    lesson.say(
      "A small case: a 7×7 grid holding 10·row + column (counting from 0), a 3×3 kernel of ones, output"
        + " (3, 3), P = D:")
    for line in TerminalPreview.valueGrid(grid.plane(n: 0, c: 0), width: 3) { lesson.say("    " + line) }
    for D in 1...3 {
      let geometry = Conv2DGeometry.depthwise(1, kernel: 3, dilation: D)
      let out = Convolution.forward(input: grid, weight: ones, geometry: geometry)  // (1, 1, 7, 7)
      lesson.say(
        "  D = \(D), P = \(geometry.padding): taps \(D) apart, receptive field D·(K−1)+1 = \(geometry.receptiveField)")
      lesson.writeOut(input: grid, weight: ones, geometry: geometry, output: out, o: 0, i: 3, j: 3)
    }
    lesson.say("(Every sum is 9·33 = 297: the grid is linear, so nine taps centred on 33 average to 33.)")
    lesson.say()

    // MARK: Sobel x at D = 1, 2, 3 on the digit
    // The digit with pixels scaled to [0, 1] (x/255), one channel, the same nine
    // weights each time; only the spacing of the taps changes.
    let digit = try lesson.lessonDigit()
    let x = Tensor(shape: digit.image.shape, storage: digit.image.storage.map { $0 / 255 })  // (1, 1, 28, 28)
    let sobelX = HandKernel.sobelX.weight  // (1, 1, 3, 3)
    let (i, j) = ProbePosition.strongestEdge(in: x)
    lesson.say("\(digit.title), pixels scaled to [0, 1], Sobel x;")
    lesson.say(
      "output (\(i), \(j)) from 0, (\(i + 1), \(j + 1) from 1), the strongest edge (largest |Sobel x| + |Sobel y|,"
        + " as in lesson 2):")
    var dilatedMaps: [Tensor] = []
    var taps: [Set<[Int]>] = []
    for D in 1...3 {
      let geometry = Conv2DGeometry.depthwise(1, kernel: 3, dilation: D)
      let out = Convolution.forward(input: x, weight: sobelX, geometry: geometry)  // (1, 1, 28, 28)
      lesson.recordExplorable(
        "maps-d\(D)", title: "Sobel x at D = \(D), P = \(geometry.padding): taps \(D) apart", input: x, weight: sobelX,
        geometry: geometry, output: out)
      lesson.say(
        "  D = \(D): P = D·(K−1)/2 = \(geometry.padding), output ⌊(28 + 2·\(geometry.padding) − \(D)·2 − 1)/1⌋ + 1 = "
          + "\(geometry.outputLength(28)),")
      lesson.say("         receptive field \(D)·2 + 1 = \(geometry.receptiveField)")
      let terms = lesson.writeOut(input: x, weight: sobelX, geometry: geometry, output: out, o: 0, i: i, j: j)
      lesson.check(out.shape == x.shape, "P = \(geometry.padding) keeps the 28×28 size")
      dilatedMaps.append(out)
      taps.append(Set(terms.map { [$0.row, $0.column] }))
    }
    try lesson.write(
      OverlayFigure(
        title: "Which input pixels out[\(i),\(j)] reads: the same 3×3 kernel at D = 1, 2, 3",
        panels: (0..<3).map { d in
          OverlayFigure.Panel(
            label: "D = \(d + 1): field \(2 * (d + 1) + 1)×\(2 * (d + 1) + 1)", plane: x.plane(n: 0, c: 0),
            colorMap: .gray(lo: 0, hi: 1, inverted: true),
            highlights: [
              .init(
                cells: taps[d].map { GridCell(row: $0[0], column: $0[1]) }, color: .orange,
                label: "input pixels read (9 taps)"),
              .init(cells: [GridCell(row: i, column: j)], color: .red, label: "output position (\(i), \(j))"),
            ])
        }, scale: 10), as: "reads.png")
    try lesson.write(
      FeatureMapFigure(
        title: "Sobel x output at D = 1, 2, 3 (same nine weights, one shared scale)\n(framed: row \(i), column \(j))",
        tiles: (0..<3).map { (label: "D = \($0 + 1)", plane: dilatedMaps[$0].plane(n: 0, c: 0)) },
        style: .diverging, range: .shared, scale: 6, marked: GridCell(row: i, column: j)), as: "maps.png")
    lesson.say("Which pixels out[\(i), \(j)] reads ([ ] a tap, ( ) the output's own position,")
    lesson.say("shades the ink):")
    for line in FormulaPrinter.sideBySide(
      (0..<3).map {
        FormulaPrinter.tapGrid(
          x.plane(n: 0, c: 0), taps: taps[$0], centre: [i, j], rows: (i - 4)...(i + 4),
          columns: (j - 4)...(j + 4), range: (0, 1))
      },
      titles: (1...3).map { "D = \($0), rows \(i - $0)…\(i + $0)" })
    { lesson.say("    " + line) }
    lesson.say()

    // MARK: A dilated kernel is a dense kernel with zeros inserted
    // Insert D−1 zeros between neighbouring taps; a plain (D = 1) convolution with
    // that bigger kernel, at the same padding, gives the same map.
    let dense = (2...3).map { KernelIdentities.insertingZeros(sobelX, dilation: $0) }  // (1, 1, 5, 5), (1, 1, 7, 7)
    lesson.say("Sobel x at D = 2 and D = 3 as dense kernels:")
    for line in FormulaPrinter.sideBySide(
      dense.map { TerminalPreview.valueGrid($0.plane(n: 0, c: 0), width: 3) },
      titles: ["5×5 (D = 2)", "7×7 (D = 3)"])
    { lesson.say("    " + line) }
    try lesson.write(
      FeatureMapFigure(
        title: "Sobel x at D = 1, 2, 3 written as dense kernels (D − 1 zeros between taps)",
        tiles: [
          (label: "D = 1: 3×3", plane: sobelX.plane(n: 0, c: 0)),
          (label: "D = 2: 5×5", plane: dense[0].plane(n: 0, c: 0)),
          (label: "D = 3: 7×7", plane: dense[1].plane(n: 0, c: 0)),
        ],
        style: .diverging, range: .shared, scale: 32, printsValues: true, textScale: 2), as: "kernels.png")
    for (D, kernel) in zip(2...3, dense) {
      let plain = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: kernel.shape[2], padding: D)
      let difference = Convolution.forward(input: x, weight: kernel, geometry: plain).maxAbsDifference(
        dilatedMaps[D - 1])
      lesson.check(
        difference <= FormulaPrinter.tolerance,
        "D = \(D): the \(kernel.shape[2])×\(kernel.shape[2]) kernel with zeros, at D = 1 and P = \(D), "
          + "gives the dilated map (max |Δ| = \(FormulaPrinter.scientific(difference)))")
    }
    lesson.say("Same reach, different cost: the dilated kernel skips the zeros.")
    for line in CostTable.lines(
      [
        .layer("3×3, D = 1", .depthwise(1, kernel: 3)), .layer("3×3, D = 2", .depthwise(1, kernel: 3, dilation: 2)),
        .layer("dense 5×5", .depthwise(1, kernel: 5)), .layer("3×3, D = 3", .depthwise(1, kernel: 3, dilation: 3)),
        .layer("dense 7×7", .depthwise(1, kernel: 7)),
      ], height: 28, width: 28)
    { lesson.say("    " + line) }
    lesson.say()

    // MARK: Receptive field through a stack of layers
    // r_l = r_{l−1} + D_l·(K_l−1)·J_{l−1} (r: pixels seen, J: input pixels between
    // neighbouring outputs, multiplied by each stride), starting from r_0 = J_0 = 1.
    // (J, not j: j is the output column in lesson 2's notation.)
    lesson.say("Receptive field through a stack:")
    lesson.say("    r_l = r_{l−1} + D_l·(K_l−1)·J_{l−1},  J_l = J_{l−1}·S_l,  r_0 = J_0 = 1")
    let plain3 = ReceptiveField.trace(
      (1...3).map { ReceptiveField.Layer(name: "3×3 D1 #\($0)", kernel: 3, padding: 1) })
    let doubling = ReceptiveField.trace(
      [1, 2, 4].map { ReceptiveField.Layer(name: "3×3 D\($0)", kernel: 3, padding: $0, dilation: $0) })
    lesson.say(
      "    three 3×3 layers, D = 1, 1, 1: r = \(plain3.map { String($0.size) }.joined(separator: " → "))   (1 + 2 + 2 + 2)"
    )
    lesson.say(
      "    three 3×3 layers, D = 1, 2, 4: r = \(doubling.map { String($0.size) }.joined(separator: " → "))   (1 + 2 + 4 + 8)"
    )
    lesson.say("    doubling D doubles the growth")
    lesson.check(
      plain3.last?.size == 7 && doubling.last?.size == 15,
      "three 3×3 layers reach 7 pixels at D = 1 and 15 at D = 1, 2, 4")
    lesson.say(
      "DSDC-Net (the network this walkthrough builds), layer by layer; s_l = s_{l−1} − P_l·J_{l−1} is the first"
        + " input pixel output 0 reads (negative: in the padding), and output i reads s + i·J … s + i·J + r − 1"
        + " (each name gives K, and D where it is not 1; a max-pool 2 has K = S = 2, every other layer"
        + " S = 1):")
    // The network's own windows (`block1.depthwise` named `block1 depthwise 3×3 D2` here).
    let network = DSDCNetConfig().receptiveFieldLayers.map { layer in
      var layer = layer
      let parts = layer.name.split(separator: ".")
      let size = "\(layer.kernel)×\(layer.kernel)" + (parts.last == "depthwise" ? " D\(layer.dilation)" : "")
      layer.name =
        parts.last == "pool" ? "\(parts[0]) max-pool \(layer.kernel)" : parts.joined(separator: " ") + " " + size
      return layer
    }
    let fields = ReceptiveField.trace(network)
    var before = ReceptiveField.input
    for (layer, field) in zip(network, fields) {
      lesson.say(
        "  " + layer.name.padding(toLength: 25, withPad: " ", startingAt: 0)
          + "r = \(before.size) + \(layer.dilation)·\(layer.kernel - 1)·\(before.jump) = \(field.size)".padding(
            toLength: 21, withPad: " ", startingAt: 0)
          + "J = \(before.jump)·\(layer.stride) = \(field.jump)".padding(toLength: 13, withPad: " ", startingAt: 0)
          + "s = \(before.start) − \(layer.padding)·\(before.jump) = \(field.start)")
      before = field
    }
    let final = fields[fields.count - 1]
    let centre = 3  // of block 3's 7×7 outputs
    let window = final.window(centre)
    let ink = x.storage.indices.filter { x.storage[$0] > 0 }
    let inkRows = (ink.map { $0 / 28 }.min() ?? 0)...(ink.map { $0 / 28 }.max() ?? 0)
    let inkColumns = (ink.map { $0 % 28 }.min() ?? 0)...(ink.map { $0 % 28 }.max() ?? 0)
    lesson.say(
      "Block 3's centre output, (\(centre), \(centre)) of 7×7, reads input rows and columns "
        + "\(window.lowerBound)…\(window.upperBound)")
    lesson.say("(\(final.size) of 28: all but the outer ring, blank in almost every MNIST digit).")
    let inkInside = ink.filter { window.contains($0 / 28) && window.contains($0 % 28) }.count
    lesson.say(
      "The digit's ink lies in rows \(inkRows.lowerBound)…\(inkRows.upperBound), "
        + "columns \(inkColumns.lowerBound)…\(inkColumns.upperBound):")
    lesson.say(
      "\(inkInside) of its \(ink.count) ink pixels are inside that window"
        + (inkInside == ink.count ? " — one output sees the whole digit." : " (this digit touches the outer ring)."))
    lesson.check(
      final.size == 26 && window == 1...26,
      "by hand: r = 26 after block 3, and output 3 reads -11 + 3·4 = 1 … 1 + 26 − 1 = 26")
    // The same layers with D = 1 (padding does not change r, only where the window starts).
    let undilated = ReceptiveField.trace(
      network.map { ReceptiveField.Layer(name: $0.name, kernel: $0.kernel, stride: $0.stride) })
    lesson.say(
      "With D = 1 in every block the same stack reaches only \(undilated[undilated.count - 1].size) pixels"
        + " — for the same parameters. (After block 3 a global average pool combines all 7×7 positions, so the"
        + " classifier sees everything.)")
    lesson.say()
    lesson.say("The D = 2 Sobel x map (+ # positive, - = negative; wider than lesson 2's")
    lesson.say("D = 1 map):")
    for line in TerminalPreview.signed(dilatedMaps[1].plane(n: 0, c: 0)) { lesson.say("    |" + line + "|") }

    // MARK: Next
    lesson.finish(
      open: [try lesson.path("reads.png"), try lesson.path("maps.png")],
      try: [.sample(0), .image],
      next: Lesson07DSDC.info)
  }
}
