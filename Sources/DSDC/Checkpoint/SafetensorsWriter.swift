import Foundation

extension SafetensorsFile {
  /// The file's bytes: the same entries and metadata always give the same bytes.
  ///
  /// ```
  /// [n: UInt64 little-endian][header JSON, spaces up to a multiple of 8][data]
  /// {"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
  /// ```
  /// The JSON is compact, `__metadata__` comes first with its keys sorted (and is
  /// left out when empty), then the tensors in `layoutOrder`, each with `dtype`,
  /// `shape`, `data_offsets` — byte for byte what the reference implementation
  /// writes for the same tensors (and at most one metadata key, since it does not
  /// sort them). Padding keeps the data 8-byte aligned, so with the layout order
  /// every tensor starts at a multiple of its element size.
  public func encoded() -> [UInt8] {
    let ordered = layoutOrder
    var json = "{"
    var fields: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        .map { "\(Self.quoted($0.key)):\(Self.quoted($0.value))" }
      fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for entry in ordered {
      let size = entry.values.count * entry.dtype.size
      let shape = entry.shape.map(String.init).joined(separator: ",")
      fields.append(
        "\(Self.quoted(entry.name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}"
      )
      offset += size
    }
    json += fields.joined(separator: ",") + "}"
    var header = Array(json.utf8)
    header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 + header.count + offset)
    Self.appendLittleEndian([UInt64(header.count)], to: &bytes)
    bytes.append(contentsOf: header)
    for entry in ordered {
      switch entry.values {
      case .f32(let v): Self.appendLittleEndian(v.map(\.bitPattern), to: &bytes)
      case .i64(let v): Self.appendLittleEndian(v, to: &bytes)
      case .u64(let v): Self.appendLittleEndian(v, to: &bytes)
      case .u8(let v): bytes.append(contentsOf: v)
      }
    }
    return bytes
  }

  /// Writes the file atomically: the previous file at `url`, if any, is never damaged.
  ///
  /// The bytes go to a fresh temporary file in the same folder, which is flushed
  /// to disk (`fsync`) and then renamed onto `url` (a rename within one file
  /// system replaces the old file in one step); the folder is flushed too, so the
  /// new name survives a power cut. On any failure the temporary file is removed
  /// (see `AtomicFile`; a process killed mid-write leaves it, and the next training
  /// run into the folder removes it).
  /// ```
  /// try file.write(to: URL(fileURLWithPath: "Output/model.safetensors"))
  /// ```
  /// - Throws: `CheckpointError.cannotWrite` with the system's reason.
  public func write(to url: URL) throws(CheckpointError) {
    try write(to: url, beforeRename: {})
  }

  /// `write(to:)` with a step run after the temporary file is complete and before
  /// the rename (see `AtomicFile.replace`).
  func write(to url: URL, beforeRename: () throws -> Void) throws(CheckpointError) {
    let path = url.path
    let bytes = encoded()
    let headerLength = bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard headerLength <= UInt64(Self.maxHeaderLength) else {
      throw .cannotWrite(
        path: path,
        message: "its header would be \(headerLength) bytes, more than the \(Self.maxHeaderLength) that readers accept")
    }
    do {
      try AtomicFile.replace(path, with: bytes, beforeRename: beforeRename)
    } catch {
      throw .cannotWrite(path: path, message: error.message)
    }
  }

  /// A JSON string literal, escaped as the reference implementation escapes it:
  /// `"` and `\`, the short escapes for control characters that have one, `\u00XX`
  /// for the rest below U+0020; everything else as UTF-8.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{00}"..."\u{1F}":
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// Appends integers as little-endian bytes.
  private static func appendLittleEndian<T: FixedWidthInteger>(_ values: [T], to bytes: inout [UInt8]) {
    #if _endian(little)
      values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
      for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    #endif
  }
}
