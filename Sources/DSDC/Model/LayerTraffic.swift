/// The work one layer's passes do over a batch and the bytes they must at least move, for
/// a roofline (see `Roofline`): FLOPs from the model summary's multiply-adds, bytes as
/// float32 under the least-traffic model below.
///
/// A batch of `N` images; per image the layer reads `I` numbers and writes `O`; it has `P`
/// parameters and `M` multiply-adds (`ModelSummary`, from `Conv2DGeometry.multiplyAdds`);
/// `w = 1` when it has parameters (their gradient is computed: every parameter trains),
/// `x = 1` when its backward pass hands a gradient to the layer below (all but the first):
/// ```
/// forward    FLOP = 2·N·M              bytes = 4·(N·I + P + N·O)
/// backward   FLOP = 2·N·M·(w + x)      bytes = 4·(N·O + w·(N·I + P) + x·(P + N·I))
/// ```
/// The forward pass reads its input and parameters once and writes its output once. The
/// backward pass reads `dOutput`; for the parameter gradients it reads the input again and
/// writes `P` gradients; for the input gradient it reads the parameters and writes `N·I`
/// numbers. Both the parameter gradient and the input gradient of a convolution or linear
/// layer cost as many multiply-adds as its forward pass. The summary counts no
/// multiply-adds for BatchNorm, ReLU and pooling, so their passes count 0 FLOPs and only
/// their bytes bound them. Left out: BatchNorm's running statistics (2 numbers a channel),
/// biases' FLOPs, and whatever a layer keeps for its backward pass (the max-pool's argmax):
/// an implementation's choice, not a must.
public struct LayerTraffic: Sendable, Equatable {
  /// The layer's name, as `LayerClock` times it, e.g. `block1.pointwise`.
  public var name: String
  /// `2·N·M`.
  public var forwardFLOPs: Int
  /// `4·(N·I + P + N·O)`.
  public var forwardBytes: Int
  /// `2·N·M·(w + x)`.
  public var backwardFLOPs: Int
  /// `4·(N·O + w·(N·I + P) + x·(P + N·I))`.
  public var backwardBytes: Int

  /// The counts of the formulas above for a layer with `inputElements` (`I`) and
  /// `outputElements` (`O`) numbers per image, `parameters` (`P`) and `multiplyAdds`
  /// (`M`, per image), over a batch of `batch` (`N`) images; `inputGradient` is `x`.
  public init(
    name: String, inputElements: Int, outputElements: Int, parameters: Int, multiplyAdds: Int,
    batch: Int, inputGradient: Bool
  ) {
    precondition(
      batch > 0 && inputElements > 0 && outputElements > 0 && parameters >= 0 && multiplyAdds >= 0,
      "layer \(name): N=\(batch) I=\(inputElements) O=\(outputElements) P=\(parameters) M=\(multiplyAdds)")
    let (w, x) = (parameters > 0 ? 1 : 0, inputGradient ? 1 : 0)
    let (input, output) = (batch * inputElements, batch * outputElements)
    self.name = name
    forwardFLOPs = 2 * batch * multiplyAdds
    forwardBytes = 4 * (input + parameters + output)
    backwardFLOPs = 2 * batch * multiplyAdds * (w + x)
    backwardBytes = 4 * (output + w * (input + parameters) + x * (parameters + input))
  }
}

extension ModelSummary {
  /// Each timed layer's traffic over a batch of `batch` images whose first layer reads
  /// `inputElements` numbers per image. A `….pool` row (a block's max-pool) joins the row
  /// before it, its BatchNorm: the model runs them as one pass, and `LayerClock` times them
  /// as one. The first layer hands no gradient down (the images need none).
  public func traffic(batch: Int, inputElements: Int) -> [LayerTraffic] {
    var units: [(row: Row, input: Int)] = []
    var input = inputElements
    for row in rows {
      if row.name.hasSuffix(".pool"), let last = units.indices.last {
        units[last].row.outputShape = row.outputShape
        units[last].row.parameters += row.parameters
        units[last].row.multiplyAdds += row.multiplyAdds
      } else {
        units.append((row, input))
      }
      input = row.outputShape.reduce(1, *)
    }
    return units.enumerated().map { index, unit in
      LayerTraffic(
        name: unit.row.name, inputElements: unit.input, outputElements: unit.row.outputShape.reduce(1, *),
        parameters: unit.row.parameters, multiplyAdds: unit.row.multiplyAdds, batch: batch,
        inputGradient: index > 0)
    }
  }
}

extension DSDCNet {
  /// Each timed layer's traffic for a batch of `batch` images (see `LayerTraffic`).
  public func traffic(batch: Int) -> [LayerTraffic] {
    summary.traffic(batch: batch, inputElements: config.inputChannels * config.imageSize * config.imageSize)
  }
}
