extension DSDCNet {
  /// The BatchNorm counter PyTorch also stores; accepted (and ignored) by `load`,
  /// since with a fixed momentum it plays no part.
  public static let ignoredTensorSuffix = ".num_batches_tracked"

  /// Every tensor of the model — parameters and BatchNorm running statistics — named
  /// and ordered exactly as PyTorch's `state_dict()`, with OIHW weight shapes:
  /// ```
  /// stem.weight                                        (32, 1, 3, 3)
  /// stem_bn.{weight, bias, running_mean, running_var}  (32)
  /// block1.depthwise.weight                            (32, 1, 3, 3)
  /// block1.pointwise.weight                            (64, 32, 1, 1)
  /// block1.bn.{weight, bias, running_mean, running_var} (64)
  /// …  block2, block3  (a standard block has blockN.conv.weight (N, C, K, K) instead)
  /// classifier.weight                                  (10, 128)
  /// classifier.bias                                    (10)
  /// ```
  public func namedTensors() -> [(name: String, tensor: Tensor)] {
    var result: [(name: String, tensor: Tensor)] = [(stem.weight.name, stem.weight.value)]
    func add(_ bn: BatchNorm2d) {
      result += [
        (bn.weight.name, bn.weight.value), (bn.bias.name, bn.bias.value),
        (bn.name + ".running_mean", bn.runningMean), (bn.name + ".running_var", bn.runningVar),
      ]
    }
    add(stemBN)
    for block in blocks {
      result += block.convolutions.map { ($0.weight.name, $0.weight.value) }
      add(block.bn)
    }
    result.append((classifier.weight.name, classifier.weight.value))
    result.append((classifier.bias.name, classifier.bias.value))
    return result
  }

  /// Replaces every tensor of the model with the one of the same name. Names and
  /// shapes are all checked before anything changes, so a failed load leaves the
  /// model as it was. Order does not matter; PyTorch's `*.num_batches_tracked` is
  /// accepted and ignored.
  public func load(namedTensors: [(name: String, tensor: Tensor)]) throws(ModelError) {
    var given: [String: Tensor] = [:]
    for (name, tensor) in namedTensors where !name.hasSuffix(Self.ignoredTensorSuffix) {
      guard given.updateValue(tensor, forKey: name) == nil else { throw .duplicateTensor(name: name) }
    }
    let expected = self.namedTensors()
    for (name, tensor) in expected {
      guard let found = given[name] else { throw .missingTensor(name: name) }
      guard found.shape == tensor.shape else {
        throw .shapeMismatch(name: name, expected: tensor.shape, found: found.shape)
      }
    }
    if given.count > expected.count {
      let known = Set(expected.map(\.name))
      let extra = given.keys.filter { !known.contains($0) }.sorted()
      throw .unexpectedTensor(name: extra[0])
    }
    stem.weight.assign(given[stem.weight.name]!)
    func load(_ bn: BatchNorm2d) {
      bn.weight.assign(given[bn.weight.name]!)
      bn.bias.assign(given[bn.bias.name]!)
      bn.runningMean = given[bn.name + ".running_mean"]!
      bn.runningVar = given[bn.name + ".running_var"]!
    }
    load(stemBN)
    for block in blocks {
      for conv in block.convolutions { conv.weight.assign(given[conv.weight.name]!) }
      load(block.bn)
    }
    classifier.weight.assign(given[classifier.weight.name]!)
    classifier.bias.assign(given[classifier.bias.name]!)
  }
}
