import DSDC
import Testing

@Suite("Receptive field")
struct ReceptiveFieldTests {
  /// Three 3×3 layers at D = 1: 1 + 2 + 2 + 2 = 3, 5, 7.
  @Test func threePlainLayers() {
    let layers = (0..<3).map { _ in ReceptiveField.Layer(name: "3×3", kernel: 3, padding: 1) }
    #expect(ReceptiveField.trace(layers).map(\.size) == [3, 5, 7])
  }

  /// D = 1, 2, 4: 1 + 2 + 4 + 8 = 3, 7, 15.
  @Test func doublingDilations() {
    let layers = [1, 2, 4].map { ReceptiveField.Layer(name: "D\($0)", kernel: 3, padding: $0, dilation: $0) }
    #expect(ReceptiveField.trace(layers).map(\.size) == [3, 7, 15])
  }

  /// One layer alone matches Conv2DGeometry's D·(K−1)+1.
  @Test(arguments: [(3, 1), (3, 2), (3, 3), (5, 2), (1, 4)])
  func oneLayerMatchesGeometry(case: (kernel: Int, dilation: Int)) {
    let geometry = Conv2DGeometry.depthwise(8, kernel: `case`.kernel, dilation: `case`.dilation)
    #expect(ReceptiveField.input.through(.init(name: "", geometry: geometry)).size == geometry.receptiveField)
  }

  /// DSDC-Net, by hand (r, j, s after each layer; r += D·(K−1)·j, j *= S, s −= P·j):
  ///   stem 3×3 P1              r = 1 + 1·2·1 = 3    j = 1   s = 0 − 1·1 = −1
  ///   block1 dw 3×3 D2 P2      r = 3 + 2·2·1 = 7    j = 1   s = −1 − 2·1 = −3
  ///   block1 pw 1×1            r = 7                j = 1   s = −3
  ///   block1 pool 2            r = 7 + 1·1·1 = 8    j = 2   s = −3
  ///   block2 dw 3×3 D2 P2      r = 8 + 2·2·2 = 16   j = 2   s = −3 − 2·2 = −7
  ///   block2 pw 1×1            r = 16               j = 2   s = −7
  ///   block2 pool 2            r = 16 + 1·1·2 = 18  j = 4   s = −7
  ///   block3 dw 3×3 D1 P1      r = 18 + 1·2·4 = 26  j = 4   s = −7 − 1·4 = −11
  ///   block3 pw 1×1            r = 26               j = 4   s = −11
  /// Output 3 of 7 reads −11 + 3·4 = 1 … 1 + 26 − 1 = 26.
  @Test func dsdcNetByHand() {
    let layers: [ReceptiveField.Layer] = [
      .init(name: "stem", geometry: .standard(1, 32, kernel: 3)),
      .init(name: "b1 dw", geometry: .depthwise(32, kernel: 3, dilation: 2)),
      .init(name: "b1 pw", geometry: .pointwise(32, 64)),
      .pool(name: "b1 pool", size: 2),
      .init(name: "b2 dw", geometry: .depthwise(64, kernel: 3, dilation: 2)),
      .init(name: "b2 pw", geometry: .pointwise(64, 128)),
      .pool(name: "b2 pool", size: 2),
      .init(name: "b3 dw", geometry: .depthwise(128, kernel: 3, dilation: 1)),
      .init(name: "b3 pw", geometry: .pointwise(128, 128)),
    ]
    let trace = ReceptiveField.trace(layers)
    #expect(trace.map(\.size) == [3, 7, 7, 8, 16, 16, 18, 26, 26])
    #expect(trace.map(\.jump) == [1, 1, 1, 2, 2, 2, 4, 4, 4])
    #expect(trace.map(\.start) == [-1, -3, -3, -3, -7, -7, -7, -11, -11])
    #expect(trace.last?.window(3) == 1...26)
  }

  /// A stride-2 layer doubles the jump, so a later 3×3 layer adds 2·2 = 4 instead of 2.
  @Test func strideMultipliesLaterGrowth() {
    let trace = ReceptiveField.trace([
      .init(name: "s2", kernel: 3, stride: 2, padding: 1), .init(name: "3×3", kernel: 3, padding: 1),
    ])
    #expect(trace.map(\.size) == [3, 7])
    #expect(trace.map(\.jump) == [2, 2])
  }
}
