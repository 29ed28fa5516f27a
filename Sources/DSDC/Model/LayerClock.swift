/// Wall-clock time spent in each layer's forward and backward passes, summed over
/// the passes run while it is attached (`model.layerClock = LayerClock()`); for
/// benchmarks. Detached (the default), the network does not read the clock at all.
/// The fused eval pass (`logits`, `evaluate`) runs its layers on each thread side by
/// side: each layer gets its time on one thread averaged over the threads, and a
/// BatchNorm run in its convolution's epilogue shows 0 (its work is in the convolution's
/// time; a pooling block's BatchNorm shows the pooling).
///
/// ```swift
/// let clock = LayerClock()
/// model.layerClock = clock
/// _ = model.computeGradients(input: x, labels: y)
/// for name in clock.layers { print(name, clock.forward[name]!, clock.backward[name]!) }
/// ```
public final class LayerClock {
  /// Layer names in the order their forward passes first ran.
  public private(set) var layers: [String] = []
  /// Seconds in each layer's forward passes.
  public private(set) var forward: [String: Double] = [:]
  /// Seconds in each layer's backward passes.
  public private(set) var backward: [String: Double] = [:]

  public init() {}

  /// Runs `body`, adding its wall-clock time to `name`'s forward or backward total.
  func measure(_ name: String, backward isBackward: Bool, _ body: () -> Void) {
    let clock = ContinuousClock()
    let start = clock.now
    body()
    add(DSDC.seconds(clock.now - start), to: name, backward: isBackward)
  }

  /// Adds `seconds`, timed elsewhere, to `name`'s forward or backward total.
  func add(_ seconds: Double, to name: String, backward isBackward: Bool = false) {
    if forward[name] == nil {
      layers.append(name)
      forward[name] = 0
      backward[name] = 0
    }
    if isBackward { backward[name, default: 0] += seconds } else { forward[name, default: 0] += seconds }
  }

  /// Forgets every total.
  public func reset() {
    layers = []
    forward = [:]
    backward = [:]
  }
}
