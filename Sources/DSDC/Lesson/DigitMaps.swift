/// Lesson 2's four maps of the lesson digit, the input lessons 3, 4, 5 and 7 start
/// from: the digit with its pixels scaled to [0, 1], through the four hand-designed
/// kernels (`HandKernel.bank`: Sobel x, Sobel y, blur, sharpen) as a standard
/// convolution 1→4, K = 3, P = 1 that keeps 28×28:
/// ```
/// x[0, 0, i, j]    = digit[i, j] / 255                                  (1, 1, 28, 28)
/// maps[0, o, i, j] = Σ_{u,v} w_o[u, v] · x[0, 0, i + u − 1, j + v − 1]   (1, 4, 28, 28)
/// ```
public struct DigitMaps {
  /// The digit studied (`--sample` or `--image`).
  public var digit: LessonDigit
  /// The digit scaled to [0, 1]: `(1, 1, 28, 28)`.
  public var x: Tensor
  /// The four maps: `(1, 4, 28, 28)`, channel o from kernel o of `HandKernel.allCases`.
  public var maps: Tensor
  /// The digit's strongest edge (`ProbePosition.strongestEdge`), the position the
  /// lessons write out term by term.
  public var probe: (row: Int, column: Int)

  /// The convolution that makes the maps: standard, 1→4, K = 3, P = 1.
  public static let geometry = Conv2DGeometry.standard(1, 4, kernel: 3)

  /// The maps of `digit`.
  public init(digit: LessonDigit) {
    self.digit = digit
    x = Tensor(shape: digit.image.shape, storage: digit.image.storage.map { $0 / 255 })  // (1, 1, 28, 28)
    maps = Convolution.forward(input: x, weight: HandKernel.bank, geometry: Self.geometry)  // (1, 4, 28, 28)
    probe = ProbePosition.strongestEdge(in: x)
  }

  /// The four maps as a figure, one tile per channel (`c=0: Sobel x`, …), each on its
  /// own colour scale; `framed` marks the probe position.
  public func figure(framed: Bool) -> FeatureMapFigure {
    FeatureMapFigure(
      title: "Input: the digit through lesson 2's four kernels, 4 channels of 28×28",
      tiles: HandKernel.allCases.enumerated().map { (label: "c=\($0): \($1.name)", plane: maps.plane(n: 0, c: $0)) },
      style: .diverging, range: .perTile, scale: 6,
      marked: framed ? GridCell(row: probe.row, column: probe.column) : nil)
  }
}

extension LessonContext {
  /// Lesson 2's four maps of the lesson digit (`DigitMaps`).
  public func digitMaps() throws -> DigitMaps {
    DigitMaps(digit: try lessonDigit())
  }
}
