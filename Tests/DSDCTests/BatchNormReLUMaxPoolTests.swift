import DSDC
import Testing

@Suite("BatchNorm + ReLU + max-pool, fused")
struct BatchNormReLUMaxPoolTests {
  /// The fused passes give the very numbers of BatchNorm(+ReLU) then MaxPool2d.
  @Test(arguments: [true, false], [(8, 28), (3, 7)])
  func matchesTheSeparateLayers(training: Bool, shape: (batch: Int, size: Int)) {
    var rng = SeededGenerator(seed: 12)
    let x = Tensor.randomNormal(shape: [shape.batch, 5, shape.size, shape.size], mean: 0.2, using: &rng)
    func layer() -> BatchNorm2d {
      let bn = BatchNorm2d(name: "bn", channels: 5, fusedReLU: true)
      bn.weight.value = Tensor(shape: [5], storage: [1, -0.5, 2, 0.7, 1.2])
      bn.bias.value = Tensor(shape: [5], storage: [0, 0.3, -0.4, 0.1, 0.2])
      bn.runningVar = Tensor(shape: [5], storage: [1, 2, 0.5, 1.5, 0.9])
      return bn
    }
    let (fused, separate) = (layer(), layer())
    let pool = MaxPool2d()
    let pooledShape = pool.outputShape(input: x.shape)

    var pooled = Tensor(shape: pooledShape)
    var argmax = [UInt8](repeating: 0, count: pooled.count)
    fused.forward(input: x, pooledOutput: &pooled, argmax: &argmax, training: training, threads: 2)

    var activated = Tensor(shape: x.shape)
    var expected = Tensor(shape: pooledShape)
    var expectedArgmax = [UInt8](repeating: 0, count: pooled.count)
    separate.forward(input: x, output: &activated, training: training)
    pool.forward(input: activated, output: &expected, argmax: &expectedArgmax)
    #expect(pooled == expected)
    #expect(argmax == expectedArgmax)
    #expect(fused.runningMean == separate.runningMean && fused.runningVar == separate.runningVar)

    let dy = GradientCheck.projection(shape: pooledShape)
    var dx = Tensor(shape: x.shape, repeating: 1)
    fused.backward(input: x, pooledOutput: pooled, argmax: argmax, dOutput: dy, dInput: &dx, threads: 2)
    var dActivated = Tensor(shape: x.shape)
    pool.backward(dOutput: dy, argmax: expectedArgmax, dInput: &dActivated)
    var expectedDx = Tensor(shape: x.shape, repeating: 1)
    separate.backward(input: x, dOutput: dActivated, dInput: &expectedDx)
    // Same formulas; the fused pass adds the gradient sums window by window, so the
    // float rounding differs slightly.
    expectClose(dx, expectedDx, atol: 1e-5, rtol: 1e-5)
    expectClose(fused.weight.gradient, separate.weight.gradient, atol: 1e-5, rtol: 1e-5)
    expectClose(fused.bias.gradient, separate.bias.gradient, atol: 1e-5, rtol: 1e-5)

    // Overwriting instead of accumulating: the same minus the 1 the buffer held.
    var overwritten = Tensor(shape: x.shape, repeating: 1)
    fused.backward(
      input: x, pooledOutput: pooled, argmax: argmax, dOutput: dy, dInput: &overwritten,
      accumulate: false)
    expectClose(overwritten, Tensor(shape: x.shape, storage: dx.storage.map { $0 - 1 }), atol: 1e-6)
  }
}
