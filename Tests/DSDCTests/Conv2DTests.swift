import DSDC
import Testing

@Suite("Convolution layer")
struct Conv2DTests {
  /// Geometries that exercise the layer: padding and bias, stride, dilation,
  /// depthwise groups, other groups, pointwise.
  static let geometries: [Conv2DGeometry] = [
    Conv2DGeometry(inChannels: 2, outChannels: 3, kernel: 3, padding: 1),
    Conv2DGeometry(inChannels: 2, outChannels: 2, kernel: 3, stride: 2, padding: 1),
    Conv2DGeometry.depthwise(3, kernel: 3, dilation: 2),
    Conv2DGeometry(inChannels: 4, outChannels: 2, kernel: 2, dilation: 2, groups: 2),
    Conv2DGeometry.pointwise(3, 2),
  ]

  static func layer(_ g: Conv2DGeometry, bias: Bool, seed: UInt64 = 1) -> Conv2D {
    var rng = SeededGenerator(seed: seed)
    return Conv2D(name: "conv", geometry: g, bias: bias, using: &rng)
  }

  static func input(_ g: Conv2DGeometry, size: Int = 6, seed: UInt64 = 2) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return .randomNormal(shape: [2, g.inChannels, size, size], using: &rng)
  }

  @Test(arguments: geometries)
  func forwardMatchesReference(g: Conv2DGeometry) {
    let conv = Self.layer(g, bias: true)
    let x = Self.input(g)
    var y = Tensor(shape: conv.outputShape(input: x.shape))
    conv.forward(input: x, output: &y)
    let expected = ReferenceConvolution.forward(
      input: x, weight: conv.weight.value, bias: conv.bias!.value, geometry: g)
    expectClose(y, expected, atol: 1e-5, rtol: 1e-5)
  }

  /// PyTorch's default init: every weight inside ±1/√fan_in.
  @Test func initialisationBound() {
    let g = Conv2DGeometry.depthwise(32, kernel: 3, dilation: 2)
    let conv = Self.layer(g, bias: true)
    let bound: Float = 1 / 3  // fan_in = 1·3·3
    #expect(conv.weight.value.storage.allSatisfy { abs($0) <= bound })
    #expect(conv.weight.value.range.max > 0.8 * bound && conv.weight.value.range.min < -0.8 * bound)
    #expect(conv.bias!.value.storage.allSatisfy { abs($0) <= bound })
  }

  @Test(arguments: geometries)
  func backwardMatchesFiniteDifferences(g: Conv2DGeometry) {
    let conv = Self.layer(g, bias: true)
    let x = Self.input(g)
    GradientCheck.expectLayerMatches(
      at: x, outputShape: conv.outputShape(input: x.shape), parameters: [conv.weight, conv.bias!],
      forward: { conv.forward(input: $0, output: &$1) },
      backward: { conv.backward(input: $0, dOutput: $1, dInput: &$2) })
  }

  /// Backward accumulates: two calls give twice the gradient.
  @Test func backwardAccumulates() {
    let g = Self.geometries[0]
    let conv = Self.layer(g, bias: false)
    let x = Self.input(g)
    let r = GradientCheck.projection(shape: conv.outputShape(input: x.shape))
    var dInput: Tensor? = Tensor(shape: x.shape)
    conv.backward(input: x, dOutput: r, dInput: &dInput)
    let (once, onceInput) = (conv.weight.gradient, dInput!)
    conv.backward(input: x, dOutput: r, dInput: &dInput)
    expectClose(conv.weight.gradient, Tensor(shape: once.shape, storage: once.storage.map { 2 * $0 }), atol: 1e-5)
    expectClose(dInput!, Tensor(shape: x.shape, storage: onceInput.storage.map { 2 * $0 }), atol: 1e-5)
  }

  /// A frozen layer leaves its gradient untouched but still passes the input gradient on.
  @Test func frozenLayerStillPassesGradientDown() {
    let g = Self.geometries[2]
    let (trained, frozen) = (Self.layer(g, bias: true), Self.layer(g, bias: true))
    frozen.weight.isFrozen = true
    frozen.bias!.isFrozen = true
    let x = Self.input(g)
    let r = GradientCheck.projection(shape: trained.outputShape(input: x.shape))
    var dTrained: Tensor? = Tensor(shape: x.shape)
    var dFrozen: Tensor? = Tensor(shape: x.shape)
    trained.backward(input: x, dOutput: r, dInput: &dTrained)
    frozen.backward(input: x, dOutput: r, dInput: &dFrozen)
    #expect(dFrozen == dTrained)
    #expect(frozen.weight.gradient.storage.allSatisfy { $0 == 0 })
    #expect(frozen.bias!.gradient.storage.allSatisfy { $0 == 0 })
    #expect(trained.weight.gradient.storage.contains { $0 != 0 })
  }
}
