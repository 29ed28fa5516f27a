import DSDC
import Testing

@Suite("Parameter and multiply-add counts")
struct CostTableTests {
  /// C = 4, N = 8, K = 3 on 28×28, by hand:
  /// standard 8·4·9 = 288, MACs 288·784 = 225,792; depthwise 4·9 = 36, MACs 36·784 = 28,224;
  /// pointwise 8·4 = 32, MACs 32·784 = 25,088.
  @Test func countsByHand() {
    let standard = Conv2DGeometry.standard(4, 8, kernel: 3)
    let depthwise = Conv2DGeometry.depthwise(4, kernel: 3, dilation: 2)
    let pointwise = Conv2DGeometry.pointwise(4, 8)
    #expect(standard.parameterCount() == 288 && standard.multiplyAdds(height: 28, width: 28) == 225_792)
    #expect(depthwise.parameterCount() == 36 && depthwise.multiplyAdds(height: 28, width: 28) == 28_224)
    #expect(pointwise.parameterCount() == 32 && pointwise.multiplyAdds(height: 28, width: 28) == 25_088)
    #expect(depthwise.parameterCount(bias: true) + pointwise.parameterCount(bias: true) == 80)
  }

  /// 1/N + 1/K², and the counted ratio it predicts: 1/8 + 1/9 = 17/72 = 68/288.
  @Test(arguments: [(4, 8, 3), (2, 3, 3), (32, 64, 3), (128, 128, 3), (16, 32, 5)])
  func mobileNetRatioMatchesCounts(sizes: (channels: Int, outputs: Int, kernel: Int)) {
    let (C, N, K) = sizes
    let standard = Conv2DGeometry.standard(C, N, kernel: K)
    let separable =
      Conv2DGeometry.depthwise(C, kernel: K).parameterCount() + Conv2DGeometry.pointwise(C, N).parameterCount()
    let separableMACs =
      Conv2DGeometry.depthwise(C, kernel: K).multiplyAdds(height: 28, width: 28)
      + Conv2DGeometry.pointwise(C, N).multiplyAdds(height: 28, width: 28)
    let formula = CostTable.mobileNetRatio(outChannels: N, kernel: K)
    #expect(abs(Double(separable) / Double(standard.parameterCount()) - formula) < 1e-12)
    #expect(abs(Double(separableMACs) / Double(standard.multiplyAdds(height: 28, width: 28)) - formula) < 1e-12)
  }

  @Test func ratioByHand() {
    #expect(abs(CostTable.mobileNetRatio(outChannels: 8, kernel: 3) - 17.0 / 72) < 1e-15)
    #expect(abs(CostTable.mobileNetRatio(outChannels: 3, kernel: 3) - 4.0 / 9) < 1e-15)
  }

  @Test func arithmeticStrings() {
    let standard = Conv2DGeometry.standard(4, 8, kernel: 3)
    #expect(CostTable.parameterArithmetic(standard) == "8·4·3² = 288")
    #expect(CostTable.parameterArithmetic(.depthwise(4, kernel: 3), bias: true) == "4·1·3² + 4 = 40")
    #expect(CostTable.multiplyAddArithmetic(standard, height: 28, width: 28) == "8·28·28·4·3² = 225,792")
    let table = CostTable.lines(
      [
        .layer("dw", .depthwise(4, kernel: 3)), .layer("pw", .pointwise(4, 8)),
        .total("sum", [.depthwise(4, kernel: 3), .pointwise(4, 8)]),
      ], height: 28, width: 28)
    #expect(table.count == 6)
    #expect(table[3].contains("36 + 32 = 68") && table[3].contains("28,224 + 25,088 = 53,312"))
    // The header names the columns; the formulas follow the table.
    #expect(table[0].hasSuffix("parameters    multiply-adds"))
    #expect(
      table.suffix(2) == [
        "for one 28×28 image: parameters N·(C/groups)·K²,", "multiply-adds N·H_out·W_out·(C/groups)·K²",
      ])
    #expect(table.allSatisfy { $0.count <= FormulaPrinter.width }, "\(table)")
  }

  /// A table wider than the line goes as two: the shapes, then the costs, each row
  /// named in both (a total, which has no shape, only in the second).
  @Test func aWideTableSplitsIntoShapesAndCosts() {
    let rows: [CostTable.Row] = [
      .layer("standard 3×3", .standard(4, 8, kernel: 3)), .layer("depthwise", .depthwise(4, kernel: 3)),
      .total("both", [.standard(4, 8, kernel: 3), .depthwise(4, kernel: 3)]),
    ]
    let one = CostTable.lines(rows, height: 28, width: 28, maxWidth: 200)
    #expect(one.count == 6)
    let widest = one.dropLast(2).map(\.count).max()!  // 77 columns: "standard 3×3" … "225,792"
    let two = CostTable.lines(rows, height: 28, width: 28, maxWidth: widest - 1)
    #expect(two.count == 3 + 1 + 4 + 2, "\(two)")
    #expect(two[0].hasSuffix("groups  field") && two[1].hasPrefix("standard 3×3") && two[1].hasSuffix("3×3"))
    #expect(two[3] == "")
    #expect(two[4].contains("parameters") && two[4].hasSuffix("multiply-adds") && two[7].hasPrefix("both"))
    #expect(two.allSatisfy { $0.count < widest }, "\(two)")
    // The same cells as the one table, only in two.
    #expect(two[5].contains("8·4·3² = 288") && two[5].hasSuffix("8·28·28·4·3² = 225,792"))
    #expect(one[1].hasSuffix(two[5].dropFirst(12)))
  }
}
