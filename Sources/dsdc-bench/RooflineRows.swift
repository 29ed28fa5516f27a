// Each layer of a network set against the roofline: its FLOPs and least bytes
// (`LayerTraffic`), its median time (`LayerClock`), and what those give.

import DSDC

/// One layer's pass (or all layers' passes of one direction) against the roofline.
struct RooflineRow: Codable {
  /// The layer's name (`block1.pointwise`), or `all layers` for a direction's total.
  var layer: String
  /// `forward` or `backward`.
  var pass: String
  /// `F`, 2 per multiply-add.
  var flops: Int
  /// `B`, the least bytes the pass moves (float32, see `LayerTraffic`).
  var bytes: Int
  /// `t`, the median time, milliseconds (for a total: the sum of the layers' medians).
  var milliseconds: Double
  /// `F / t`, GFLOP/s.
  var gflops: Double
  /// `B / t`, GB/s.
  var gbps: Double
  /// `F / B`, FLOP per byte.
  var intensity: Double
  /// `min(P, I · BW)`, GFLOP/s (for a total: `F / t_min`, the rate with every layer on its roof).
  var boundGflops: Double
  /// `t_min = max(F / P, B / BW)`, milliseconds (for a total: the sum of the layers' `t_min`).
  var minimumMilliseconds: Double
  /// `t_min / t`: 1 on the roof.
  var shareOfBound: Double
  /// `compute` when `I ≥ P / BW`, else `memory`; nil for a total.
  var limit: String?

  init(layer: String, pass: String, flops: Int, bytes: Int, seconds: Double, roof: Roofline) {
    let intensity = Double(flops) / Double(bytes)
    self.init(
      layer: layer, pass: pass, flops: flops, bytes: bytes, seconds: seconds,
      minimumSeconds: roof.minimumSeconds(flops: Double(flops), bytes: Double(bytes)),
      limit: roof.isComputeBound(intensity: intensity) ? "compute" : "memory")
  }

  /// The row of `rows`' sum: their FLOPs, bytes, times and least times added.
  init(total rows: [RooflineRow], pass: String) {
    self.init(
      layer: "all layers", pass: pass, flops: rows.reduce(0) { $0 + $1.flops }, bytes: rows.reduce(0) { $0 + $1.bytes },
      seconds: rows.reduce(0) { $0 + $1.milliseconds } / 1e3,
      minimumSeconds: rows.reduce(0) { $0 + $1.minimumMilliseconds } / 1e3, limit: nil)
  }

  private init(
    layer: String, pass: String, flops: Int, bytes: Int, seconds: Double, minimumSeconds: Double, limit: String?
  ) {
    self.layer = layer
    self.pass = pass
    self.flops = flops
    self.bytes = bytes
    milliseconds = seconds * 1e3
    gflops = seconds > 0 ? Double(flops) / seconds / 1e9 : 0
    gbps = seconds > 0 ? Double(bytes) / seconds / 1e9 : 0
    intensity = Double(flops) / Double(bytes)
    boundGflops = minimumSeconds > 0 ? Double(flops) / minimumSeconds / 1e9 : 0
    minimumMilliseconds = minimumSeconds * 1e3
    shareOfBound = seconds > 0 ? minimumSeconds / seconds : 0
    self.limit = limit
  }
}

/// The median seconds of every layer's forward and backward passes over `runs` runs of
/// `body` (the clock reset before each), after 2 untimed runs.
func medianLayerSeconds(clock: LayerClock, runs: Int, _ body: () -> Void)
  -> (forward: [String: Double], backward: [String: Double])
{
  for _ in 0..<2 { body() }
  var (forward, backward) = ([String: [Double]](), [String: [Double]]())
  for _ in 0..<runs {
    clock.reset()
    body()
    for name in clock.layers {
      forward[name, default: []].append(clock.forward[name] ?? 0)
      backward[name, default: []].append(clock.backward[name] ?? 0)
    }
  }
  return (forward.mapValues(median), backward.mapValues(median))
}

/// A row for each layer of `traffic` and each direction timed (forward, then backward when
/// `backward` is given), in the layers' order.
func rooflineRows(
  _ traffic: [LayerTraffic], forward: [String: Double], backward: [String: Double]?, roof: Roofline
) -> [RooflineRow] {
  traffic.flatMap { layer -> [RooflineRow] in
    guard let forwardSeconds = forward[layer.name] else {
      preconditionFailure("the layer clock timed no layer \(layer.name); it timed \(forward.keys.sorted())")
    }
    var rows = [
      RooflineRow(
        layer: layer.name, pass: "forward", flops: layer.forwardFLOPs, bytes: layer.forwardBytes,
        seconds: forwardSeconds, roof: roof)
    ]
    if let backward {
      rows.append(
        RooflineRow(
          layer: layer.name, pass: "backward", flops: layer.backwardFLOPs, bytes: layer.backwardBytes,
          seconds: backward[layer.name] ?? 0, roof: roof))
    }
    return rows
  }
}
