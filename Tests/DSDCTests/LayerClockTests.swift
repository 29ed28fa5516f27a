import DSDC
import Testing

@Suite("Layer clock")
struct LayerClockTests {
  /// The 13 layers of a three-block network, in forward order.
  static let layers = [
    "stem", "stem_bn",
    "block1.depthwise", "block1.pointwise", "block1.bn",
    "block2.depthwise", "block2.pointwise", "block2.bn",
    "block3.depthwise", "block3.pointwise", "block3.bn",
    "pool", "classifier",
  ]

  @Test("timing a step changes no number, and times every layer both ways")
  func timesEveryLayerWithoutChangingResults() {
    let data = TinyNet.images(count: 6)
    let input = Normalization.mnist.tensor(data, indices: 0..<6)
    let labels = data.labels.map(Int.init)
    let (plain, timed) = (TinyNet.model(), TinyNet.model())
    let clock = LayerClock()
    timed.layerClock = clock
    let a = plain.computeGradients(input: input, labels: labels)
    let b = timed.computeGradients(input: input, labels: labels)
    #expect(a.loss == b.loss)
    #expect(plain.parameters.map(\.gradient) == timed.parameters.map(\.gradient))
    #expect(clock.layers == Self.layers)
    for name in Self.layers {
      #expect((clock.forward[name] ?? 0) > 0 && (clock.backward[name] ?? 0) > 0, "\(name)")
    }
    clock.reset()
    #expect(clock.layers.isEmpty && clock.forward.isEmpty)
  }

  @Test("a frozen prefix runs no backward pass, and the clock shows it")
  func frozenLayersHaveNoBackwardTime() {
    let data = TinyNet.images(count: 4)
    let model = TinyNet.model()
    model.setFrozen(true) { !$0.hasPrefix("classifier.") }
    let clock = LayerClock()
    model.layerClock = clock
    _ = model.computeGradients(
      input: Normalization.mnist.tensor(data, indices: 0..<4), labels: data.labels.map(Int.init))
    #expect((clock.backward["classifier"] ?? 0) > 0)
    for name in Self.layers.dropLast() { #expect(clock.backward[name] == 0, "\(name)") }
  }
}
