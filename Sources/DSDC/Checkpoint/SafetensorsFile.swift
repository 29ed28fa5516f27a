/// The element type of a stored tensor, spelled as in the safetensors header.
///
/// dsdc stores weights as `F32` and training state (random generator words,
/// step counters, flags) as `U64`, `I64` or `U8`; PyTorch reads these as
/// `torch.float32`, `torch.uint64`, `torch.int64` and `torch.uint8`.
public enum SafetensorsDType: String, Sendable, CaseIterable {
  case f32 = "F32"
  case i64 = "I64"
  case u64 = "U64"
  case u8 = "U8"

  /// Bytes per element.
  public var size: Int {
    switch self {
    case .u8: 1
    case .f32: 4
    case .i64, .u64: 8
    }
  }

  /// Position in the reference implementation's dtype order (…, U8, …, F32, …, I64, U64),
  /// which increases with alignment; a writer lays out the largest first.
  var alignmentRank: Int {
    switch self {
    case .u8: 0
    case .f32: 1
    case .i64: 2
    case .u64: 3
    }
  }
}

/// The values of one stored tensor, in row-major order.
///
/// Two values are equal when their dtypes and bit patterns are, so a `NaN`
/// weight equals itself after a round trip through a file.
public enum SafetensorsValues: Sendable, Equatable {
  case f32([Float])
  case i64([Int64])
  case u64([UInt64])
  case u8([UInt8])

  /// The element type.
  public var dtype: SafetensorsDType {
    switch self {
    case .f32: .f32
    case .i64: .i64
    case .u64: .u64
    case .u8: .u8
    }
  }

  /// The number of elements.
  public var count: Int {
    switch self {
    case .f32(let v): v.count
    case .i64(let v): v.count
    case .u64(let v): v.count
    case .u8(let v): v.count
    }
  }

  public static func == (a: SafetensorsValues, b: SafetensorsValues) -> Bool {
    switch (a, b) {
    case (.f32(let x), .f32(let y)): x.map(\.bitPattern) == y.map(\.bitPattern)
    case (.i64(let x), .i64(let y)): x == y
    case (.u64(let x), .u64(let y)): x == y
    case (.u8(let x), .u8(let y)): x == y
    default: false
    }
  }
}

/// One named tensor of a safetensors file.
public struct SafetensorsEntry: Sendable, Equatable {
  /// The key in the header, e.g. `"blocks.0.depthwise.weight"`.
  public let name: String
  /// The extent of each dimension; `[]` for a scalar.
  public let shape: [Int]
  /// The elements, `shape.reduce(1, *)` of them.
  public let values: SafetensorsValues

  /// The element type.
  public var dtype: SafetensorsDType { values.dtype }
}

/// A safetensors file in memory: named tensors in order, plus string metadata.
///
/// ```
/// var file = SafetensorsFile(metadata: ["format": "pt"])
/// file.append("conv.weight", weight)                      // F32, shape from the Tensor
/// file.append("rng.state", shape: [4], values: .u64(rng.stateWords))
/// try file.write(to: url)                                 // atomic
/// let back = try SafetensorsFile(contentsOf: url)
/// let w = try back.tensor("conv.weight", shape: [8, 1, 3, 3])
/// ```
/// In memory the entries keep the order they were appended in. On disk they are
/// laid out in the reference implementation's order (see `layoutOrder`), and a
/// file read back lists them in that on-disk order.
public struct SafetensorsFile: Sendable, Equatable {
  /// The tensors, in insertion order (or on-disk order for a file that was read).
  public private(set) var entries: [SafetensorsEntry] = []
  /// Free-form string pairs stored under `__metadata__` (PyTorch writes `["format": "pt"]`).
  public var metadata: [String: String]
  /// The file this was read from, or `nil` for one built in memory; errors name it.
  public internal(set) var path: String?
  /// Position of each name in `entries`.
  private var indexByName: [String: Int] = [:]

  /// An empty file with the given metadata.
  public init(metadata: [String: String] = [:]) {
    self.metadata = metadata
  }

  /// The tensor names, in the order of `entries`.
  public var names: [String] { entries.map(\.name) }

  /// The entry with this name, if any.
  public subscript(name: String) -> SafetensorsEntry? {
    indexByName[name].map { entries[$0] }
  }

  /// Adds a tensor under a new name.
  public mutating func append(_ name: String, shape: [Int], values: SafetensorsValues) {
    precondition(name != "__metadata__", "\"__metadata__\" is reserved for the metadata and cannot name a tensor")
    precondition(indexByName[name] == nil, "a tensor named \"\(name)\" is already in the file")
    precondition(shape.allSatisfy { $0 >= 0 }, "tensor \"\(name)\" has a negative extent in \(shape)")
    precondition(
      shape.reduce(1, *) == values.count,
      "tensor \"\(name)\" of shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
    indexByName[name] = entries.count
    entries.append(SafetensorsEntry(name: name, shape: shape, values: values))
  }

  /// Adds an `F32` tensor under a new name, with the tensor's shape.
  public mutating func append(_ name: String, _ tensor: Tensor) {
    append(name, shape: tensor.shape, values: .f32(tensor.storage))
  }

  /// Two files are equal when they hold the same entries in the same order and the
  /// same metadata, wherever they were read from.
  public static func == (a: SafetensorsFile, b: SafetensorsFile) -> Bool {
    a.entries == b.entries && a.metadata == b.metadata
  }

  /// The entries in the order a file lays them out: larger alignment first
  /// (U64, I64, F32, U8), then by name compared as UTF-8 bytes — the rule of the
  /// reference implementation, so that every tensor starts at a multiple of its
  /// element size and the same tensors always give the same bytes.
  public var layoutOrder: [SafetensorsEntry] {
    entries.sorted { a, b in
      if a.dtype.alignmentRank != b.dtype.alignmentRank {
        return a.dtype.alignmentRank > b.dtype.alignmentRank
      }
      return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
  }

  /// Builds a file from entries already checked by the reader.
  init(entries: [SafetensorsEntry], metadata: [String: String], path: String?) {
    self.metadata = metadata
    self.path = path
    for entry in entries { append(entry.name, shape: entry.shape, values: entry.values) }
  }
}
