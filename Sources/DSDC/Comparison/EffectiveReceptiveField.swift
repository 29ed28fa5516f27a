/// The effective receptive field of the last block's centre output: how strongly
/// each input pixel actually moves it, measured on a trained network (Luo, Li,
/// Urtasun, Zemel 2016, *Understanding the Effective Receptive Field in Deep CNNs*):
/// ```
/// ERF[r, s] = (1/M) Σ_m | ∂(Σ_c y_m[c, i, j]) / ∂x_m[r, s] |     (i, j) the centre output
/// ```
/// averaged over `M` test digits, in eval mode. Its size is summarised as the side of
/// the smallest square, centred where the theoretical field is centred, that holds
/// 90% of the map's total.
public struct EffectiveReceptiveField: Sendable {
  /// `(H, W)`, the mean gradient magnitude per input pixel.
  public var map: Tensor
  /// `M`, the number of digits averaged.
  public var images: Int
  /// The input rows (= columns) the theoretical receptive field spans, from
  /// `DSDCNet.centreOutput`; may reach into the padding.
  public var theoreticalWindow: ClosedRange<Int>

  public init(map: Tensor, images: Int, theoreticalWindow: ClosedRange<Int>) {
    precondition(map.rank == 2, "the map is (H, W), got \(map.shape)")
    self.map = map
    self.images = images
    self.theoreticalWindow = theoreticalWindow
  }

  /// Measures the map on the first `count` images of `set`, `batchSize` at a time (64:
  /// the comparison's training batch, whose buffers its trained models already hold).
  public static func measure(
    model: DSDCNet, images set: LabeledImages, count: Int, normalization: Normalization, batchSize: Int = 64
  ) -> EffectiveReceptiveField {
    let count = Swift.min(count, set.count)
    precondition(count > 0, "the effective receptive field needs at least one image")
    let (position, window) = model.centreOutput
    let (height, width) = (set.rows, set.columns)
    var sum = [Double](repeating: 0, count: height * width)
    var start = 0
    while start < count {
      let end = Swift.min(start + batchSize, count)
      let input = normalization.tensor(set, indices: start..<end)  // (B, 1, H, W)
      let gradient = model.inputGradient(input: input, row: position, column: position)  // (B, 1, H, W)
      for (i, g) in gradient.storage.enumerated() { sum[i % (height * width)] += Double(abs(g)) }
      start = end
    }
    let map = Tensor(shape: [height, width], storage: sum.map { Float($0 / Double(count)) })
    return EffectiveReceptiveField(map: map, images: count, theoreticalWindow: window)
  }

  /// The centre of the theoretical field, in input pixels (a half-integer for an even span).
  public var centre: Double { Double(theoreticalWindow.lowerBound + theoreticalWindow.upperBound) / 2 }

  /// The rows (= columns) of the square of side `side` centred on `centre`: from
  /// `⌊centre − (side − 1)/2⌋`, `side` of them (exactly centred when `side` and the
  /// theoretical span have the same parity, else half a pixel off).
  public func square(side: Int) -> ClosedRange<Int> {
    let first = Int((centre - Double(side - 1) / 2).rounded(.down))
    return first...(first + side - 1)
  }

  /// The side of the smallest centred square holding at least `fraction` of the map's
  /// total (pixels outside the image count as 0); 0 for an all-zero map.
  public func side(holding fraction: Double = 0.9) -> Int {
    let (height, width) = (map.shape[0], map.shape[1])
    let total = map.storage.reduce(0.0) { $0 + Double($1) }
    guard total > 0 else { return 0 }
    for side in 1...(2 * Swift.max(height, width)) {
      let rows = square(side: side)
      let (r0, r1) = (Swift.max(rows.lowerBound, 0), Swift.min(rows.upperBound, height - 1))
      let (c0, c1) = (Swift.max(rows.lowerBound, 0), Swift.min(rows.upperBound, width - 1))
      var inside = 0.0
      if r0 <= r1 && c0 <= c1 {
        for r in r0...r1 { for c in c0...c1 { inside += Double(map.storage[r * width + c]) } }
      }
      if inside >= fraction * total * (1 - 1e-9) { return side }
    }
    return 2 * Swift.max(height, width)
  }
}
