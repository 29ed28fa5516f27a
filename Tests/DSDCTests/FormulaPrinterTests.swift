import DSDC
import Testing

@Suite("Formula printer")
struct FormulaPrinterTests {
  /// The written-out sum is the reference sum, and each term appears as weight·input.
  @Test func writtenOutSumAndTerms() throws {
    let x = Tensor(shape: [1, 1, 3, 3], storage: (1...9).map(Float.init))
    let w = Tensor(shape: [1, 1, 3, 3], storage: HandKernel.sobelX.weights)
    let geometry = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3)
    let terms = ReferenceConvolution.terms(input: x, weight: w, geometry: geometry, n: 0, o: 0, i: 0, j: 0)
    let filled = FormulaPrinter.writtenOut(terms, result: "out[0,0,0,0]")
    // (3 − 1) + 2·(6 − 4) + (9 − 7) = 8
    #expect(filled.sum == 8)
    // The first term carries its weight's sign; later ones' signs are the operators.
    let spaced = filled.lines.map { $0.replacingOccurrences(of: " +", with: " ", options: .regularExpression) }
    #expect(spaced.contains { $0.contains("c=0 row 0:") && $0.contains("-1·1 + 0·2 + 1·3 =") })
    #expect(spaced.contains { $0.contains("row 1:") && $0.contains("-2·4 + 0·5 + 2·6 =") })
    // Each term under the input column it reads.
    let heading = try #require(filled.lines.first { $0.contains("col 0") })
    let first = try #require(filled.lines.first { $0.contains("row 0:") })
    for (column, term) in [("col 0", "-1·1"), ("col 1", "0·2"), ("col 2", "1·3")] {
      let headingAt = heading.range(of: column)?.lowerBound.utf16Offset(in: heading)
      #expect(headingAt != nil && headingAt == first.range(of: term)?.lowerBound.utf16Offset(in: first))
    }
    #expect(filled.lines.last?.contains("out[0,0,0,0] = sum of 9 terms") == true)
    #expect(filled.lines.last?.hasSuffix("8.0000") == true)
  }

  /// Taps in the zero padding are marked with `*`, and a bias is added and shown.
  @Test func paddingAndBias() {
    let x = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 4])
    let w = Tensor(shape: [1, 1, 3, 3], repeating: 1)
    let geometry = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3, padding: 1)
    let terms = ReferenceConvolution.terms(input: x, weight: w, geometry: geometry, n: 0, o: 0, i: 0, j: 0)
    let filled = FormulaPrinter.writtenOut(terms, bias: 0.5, result: "out")
    #expect(filled.sum == 10.5)
    #expect(filled.lines.contains { $0.contains("row -1*:") })
    #expect(filled.lines.contains { $0.contains("col -1*") && $0.contains("col 0") && $0.contains("col 1") })
    #expect(filled.lines.contains { $0.contains("+ bias") })
    #expect(filled.lines.contains { $0.contains("zero padding") })
  }

  /// A 1×1 kernel's terms go on as few lines as fit, each under the channels it reads:
  /// all four terms with their partial sum need 69 columns, two at a time 44. The sum, by hand:
  /// (−0.5)(−1.5) + (−0.25)(2.25) + (0.75)(−3.125) + (−1)(4) = −6.15625.
  @Test func pointwiseTermsFitTheWidth() throws {
    let x = Tensor(shape: [1, 4, 1, 1], storage: [-1.5, 2.25, -3.125, 4])
    let w = Tensor(shape: [1, 4, 1, 1], storage: [-0.5, -0.25, 0.75, -1])
    let terms = ReferenceConvolution.terms(
      input: x, weight: w, geometry: Conv2DGeometry(inChannels: 4, outChannels: 1, kernel: 1), n: 0, o: 0, i: 0, j: 0)
    let wide = FormulaPrinter.writtenOut(terms, result: "out", width: 100)
    let narrow = FormulaPrinter.writtenOut(terms, result: "out", width: 60)
    #expect(wide.sum == -6.15625 && narrow.sum == -6.15625)
    let isTermLine = { (line: String) in line.contains(" = ") && !line.contains("sum of") && !line.contains("Σ") }
    #expect(wide.lines.filter(isTermLine).count == 1)
    #expect(narrow.lines.filter(isTermLine).count == 2)
    #expect(narrow.lines.dropFirst().allSatisfy { $0.count <= 60 }, "\(narrow.lines)")
    #expect(narrow.lines.contains { $0.hasPrefix("c=0") && $0.contains("c=1") })
    #expect(narrow.lines.contains { $0.hasPrefix("c=2") && $0.contains("c=3") })
  }

  /// Factors have 4 decimals while a line fits, else 3: a row of three terms whose
  /// weights and inputs are both negative, `-0.1111·(-0.3333) − 0.1111·(-0.3333) − …`,
  /// needs 79 columns with the label (13) and partial sum (11) at 4 decimals, 73 at 3.
  @Test func factorsLoseADecimalWhenARowWouldNotFit() throws {
    let x = Tensor(shape: [1, 1, 3, 3], repeating: -1.0 / 3)
    let w = Tensor(shape: [1, 1, 3, 3], repeating: -1.0 / 9)
    let terms = ReferenceConvolution.terms(
      input: x, weight: w, geometry: Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3), n: 0, o: 0, i: 0, j: 0)
    let wide = FormulaPrinter.writtenOut(terms, result: "out", width: 79)
    let narrow = FormulaPrinter.writtenOut(terms, result: "out", width: 78)
    let row = { (lines: [String]) in try #require(lines.first { $0.contains("row 0:") }) }
    #expect(try row(wide.lines).contains("-0.1111·(-0.3333) − 0.1111·(-0.3333) − 0.1111·(-0.3333)"))
    #expect(try row(narrow.lines).contains("-0.111·(-0.333) − 0.111·(-0.333) − 0.111·(-0.333)"))
    #expect(try row(wide.lines).count == 79 && narrow.lines.dropFirst(2).allSatisfy { $0.count <= 73 })
    #expect(wide.sum == narrow.sum)
  }

  /// An article formula too wide for the line goes on two, split at its wide gap;
  /// one that fits, or has no such gap, stays whole.
  @Test func aWideFormulaSplitsAtItsGap() {
    let line = "G_c = Σ K · F     ∀ c ∈ [1,C]"
    #expect(FormulaPrinter.splitAtGap(line, width: 20) == ["G_c = Σ K · F", "  ∀ c ∈ [1,C]"])
    #expect(FormulaPrinter.splitAtGap(line, width: 40) == [line])
    #expect(FormulaPrinter.splitAtGap("a b c d e f g h i j k", width: 5) == ["a b c d e f g h i j k"])
  }

  /// Blocks that do not fit side by side continue below, as evenly as they fit.
  @Test func sideBySideBreaksIntoBands() {
    let block = ["1234567890"]
    let lines = FormulaPrinter.sideBySide(
      [block, block, block, block], titles: ["a", "b", "c", "d"], gap: 4, width: 30)
    #expect(
      lines == ["a             b", "1234567890    1234567890", "", "c             d", "1234567890    1234567890"])
    #expect(FormulaPrinter.sideBySide([block, block], titles: ["a", "b"], gap: 4, width: 30).count == 2)
  }

  /// A long erratum line is broken, its continuation aligned after the label.
  @Test func erratumLinesFit() {
    let lines = FormulaPrinter.erratum(
      section: "§9", "headline", article: ["a"], corrected: ["b"],
      why: ["one two three four five six seven eight nine ten eleven twelve"], width: 40)
    #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
    #expect(
      lines.suffix(3) == [
        "    why:       one two three four five", "               six seven eight nine ten",
        "               eleven twelve",
      ])
  }

  /// A lesson's erratum goes through its printer, wrapped once at the lesson's
  /// columns: a sentence given whole breaks at spaces, every line but the last as full
  /// as it can be, never leaving a word alone on a line by a second wrap.
  @Test func aLessonErratumIsWrappedOnceToTheLessonWidth() {
    var lines: [String] = []
    let context = LessonWriteOutTests.context { lines.append($0) }
    let why = (1...30).map { "word\($0)" }.joined(separator: " ")  // 200 columns
    context.erratum(section: "§9", "headline", article: ["a"], corrected: ["b"], why: [why])
    let block = Array(lines.drop { !$0.hasPrefix("    why:") })
    #expect(lines.count == 3 + block.count && block.count >= 3, "\(lines)")
    #expect(lines.allSatisfy { DisplayWidth.of($0) <= LessonContext.lineWidth }, "\(lines)")
    for (line, next) in zip(block, block.dropFirst()) {
      let nextWord = next.split(separator: " ").first!
      #expect(DisplayWidth.of(line) + 1 + nextWord.count > LessonContext.lineWidth, "\(block)")
    }
    #expect(block.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 15) + "word") })
    #expect(block.joined(separator: " ").split(separator: " ").filter { $0.hasPrefix("word") }.count == 30)
  }

  @Test func agreementAndErratum() {
    #expect(FormulaPrinter.agreement(sum: 1, fast: 1 + 5e-6).holds)
    #expect(!FormulaPrinter.agreement(sum: 1, fast: 1.001).holds)
    let lines = FormulaPrinter.erratum(section: "§9", "headline", article: ["a"], corrected: ["b"], why: ["c"])
    #expect(lines == ["ERRATUM (article §9): headline", "    article:   a", "    corrected: b", "    why:       c"])
  }

  @Test func factorsAndSideBySide() {
    #expect(FormulaPrinter.factor(-1, decimals: 4) == "(-1)")
    #expect(FormulaPrinter.factor(-0.25, decimals: 4, first: true) == "-0.2500")
    #expect(FormulaPrinter.factor(0.25, decimals: 4) == "0.2500")
    #expect(FormulaPrinter.sideBySide([["1", "2"], ["x"]], titles: ["a", "bb"], gap: 1) == ["a bb", "1 x", "2"])
  }

  /// The probe lands beside a vertical bar, where Sobel x responds: at (2, 3) |3| + |1| and at
  /// (3, 3) |4| + |0| tie at 4, and the first in reading order wins.
  @Test func probeFindsAnEdge() {
    var image = Tensor(shape: [1, 1, 8, 8])
    for row in 2..<6 { image[n: 0, c: 0, h: row, w: 4] = 1 }
    let probe = ProbePosition.strongestEdge(in: image)
    #expect(probe.row == 2 && probe.column == 3)
  }
}
