import DSDC
import Testing

@Suite("Optimisers")
struct OptimizerTests {
  /// One parameter, hand-computed steps.
  @Test func adamWByHand() {
    let p = Parameter(name: "p", value: Tensor(shape: [2], storage: [1, -2]))
    let adam = AdamW(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
    p.gradient = Tensor(shape: [2], storage: [0.5, 0])
    adam.step()
    // Decay: θ·(1 − 0.05). First step: m̂ = g, v̂ = g², update lr·g/(|g| + ε) = ±0.1 (0 for g = 0).
    expectClose(p.value, Tensor(shape: [2], storage: [0.95 - 0.1, -1.9]), atol: 1e-6)
    #expect(adam.steps == [1])
    expectClose(adam.firstMoments[0], Tensor(shape: [2], storage: [0.05, 0]), atol: 1e-7)
    expectClose(adam.secondMoments[0], Tensor(shape: [2], storage: [0.00025, 0]), atol: 1e-9)
  }

  @Test func sgdByHand() {
    let p = Parameter(name: "p", value: Tensor(shape: [1], storage: [1]))
    let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0)
    p.gradient = Tensor(shape: [1], storage: [1])
    sgd.step()  // b = 1, θ = 0.9
    sgd.step()  // b = 1.9, θ = 0.71
    expectClose(p.value.storage[0], 0.71, atol: 1e-6)
    let nesterov = Parameter(name: "q", value: Tensor(shape: [1], storage: [1]))
    let sgdN = SGD(parameters: [nesterov], learningRate: 0.1, momentum: 0.9, nesterov: true)
    nesterov.gradient = Tensor(shape: [1], storage: [1])
    sgdN.step()  // b = 1, g = 1 + 0.9 = 1.9, θ = 0.81
    expectClose(nesterov.value.storage[0], 0.81, atol: 1e-6)
  }

  /// A few steps on one fixed batch lower its loss, for both optimisers.
  @Test(arguments: [OptimizerKind.adamW(), .sgd(momentum: 0.9, nesterov: true)])
  func stepsLowerTheLoss(kind: OptimizerKind) {
    let model = TinyNet.model()
    let data = TinyNet.images(count: 16)
    let input = Normalization.mnist.tensor(data, indices: 0..<16)
    let labels = data.labels.map(Int.init)
    let lr = if case .adamW = kind { 2e-2 } else { 0.1 }
    let optimizer = kind.makeOptimizer(parameters: model.parameters, learningRate: lr, weightDecay: 1e-4)
    var losses: [Float] = []
    for _ in 0..<10 {
      losses.append(model.computeGradients(input: input, labels: labels).loss)
      optimizer.step()
    }
    #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 < $0 }, "losses \(losses)")
    #expect(losses.last! < losses.first! - 0.1, "losses \(losses)")
  }

  /// Frozen parameters are skipped: no update, no state change.
  @Test func frozenParametersAreSkipped() {
    let (a, b) = (
      Parameter(name: "a", value: Tensor(shape: [1], storage: [1])),
      Parameter(name: "b", value: Tensor(shape: [1], storage: [1]))
    )
    b.isFrozen = true
    for optimizer in [
      AdamW(parameters: [a, b], learningRate: 0.1), SGD(parameters: [a, b], learningRate: 0.1, momentum: 0.9),
    ] as [any Optimizer] {
      a.gradient = Tensor(shape: [1], storage: [1])
      b.gradient = Tensor(shape: [1], storage: [1])
      optimizer.step()
      #expect(b.value.storage == [1])
      #expect(a.value.storage != [1])
      let state = Dictionary(uniqueKeysWithValues: optimizer.namedState().map { ($0.name, $0.tensor) })
      #expect(state["optimizer.b.step"]?.storage == [0])
      #expect(state["optimizer.a.step"]?.storage == [1])
    }
  }

  /// State saved and loaded into a fresh optimiser continues identically.
  @Test(arguments: [OptimizerKind.adamW(), .sgd()])
  func stateRoundTrips(kind: OptimizerKind) throws {
    func parameter() -> Parameter { Parameter(name: "w", value: Tensor(shape: [3], storage: [1, 2, 3])) }
    let (p, q) = (parameter(), parameter())
    let first = kind.makeOptimizer(parameters: [p], learningRate: 0.01, weightDecay: 0.1)
    p.gradient = Tensor(shape: [3], storage: [0.3, -0.2, 0.1])
    first.step()
    q.value = p.value
    let second = kind.makeOptimizer(parameters: [q], learningRate: 0.01, weightDecay: 0.1)
    try second.load(namedState: Dictionary(uniqueKeysWithValues: first.namedState().map { ($0.name, $0.tensor) }))
    q.gradient = p.gradient
    first.step()
    second.step()
    #expect(p.value == q.value)
    #expect(throws: TrainingError.self) { try second.load(namedState: [:]) }
  }
}
