/// Where one tensor's bytes lie in the data that follows the header.
struct SafetensorsLayout: Equatable {
  /// The tensor's name.
  let name: String
  /// Its element type.
  let dtype: SafetensorsDType
  /// Its shape, every extent ≥ 0.
  let shape: [Int]
  /// First byte, relative to the end of the header.
  let begin: Int
  /// One past the last byte; `end − begin = dtype.size · shape.reduce(1, *)`.
  let end: Int
}

/// A checked safetensors header: the tensors' layouts and the metadata.
///
/// A file is
/// ```
/// [8 bytes: n, little-endian UInt64][n bytes: UTF-8 JSON, maybe padded with spaces][data]
/// {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, …}
/// ```
/// and `init` checks everything about the header and the data size before any
/// tensor memory is allocated: the JSON, each name's uniqueness, each dtype and
/// shape, and that the tensors tile the data exactly — no byte outside, none shared,
/// none left over.
struct SafetensorsHeader {
  /// The tensors sorted by where their data starts (header order among equal offsets).
  let layouts: [SafetensorsLayout]
  /// The `__metadata__` pairs (empty when the header has none).
  let metadata: [String: String]

  /// Parses and checks `bytes`, the header of `path`, which is followed by `dataSize` bytes.
  init(bytes: [UInt8], dataSize: Int, path: String) throws(CheckpointError) {
    func invalid(_ reason: String) -> CheckpointError { .invalidHeader(path: path, reason: reason) }

    guard bytes.first == UInt8(ascii: "{") else {
      throw invalid(bytes.isEmpty ? "the header is empty" : "the header does not start with '{'")
    }
    guard String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes) else {
      throw invalid("the header is not valid UTF-8")
    }
    let json: HeaderJSON
    do {
      json = try HeaderJSONParser.parse(bytes)
    } catch {
      throw invalid("the header is not valid JSON: \(error.message)")
    }
    guard case .object(let pairs) = json else { throw invalid("the header is not a JSON object") }

    var seen = Set<String>()
    var metadata: [String: String] = [:]
    var layouts: [SafetensorsLayout] = []
    for (name, value) in pairs {
      guard seen.insert(name).inserted else { throw .duplicateName(path: path, name: name) }
      if name == "__metadata__" {
        metadata = try Self.metadata(value, path: path)
      } else {
        layouts.append(try Self.layout(name: name, value, dataSize: dataSize, path: path))
      }
    }

    // Sort by (begin, end), keeping header order for equal ranges, then walk the
    // data once: each tensor must start exactly where the previous one ended.
    let sorted = layouts.enumerated().sorted { a, b in
      (a.element.begin, a.element.end, a.offset) < (b.element.begin, b.element.end, b.offset)
    }.map(\.element)
    var cursor = 0
    var previous: String? = nil
    for layout in sorted {
      if layout.begin < cursor {
        throw .overlappingTensors(path: path, name: layout.name, other: previous ?? "")
      }
      if layout.begin > cursor { throw .gapInData(path: path, begin: cursor, end: layout.begin) }
      cursor = layout.end
      if layout.end > layout.begin { previous = layout.name }
    }
    if cursor < dataSize { throw .gapInData(path: path, begin: cursor, end: dataSize) }

    self.layouts = sorted
    self.metadata = metadata
  }

  /// The `__metadata__` object: string keys (once each) to string values.
  private static func metadata(_ value: HeaderJSON, path: String) throws(CheckpointError) -> [String: String] {
    guard case .object(let pairs) = value else {
      throw .invalidHeader(path: path, reason: "__metadata__ is not an object of strings")
    }
    var metadata: [String: String] = [:]
    for (key, value) in pairs {
      guard case .string(let text) = value else {
        throw .invalidHeader(path: path, reason: "__metadata__ value for \"\(key)\" is not a string")
      }
      guard metadata.updateValue(text, forKey: key) == nil else {
        throw .duplicateName(path: path, name: key)
      }
    }
    return metadata
  }

  /// One tensor's entry, `{"dtype": …, "shape": […], "data_offsets": [begin, end]}`,
  /// checked on its own: known dtype, sane shape, and a byte range inside the data
  /// whose length matches the dtype and shape.
  private static func layout(
    name: String, _ value: HeaderJSON, dataSize: Int, path: String
  ) throws(CheckpointError) -> SafetensorsLayout {
    func invalid(_ reason: String) -> CheckpointError {
      .invalidHeader(path: path, reason: "tensor \"\(name)\": \(reason)")
    }
    guard case .object(let fields) = value else { throw invalid("its entry is not an object") }
    var dtypeField: HeaderJSON?
    var shapeField: HeaderJSON?
    var offsetsField: HeaderJSON?
    for (key, field) in fields {
      switch key {
      case "dtype" where dtypeField == nil: dtypeField = field
      case "shape" where shapeField == nil: shapeField = field
      case "data_offsets" where offsetsField == nil: offsetsField = field
      case "dtype", "shape", "data_offsets": throw invalid("the field \"\(key)\" appears twice")
      default: throw invalid("unknown field \"\(key)\"")
      }
    }
    guard case .string(let dtypeName) = dtypeField else { throw invalid("\"dtype\" is missing or not a string") }
    guard case .array(let shapeItems) = shapeField else { throw invalid("\"shape\" is missing or not an array") }
    guard case .array(let offsetItems) = offsetsField, offsetItems.count == 2 else {
      throw invalid("\"data_offsets\" is missing or not two numbers")
    }
    guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
      throw .unknownDType(path: path, name: name, dtype: dtypeName)
    }

    // Shape: integers ≥ 0 whose product, times the dtype size, fits in an Int.
    var shape: [Int] = []
    var byteCount = dtype.size
    for item in shapeItems {
      guard case .number(let text) = item else { throw invalid("shape holds a value that is not a number") }
      guard !text.contains(where: { ".eE".contains($0) }) else {
        throw .invalidShape(path: path, name: name, reason: "extent \(text) is not an integer")
      }
      guard let extent = Int(text) else {
        throw .invalidShape(path: path, name: name, reason: "extent \(text) does not fit in 64 bits")
      }
      guard extent >= 0 else {
        throw .invalidShape(path: path, name: name, reason: "extent \(extent) is negative")
      }
      shape.append(extent)
      let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
      guard !overflow else {
        let literal = shapeItems.map { if case .number(let t) = $0 { t } else { "?" } }
        throw .invalidShape(
          path: path, name: name,
          reason: "shape [\(literal.joined(separator: ", "))] holds more bytes than fit in 64 bits")
      }
      byteCount = product
    }

    // Offsets: two integers, a range of exactly byteCount bytes inside the data.
    var offsets: [Int] = []
    for item in offsetItems {
      guard case .number(let text) = item, !text.contains(where: { ".eE".contains($0) }) else {
        throw invalid("data_offsets hold a value that is not an integer")
      }
      guard let offset = Int(text) else { throw invalid("data_offsets hold \(text), which does not fit in 64 bits") }
      offsets.append(offset)
    }
    let (begin, end) = (offsets[0], offsets[1])
    let (length, overflow) = end.subtractingReportingOverflow(begin)
    guard !overflow, length == byteCount else {
      throw .sizeMismatch(path: path, name: name, begin: begin, end: end, expectedBytes: byteCount)
    }
    guard begin >= 0, end <= dataSize else {
      throw .dataPastEnd(path: path, name: name, begin: begin, end: end, dataSize: dataSize)
    }
    return SafetensorsLayout(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
  }
}
