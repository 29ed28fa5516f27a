/// Why a checkpoint could not be written, read, or matched to a model.
///
/// Every case names the file, and its description is one line ending in a
/// `— HINT:` on what to do, for the tool to print before it exits:
/// ```
/// dsdc: model.safetensors is not a dsdc checkpoint (header length 2^60 exceeds the file's 1234 bytes) — HINT: pass a .safetensors file written by `dsdc train`
/// ```
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
  // MARK: - Reading and writing files

  /// The file could not be opened or read (`message` is the system's reason).
  case cannotRead(path: String, message: String)
  /// The file could not be written (`message` is the system's reason); any
  /// previous file at `path` is left as it was.
  case cannotWrite(path: String, message: String)

  // MARK: - The file's layout

  /// The file holds fewer than the 8 bytes of the header length.
  case fileTooShort(path: String, size: Int)
  /// The header length claims more bytes than the file has after it.
  case headerPastEnd(path: String, headerLength: UInt64, fileSize: Int)
  /// The header length is over the reader's limit (100 MB by default).
  case headerTooLarge(path: String, headerLength: UInt64, limit: Int)
  /// The header is not UTF-8, not JSON, or not the JSON the format prescribes.
  case invalidHeader(path: String, reason: String)
  /// Two tensors (or two metadata keys) share a name.
  case duplicateName(path: String, name: String)
  /// A tensor's `dtype` is not one dsdc reads (`F32`, `I64`, `U64`, `U8`).
  case unknownDType(path: String, name: String, dtype: String)
  /// A tensor's shape has a negative extent, or its byte size overflows.
  case invalidShape(path: String, name: String, reason: String)
  /// A tensor's `data_offsets` do not span exactly dtype size × element count bytes.
  case sizeMismatch(path: String, name: String, begin: Int, end: Int, expectedBytes: Int)
  /// A tensor's `data_offsets` reach outside the data that follows the header.
  case dataPastEnd(path: String, name: String, begin: Int, end: Int, dataSize: Int)
  /// Two tensors claim some of the same bytes.
  case overlappingTensors(path: String, name: String, other: String)
  /// Bytes `begin..<end` of the data belong to no tensor.
  case gapInData(path: String, begin: Int, end: Int)

  // MARK: - Matching a model

  /// The model needs a tensor that the file lacks.
  case missingTensor(path: String, name: String)
  /// The file holds a tensor that the model does not have.
  case unexpectedTensor(path: String, name: String)
  /// A tensor has another shape in the file than in the model.
  case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
  /// A tensor has another element type in the file than the model needs.
  case wrongDType(path: String, name: String, expected: SafetensorsDType, found: SafetensorsDType)
  /// A tensor holds a value no trained model has (NaN, ±∞, a negative variance).
  case impossibleValue(path: String, name: String, reason: String)
  /// The metadata describes no model or recipe dsdc accepts (`reason` names the value).
  case invalidMetadata(path: String, reason: String)

  /// The file the error is about.
  public var path: String {
    switch self {
    case .cannotRead(let path, _), .cannotWrite(let path, _), .fileTooShort(let path, _),
      .headerPastEnd(let path, _, _), .headerTooLarge(let path, _, _),
      .invalidHeader(let path, _), .duplicateName(let path, _), .unknownDType(let path, _, _),
      .invalidShape(let path, _, _), .sizeMismatch(let path, _, _, _, _),
      .dataPastEnd(let path, _, _, _, _), .overlappingTensors(let path, _, _),
      .gapInData(let path, _, _), .missingTensor(let path, _), .unexpectedTensor(let path, _),
      .shapeMismatch(let path, _, _, _), .wrongDType(let path, _, _, _), .impossibleValue(let path, _, _),
      .invalidMetadata(let path, _):
      return path
    }
  }

  /// One line, even when a hostile file's names hold line breaks or terminal escape
  /// sequences: control characters and line separators are shown as `\u{…}`.
  public var description: String { TerminalText.safe(text) }

  private var text: String {
    let notCheckpoint = "\(path) is not a dsdc checkpoint"
    let passOne = "HINT: pass a .safetensors file written by `dsdc train`"
    let otherModel = "HINT: the checkpoint belongs to another model; train this one with `dsdc train`"
    switch self {
    case .cannotRead(_, let message):
      return "cannot read \(path): \(message) — HINT: check the path and its permissions"
    case .cannotWrite(_, let message):
      return
        "cannot write \(path): \(message) (any previous file there is unchanged) — HINT: check that the folder exists, is writable and has free space"
    case .fileTooShort(_, let size):
      return "\(notCheckpoint) (it has \(size) bytes, fewer than the 8 of a header length) — \(passOne)"
    case .headerPastEnd(_, let length, let fileSize):
      return "\(notCheckpoint) (header length \(Self.power(length)) exceeds the file's \(fileSize) bytes) — \(passOne)"
    case .headerTooLarge(_, let length, let limit):
      return "\(notCheckpoint) (header length \(Self.power(length)) exceeds the limit of \(limit) bytes) — \(passOne)"
    case .invalidHeader(_, let reason):
      return "\(notCheckpoint) (\(reason)) — \(passOne)"
    case .duplicateName(_, let name):
      return "\(notCheckpoint) (the name \"\(name)\" appears twice in its header) — \(passOne)"
    case .unknownDType(_, let name, let dtype):
      return
        "\(path): tensor \"\(name)\" has dtype \"\(dtype)\", and dsdc reads only F32, I64, U64 and U8 — HINT: save the tensor as float32 (or int64/uint64/uint8)"
    case .invalidShape(_, let name, let reason):
      return "\(notCheckpoint) (tensor \"\(name)\": \(reason)) — \(passOne)"
    case .sizeMismatch(_, let name, let begin, let end, let expected):
      return
        "\(notCheckpoint) (tensor \"\(name)\" has data_offsets [\(begin), \(end)] but its dtype and shape need \(expected) bytes) — \(passOne)"
    case .dataPastEnd(_, let name, let begin, let end, let dataSize):
      return
        "\(notCheckpoint) (tensor \"\(name)\" has data_offsets [\(begin), \(end)] outside the \(dataSize) data bytes; the file may be truncated) — \(passOne)"
    case .overlappingTensors(_, let name, let other):
      return "\(notCheckpoint) (tensors \"\(other)\" and \"\(name)\" share bytes) — \(passOne)"
    case .gapInData(_, let begin, let end):
      return "\(notCheckpoint) (data bytes \(begin)..<\(end) belong to no tensor) — \(passOne)"
    case .missingTensor(_, let name):
      return "\(path) lacks the tensor \"\(name)\" that the model needs — \(otherModel)"
    case .unexpectedTensor(_, let name):
      return "\(path) holds a tensor \"\(name)\" that the model does not have — \(otherModel)"
    case .shapeMismatch(_, let name, let expected, let found):
      return "\(path): tensor \"\(name)\" has shape \(found), the model needs \(expected) — \(otherModel)"
    case .wrongDType(_, let name, let expected, let found):
      return "\(path): tensor \"\(name)\" is \(found.rawValue), the model needs \(expected.rawValue) — \(otherModel)"
    case .impossibleValue(_, let name, let reason):
      return
        "\(path): tensor \"\(name)\" holds an impossible value (\(reason)) — HINT: the model diverged or the file is damaged; use an earlier checkpoint or train again"
    case .invalidMetadata(_, let reason):
      return "\(path) describes no model dsdc can build (\(reason)) — \(passOne)"
    }
  }

  /// `2^k` for a power of two of 2^10 or more, else the plain number.
  private static func power(_ value: UInt64) -> String {
    if value >= 1024 && value.nonzeroBitCount == 1 { return "2^\(value.trailingZeroBitCount)" }
    return "\(value)"
  }
}
