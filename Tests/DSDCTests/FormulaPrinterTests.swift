import DSDC
import Testing

@Suite("Formula printer")
struct FormulaPrinterTests {
  /// The written-out sum is the reference sum, and each term appears as weight·input.
  @Test func writtenOutSumAndTerms() {
    let x = Tensor(shape: [1, 1, 3, 3], storage: (1...9).map(Float.init))
    let w = Tensor(shape: [1, 1, 3, 3], storage: HandKernel.sobelX.weights)
    let geometry = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3)
    let terms = ReferenceConvolution.terms(input: x, weight: w, geometry: geometry, n: 0, o: 0, i: 0, j: 0)
    let filled = FormulaPrinter.writtenOut(terms, result: "out[0,0,0,0]")
    // (3 − 1) + 2·(6 − 4) + (9 − 7) = 8
    #expect(filled.sum == 8)
    #expect(filled.lines.contains { $0.contains("row 0, cols 0 1 2:") && $0.contains("(-1)·1") && $0.contains("1·3") })
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
    #expect(filled.lines.contains { $0.contains("row -1*, cols -1* 0 1:") })
    #expect(filled.lines.contains { $0.contains("+ bias") })
    #expect(filled.lines.contains { $0.contains("zero padding") })
  }

  @Test func agreementAndErratum() {
    #expect(FormulaPrinter.agreement(sum: 1, fast: 1 + 5e-6, at: "e").holds)
    #expect(!FormulaPrinter.agreement(sum: 1, fast: 1.001, at: "e").holds)
    let lines = FormulaPrinter.erratum(section: "§9", "headline", article: ["a"], corrected: ["b"], why: ["c"])
    #expect(lines == ["ERRATUM (article §9): headline", "    article:   a", "    corrected: b", "    why:       c"])
  }

  @Test func factorsAndSideBySide() {
    #expect(FormulaPrinter.factor(-1, decimals: 4) == "(-1)")
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
