extension SafetensorsFile {
  /// The name errors give a file that was built in memory rather than read.
  static let inMemoryName = "(in-memory checkpoint)"

  /// The model's `F32` tensors, in the order of `expected`, after checking that the
  /// file holds exactly those names with those shapes.
  ///
  /// Names in `others` (training state such as the random generator's words) may
  /// also be present; any other name is an error. The first problem found throws,
  /// looking at `expected` in order and then at the file's remaining names.
  /// ```
  /// let weights = try file.modelTensors(model.namedShapes, allowingOthers: ["rng.state", "step"])
  /// ```
  /// - Throws: `CheckpointError.missingTensor`, `.wrongDType`, `.shapeMismatch`
  ///   or `.unexpectedTensor`, naming the tensor.
  public func modelTensors(
    _ expected: [(name: String, shape: [Int])], allowingOthers others: Set<String> = []
  ) throws(CheckpointError) -> [Tensor] {
    var tensors: [Tensor] = []
    for (name, shape) in expected { tensors.append(try tensor(name, shape: shape)) }
    let known = Set(expected.map(\.name)).union(others)
    if let extra = names.first(where: { !known.contains($0) }) {
      throw .unexpectedTensor(path: path ?? Self.inMemoryName, name: extra)
    }
    return tensors
  }

  /// The entry named `name`, checked to have the given dtype and shape.
  ///
  /// - Throws: `CheckpointError.missingTensor`, `.wrongDType` or `.shapeMismatch`.
  public func entry(_ name: String, dtype: SafetensorsDType, shape: [Int]) throws(CheckpointError) -> SafetensorsEntry {
    let path = path ?? Self.inMemoryName
    guard let entry = self[name] else { throw .missingTensor(path: path, name: name) }
    guard entry.dtype == dtype else { throw .wrongDType(path: path, name: name, expected: dtype, found: entry.dtype) }
    guard entry.shape == shape else {
      throw .shapeMismatch(path: path, name: name, expected: shape, found: entry.shape)
    }
    return entry
  }

  /// An `F32` tensor of the given shape: `try file.tensor("head.weight", shape: [10, 32])`.
  public func tensor(_ name: String, shape: [Int]) throws(CheckpointError) -> Tensor {
    guard case .f32(let values) = try entry(name, dtype: .f32, shape: shape).values else {
      preconditionFailure("dtype checked by entry(_:dtype:shape:)")
    }
    return Tensor(shape: shape, storage: values)
  }

  /// A `U64` tensor's elements: `try file.uint64s("rng.state", shape: [4])`.
  public func uint64s(_ name: String, shape: [Int]) throws(CheckpointError) -> [UInt64] {
    guard case .u64(let values) = try entry(name, dtype: .u64, shape: shape).values else {
      preconditionFailure("dtype checked by entry(_:dtype:shape:)")
    }
    return values
  }

  /// An `I64` tensor's elements: `try file.int64s("step", shape: [])[0]`.
  public func int64s(_ name: String, shape: [Int]) throws(CheckpointError) -> [Int64] {
    guard case .i64(let values) = try entry(name, dtype: .i64, shape: shape).values else {
      preconditionFailure("dtype checked by entry(_:dtype:shape:)")
    }
    return values
  }

  /// A `U8` tensor's elements: `try file.uint8s("flags", shape: [3])`.
  public func uint8s(_ name: String, shape: [Int]) throws(CheckpointError) -> [UInt8] {
    guard case .u8(let values) = try entry(name, dtype: .u8, shape: shape).values else {
      preconditionFailure("dtype checked by entry(_:dtype:shape:)")
    }
    return values
  }
}
