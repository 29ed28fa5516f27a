import DSDC
import Testing

@Suite("Reference convolution")
struct ReferenceConvolutionTests {
  /// 3×3 input 1..9, 2×2 kernel of ones, no padding: each output is a 2×2 window sum.
  @Test func windowSumsByHand() {
    let x = Tensor(shape: [1, 1, 3, 3], storage: (1...9).map(Float.init))
    let w = Tensor(shape: [1, 1, 2, 2], repeating: 1)
    let y = ReferenceConvolution.forward(input: x, weight: w, geometry: .init(inChannels: 1, outChannels: 1, kernel: 2))
    // 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
    #expect(y == Tensor(shape: [1, 1, 2, 2], storage: [12, 16, 24, 28]))
  }

  /// Dilation 2 on a 5×5 input with a 3×3 kernel of ones reads the corners and
  /// centre-edges of the whole input: out = x[0,0]+x[0,2]+x[0,4]+x[2,0]+…+x[4,4].
  @Test func dilatedByHand() {
    let x = Tensor(shape: [1, 1, 5, 5], storage: (0..<25).map(Float.init))
    let w = Tensor(shape: [1, 1, 3, 3], repeating: 1)
    let g = Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3, dilation: 2)
    let y = ReferenceConvolution.forward(input: x, weight: w, geometry: g)
    // rows 0,2,4 × cols 0,2,4: (0+2+4) + (10+12+14) + (20+22+24) = 108
    #expect(y == Tensor(shape: [1, 1, 1, 1], storage: [108]))
  }

  @Test func outputLengthFormula() {
    // ⌊(28 + 2·2 − 2·2 − 1)/1⌋ + 1 = 28
    #expect(Conv2DGeometry.depthwise(32, kernel: 3, dilation: 2).outputLength(28) == 28)
    // ⌊(28 + 0 − 2 − 1)/2⌋ + 1 = 13
    #expect(Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3, stride: 2).outputLength(28) == 13)
  }
}
