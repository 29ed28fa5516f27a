import DSDC
import Foundation
import Testing

@Suite("One output element written out and checked")
struct LessonWriteOutTests {
  /// A context that prints into `lines` and needs no data.
  static func context(_ lines: @escaping (String) -> Void) -> LessonContext {
    let nowhere = URL(fileURLWithPath: "/nonexistent")
    let context = LessonContext(settings: LessonSettings(dataDirectory: nowhere, outputDirectory: nowhere))
    context.printer = lines
    return context
  }

  /// A 3×3 input holding 1…9 and a 2×2 kernel of ones, no padding: out[0,0,1,0] reads
  /// rows 1–2 and columns 0–1, 4 + 5 + 7 + 8 = 24 by hand; with a bias of 10, 34.
  @Test func theTermsAreWrittenOutAndTheFastValueChecked() {
    let input = Tensor(shape: [1, 1, 3, 3], storage: (1...9).map(Float.init))
    let weight = Tensor(shape: [1, 1, 2, 2], repeating: 1)
    let geometry = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 2)
    let output = Convolution.forward(input: input, weight: weight, geometry: geometry)  // (1, 1, 2, 2)
    var lines: [String] = []
    let context = Self.context { lines.append($0) }
    let terms = context.writeOut(input: input, weight: weight, geometry: geometry, output: output, o: 0, i: 1, j: 0)
    #expect(terms.map(\.input) == [4, 5, 7, 8])
    #expect(lines.dropLast().allSatisfy { $0.hasPrefix("    ") })
    #expect(lines.contains { $0.contains("out[0,0,1,0] = sum of 4 terms") && $0.hasSuffix(" 24.0000") })
    #expect(lines.last == "  ✓ sum 24.0000 = Convolution.forward's 24.0000 (|Δ| = 0.0e+00 ≤ 1.0e-05)")
    #expect(context.failedChecks.isEmpty)

    let bias = Tensor(shape: [1], storage: [10])
    let biased = Convolution.forward(input: input, weight: weight, bias: bias, geometry: geometry)
    lines = []
    context.writeOut(
      "g", input: input, weight: weight, bias: bias, geometry: geometry, output: biased, o: 0, i: 1, j: 0)
    #expect(lines.contains { $0.contains("g[0,0,1,0] = Σ weight·input") })
    #expect(lines.last?.hasPrefix("  ✓ sum 34.0000 = Convolution.forward's 34.0000") == true)
  }

  /// A fast value that differs from the written-out sum fails the check.
  @Test func aWrongFastValueFailsTheCheck() {
    let input = Tensor(shape: [1, 1, 3, 3], storage: (1...9).map(Float.init))
    let weight = Tensor(shape: [1, 1, 2, 2], repeating: 1)
    let geometry = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 2)
    var lines: [String] = []
    let context = Self.context { lines.append($0) }
    context.writeOut(
      input: input, weight: weight, geometry: geometry, output: Tensor(shape: [1, 1, 2, 2]), o: 0, i: 1, j: 0)
    #expect(context.failedChecks.count == 1)
    #expect(lines.last == "  ✗ sum 24.0000 ≠ Convolution.forward's 0.0000 (|Δ| = 2.4e+01 > 1.0e-05)")
  }
}
