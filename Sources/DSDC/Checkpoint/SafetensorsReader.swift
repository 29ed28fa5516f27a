import Foundation

extension SafetensorsFile {
  /// The longest header a reader accepts (100 MB, the reference implementation's limit).
  public static let maxHeaderLength = 100_000_000

  /// Reads a safetensors file, checking all of it before trusting any of it.
  ///
  /// Only the 8-byte length and the header are read first; the header is
  /// checked in full (see `SafetensorsHeader`) against the file's size, and
  /// only then is the data read, in one piece, and decoded from little-endian.
  /// ```
  /// let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: "model.safetensors"))
  /// ```
  /// - Throws: `CheckpointError`, naming the file and what is wrong with it.
  public init(contentsOf url: URL, maxHeaderLength: Int = Self.maxHeaderLength) throws(CheckpointError) {
    let path = url.path
    if let problem = InputFile.problem(path) { throw .cannotRead(path: path, message: problem) }
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw .cannotRead(path: path, message: InputFile.isMissing(path) ? "no such file" : error.localizedDescription)
    }
    defer { try? handle.close() }

    do {
      let fileSize = Int(clamping: try handle.seekToEnd())
      try handle.seek(toOffset: 0)
      let prefix = [UInt8](try handle.read(upToCount: 8) ?? Data())
      guard prefix.count == min(8, fileSize) else { throw Self.changedWhileReading(path) }
      let headerLength = try Self.headerLength(
        prefix: prefix, fileSize: fileSize, maxHeaderLength: maxHeaderLength, path: path)

      let headerBytes = [UInt8](try handle.read(upToCount: headerLength) ?? Data())
      guard headerBytes.count == headerLength else { throw Self.changedWhileReading(path) }
      let dataSize = fileSize - 8 - headerLength
      let header = try SafetensorsHeader(bytes: headerBytes, dataSize: dataSize, path: path)

      let data = try handle.read(upToCount: dataSize) ?? Data()
      guard data.count == dataSize else { throw Self.changedWhileReading(path) }
      let entries = data.withUnsafeBytes { Self.decode(header.layouts, from: $0) }
      self.init(entries: entries, metadata: header.metadata, path: path)
    } catch let error as CheckpointError {
      throw error
    } catch {
      throw .cannotRead(path: path, message: error.localizedDescription)
    }
  }

  /// Decodes the bytes of a whole safetensors file held in memory, with the same
  /// checks as reading it from disk; `path` names it in errors.
  public init(
    bytes: [UInt8], path: String = "(in-memory checkpoint)", maxHeaderLength: Int = Self.maxHeaderLength
  ) throws(CheckpointError) {
    let headerLength = try Self.headerLength(
      prefix: Array(bytes.prefix(8)), fileSize: bytes.count, maxHeaderLength: maxHeaderLength, path: path)
    let header = try SafetensorsHeader(
      bytes: Array(bytes[8..<8 + headerLength]), dataSize: bytes.count - 8 - headerLength, path: path)
    let entries = bytes.withUnsafeBytes {
      Self.decode(header.layouts, from: UnsafeRawBufferPointer(rebasing: $0[(8 + headerLength)...]))
    }
    self.init(entries: entries, metadata: header.metadata, path: path)
  }

  /// The header length `n` from the file's first 8 bytes, checked against the
  /// file size and the limit before anything of that size is allocated.
  private static func headerLength(
    prefix: [UInt8], fileSize: Int, maxHeaderLength: Int, path: String
  ) throws(CheckpointError) -> Int {
    guard fileSize >= 8, prefix.count == 8 else { throw .fileTooShort(path: path, size: fileSize) }
    let length = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }  // little-endian
    guard length <= UInt64(fileSize - 8) else {
      throw .headerPastEnd(path: path, headerLength: length, fileSize: fileSize)
    }
    guard length <= UInt64(maxHeaderLength) else {
      throw .headerTooLarge(path: path, headerLength: length, limit: maxHeaderLength)
    }
    return Int(length)
  }

  private static func changedWhileReading(_ path: String) -> CheckpointError {
    .cannotRead(path: path, message: "the file changed size while it was being read")
  }

  /// The entries laid out by `layouts` in `data`, decoded from little-endian.
  private static func decode(_ layouts: [SafetensorsLayout], from data: UnsafeRawBufferPointer) -> [SafetensorsEntry] {
    layouts.map { layout in
      let count = (layout.end - layout.begin) / layout.dtype.size
      let values: SafetensorsValues
      switch layout.dtype {
      case .f32:
        values = .f32(load(UInt32.self, count: count, at: layout.begin, from: data).map(Float.init(bitPattern:)))
      case .i64: values = .i64(load(Int64.self, count: count, at: layout.begin, from: data))
      case .u64: values = .u64(load(UInt64.self, count: count, at: layout.begin, from: data))
      case .u8: values = .u8(Array(data[layout.begin..<layout.end]))
      }
      return SafetensorsEntry(name: layout.name, shape: layout.shape, values: values)
    }
  }

  /// `count` little-endian integers starting at byte `offset` (no alignment needed).
  private static func load<T: FixedWidthInteger>(
    _: T.Type, count: Int, at offset: Int, from data: UnsafeRawBufferPointer
  ) -> [T] {
    precondition(offset >= 0 && offset + count * MemoryLayout<T>.size <= data.count, "checked by SafetensorsHeader")
    // For no elements the initializer below would store the count into the shared
    // empty-array singleton, a (benign) data race that ThreadSanitizer reports.
    guard count > 0 else { return [] }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      for i in 0..<count {
        buffer[i] = T(littleEndian: data.loadUnaligned(fromByteOffset: offset + i * MemoryLayout<T>.size, as: T.self))
      }
      initialized = count
    }
  }
}
