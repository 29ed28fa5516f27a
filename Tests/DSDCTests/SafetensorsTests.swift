@testable import DSDC
import Foundation
import Testing

/// The bytes of a safetensors file: `n` as 8 little-endian bytes, the header, the data.
private func fileBytes(header: String, data: [UInt8] = []) -> [UInt8] {
  let json = Array(header.utf8)
  return littleEndian(UInt64(json.count)) + json + data
}

private func littleEndian(_ value: UInt64) -> [UInt8] {
  (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// The error that decoding `bytes` throws, or `nil` (recorded as a failure) when it succeeds.
private func decodingError(
  _ bytes: [UInt8], maxHeaderLength: Int = SafetensorsFile.maxHeaderLength,
  sourceLocation: SourceLocation = #_sourceLocation
) -> CheckpointError? {
  do {
    let file = try SafetensorsFile(bytes: bytes, path: "bad.safetensors", maxHeaderLength: maxHeaderLength)
    Issue.record("decoded a malformed file into \(file.names)", sourceLocation: sourceLocation)
    return nil
  } catch {
    #expect(!error.description.contains("\n"), "one line: \(error)", sourceLocation: sourceLocation)
    #expect(error.description.contains("bad.safetensors"), sourceLocation: sourceLocation)
    #expect(error.description.contains("HINT:"), sourceLocation: sourceLocation)
    return error
  }
}

/// The entry header of one tensor, `"name":{"dtype":…,"shape":[…],"data_offsets":[b,e]}`.
private func entry(_ name: String, _ dtype: String, _ shape: String, _ offsets: String) -> String {
  "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
}

/// A file holding every kind of tensor dsdc stores, with awkward values.
private func sampleFile() -> SafetensorsFile {
  var rng = SeededGenerator(seed: 42)
  var file = SafetensorsFile(metadata: ["format": "pt", "epoch": "3", "note": "ü \"quoted\"\n\u{01}"])
  file.append("blocks.0.depthwise.weight", Tensor.randomNormal(shape: [4, 1, 3, 3], using: &rng))
  file.append("blocks.0.depthwise.bias", Tensor(shape: [4], storage: [.nan, -.infinity, -0.0, .leastNonzeroMagnitude]))
  file.append("scale", Tensor(shape: [], storage: [1.5]))
  file.append("empty", Tensor(shape: [0, 3]))
  file.append("rng.state", shape: [4], values: .u64(rng.stateWords))
  file.append("step", shape: [], values: .i64([-1_234_567_890_123]))
  file.append("flags", shape: [3], values: .u8([0, 1, 255]))
  return file
}

@Suite("Safetensors", .removesTemporaryFolders)
struct SafetensorsTests {
  // MARK: - Round trips

  @Test("write then read gives the same tensors bit for bit, in layout order")
  func roundTrip() throws {
    let file = sampleFile()
    let url = try makeTemporaryDirectory().appendingPathComponent("sample.safetensors")
    try file.write(to: url)
    let back = try SafetensorsFile(contentsOf: url)

    #expect(
      back.names == [
        "rng.state", "step", "blocks.0.depthwise.bias", "blocks.0.depthwise.weight", "empty", "scale", "flags",
      ])
    #expect(back.names == file.layoutOrder.map(\.name))
    for name in file.names { #expect(back[name] == file[name], "\(name)") }
    #expect(back.metadata == file.metadata)
    #expect(back.path == url.path)
    #expect(
      try back.tensor("blocks.0.depthwise.bias", shape: [4]).storage.map(\.bitPattern)
        == [Float.nan, -.infinity, -0.0, .leastNonzeroMagnitude].map(\.bitPattern))
    #expect(try Data(contentsOf: url) == Data(file.encoded()))
    #expect(try SafetensorsFile(bytes: file.encoded()) == back)
  }

  @Test("the bytes depend only on the tensors and metadata, not on insertion order")
  func deterministic() {
    let file = sampleFile()
    var reversed = SafetensorsFile(metadata: file.metadata)
    for entry in file.entries.reversed() { reversed.append(entry.name, shape: entry.shape, values: entry.values) }
    #expect(file.encoded() == file.encoded())
    #expect(reversed.encoded() == file.encoded())
    let headerLength = file.encoded().prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect(headerLength % 8 == 0)
  }

  @Test("an empty file is 8 bytes of length and \"{}\" padded with spaces")
  func emptyFile() throws {
    #expect(SafetensorsFile().encoded() == littleEndian(8) + Array("{}      ".utf8))
    #expect(try SafetensorsFile(bytes: SafetensorsFile().encoded()) == SafetensorsFile())
  }

  // MARK: - Independent references

  /// Built by hand from the format's description: 139 bytes of JSON padded with 5
  /// spaces to 144 = 0x90, then 1.0 = 0x3F800000 and −2.0 = 0xC0000000 in
  /// little-endian, then the byte 7.
  static let handBuilt: [UInt8] =
    [0x90, 0, 0, 0, 0, 0, 0, 0]
    + Array(
      #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"mask":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}     "#
        .utf8)
    + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x07]

  @Test("the reader parses a file built by hand from the format description")
  func readsHandBuiltFile() throws {
    let file = try SafetensorsFile(bytes: Self.handBuilt)
    #expect(file.names == ["w", "mask"])
    #expect(try file.tensor("w", shape: [2]).storage == [1.0, -2.0])
    #expect(try file.uint8s("mask", shape: []) == [7])
    #expect(file.metadata == ["format": "pt"])
  }

  @Test("the writer produces the hand-built file byte for byte")
  func writesHandBuiltFile() {
    var file = SafetensorsFile(metadata: ["format": "pt"])
    file.append("mask", shape: [], values: .u8([7]))
    file.append("w", Tensor(shape: [2], storage: [1.0, -2.0]))
    #expect(file.encoded() == Self.handBuilt)
  }

  @Test("the reader accepts any valid JSON layout: spaces, key order, offsets out of order, no padding")
  func readsLooseHeader() throws {
    let header =
      "{ \"mask\" : {\"data_offsets\": [8, 9], \"shape\": [ ], \"dtype\": \"U8\"},\n\t\"\\u0077\": {\"shape\": [2], \"dtype\": \"F32\", \"data_offsets\": [0, 8]} }\n"
    let file = try SafetensorsFile(bytes: fileBytes(header: header, data: Array(Self.handBuilt.suffix(9))))
    #expect(file.names == ["w", "mask"])
    #expect(try file.tensor("w", shape: [2]).storage == [1.0, -2.0])
    #expect(file.metadata.isEmpty)
  }

  /// Written by the Python `safetensors` package (0.8.0), so the reader meets
  /// another implementation's output and the writer must reproduce it exactly:
  /// ```
  /// import numpy as np
  /// from safetensors.numpy import save_file
  /// save_file({
  ///     "weight": np.array([1.0, -2.0, 0.5, 3.25, -0.0, 1024.0], dtype=np.float32).reshape(2, 3),
  ///     "special": np.array([0x7F800000, 0xFF800000, 0x7FC00001, 0x00000001], dtype=np.uint32).view(np.float32),
  ///     "scale": np.array(1.5, dtype=np.float32),
  ///     "empty": np.zeros((0, 4), dtype=np.float32),
  ///     "step": np.array(1234567890123, dtype=np.int64),
  ///     "rng.state": np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64),
  ///     "mask": np.array([0, 1, 2, 254, 255], dtype=np.uint8),
  /// }, "reference.safetensors", metadata={"format": "pt"})
  /// ```
  @Test("a file written by the Python safetensors package reads, and the writer reproduces it")
  func pythonFixture() throws {
    let url = fixturesDirectory.appendingPathComponent("safetensors/reference.safetensors")
    let file = try SafetensorsFile(contentsOf: url)
    #expect(file.names == ["rng.state", "step", "empty", "scale", "special", "weight", "mask"])
    #expect(
      try file.tensor("weight", shape: [2, 3]).storage.map(\.bitPattern)
        == [1.0, -2.0, 0.5, 3.25, -0.0, 1024.0].map { Float($0).bitPattern })
    #expect(
      try file.tensor("special", shape: [4]).storage.map(\.bitPattern)
        == [0x7F80_0000, 0xFF80_0000, 0x7FC0_0001, 0x0000_0001])
    #expect(try file.tensor("scale", shape: []).storage == [1.5])
    #expect(try file.tensor("empty", shape: [0, 4]).storage.isEmpty)
    #expect(try file.int64s("step", shape: []) == [1_234_567_890_123])
    #expect(try file.uint64s("rng.state", shape: [4]) == [0, 1, 1 << 63, .max])
    #expect(try file.uint8s("mask", shape: [5]) == [0, 1, 2, 254, 255])
    #expect(file.metadata == ["format": "pt"])

    var mine = SafetensorsFile(metadata: ["format": "pt"])
    mine.append("weight", Tensor(shape: [2, 3], storage: [1.0, -2.0, 0.5, 3.25, -0.0, 1024.0]))
    mine.append(
      "special", Tensor(shape: [4], storage: [0x7F80_0000, 0xFF80_0000, 0x7FC0_0001, 1].map(Float.init(bitPattern:))))
    mine.append("scale", Tensor(shape: [], storage: [1.5]))
    mine.append("empty", Tensor(shape: [0, 4]))
    mine.append("step", shape: [], values: .i64([1_234_567_890_123]))
    mine.append("rng.state", shape: [4], values: .u64([0, 1, 1 << 63, .max]))
    mine.append("mask", shape: [5], values: .u8([0, 1, 2, 254, 255]))
    #expect(mine.encoded() == [UInt8](try Data(contentsOf: url)))
  }

  @Test(
    "names are escaped as JSON and read back",
    arguments: ["a\"b", "back\\slash", "tab\tnew\nline", "\u{01}\u{1F}", "ü-∂-😀", "/"])
  func escapedNames(name: String) throws {
    var file = SafetensorsFile(metadata: [name: name])
    file.append(name, Tensor(shape: [1], storage: [2]))
    let back = try SafetensorsFile(bytes: file.encoded())
    #expect(back == file)
  }

  @Test("control characters use the reference implementation's escapes")
  func escapes() {
    #expect(
      SafetensorsFile.quoted("a\"\\\u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F}é/") == #""a\"\\\b\f\n\r\t\u0001\u001f"#
        + "\u{7F}é/\"")
  }
}

// MARK: - Malformed files

/// One malformed file and the error it must raise.
struct MalformedCheckpoint: Sendable, CustomTestStringConvertible {
  /// What is wrong, for the test report.
  let label: String
  /// The whole file.
  let bytes: [UInt8]
  /// The exact error, or `nil` when `reasonContains` names an `invalidHeader` reason.
  let error: CheckpointError?
  /// Words the `invalidHeader` reason must contain.
  let reasonContains: String

  init(_ label: String, _ bytes: [UInt8], _ error: CheckpointError) {
    (self.label, self.bytes, self.error, self.reasonContains) = (label, bytes, error, "")
  }

  init(_ label: String, _ bytes: [UInt8], invalidHeader reason: String) {
    (self.label, self.bytes, self.error, self.reasonContains) = (label, bytes, nil, reason)
  }

  var testDescription: String { label }

  private static let p = "bad.safetensors"
  private static func zeros(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }
  /// A file with one or more tensor entries and `dataSize` zero bytes of data.
  private static func tensors(_ entries: String..., dataSize: Int) -> [UInt8] {
    fileBytes(header: "{" + entries.joined(separator: ",") + "}", data: zeros(dataSize))
  }

  static let all: [MalformedCheckpoint] = [
    // The 8-byte length.
    .init("empty file", [], .fileTooShort(path: p, size: 0)),
    .init("7 bytes", [8, 0, 0, 0, 0, 0, 0], .fileTooShort(path: p, size: 7)),
    .init(
      "header length 2^60", littleEndian(1 << 60) + Array("{}".utf8),
      .headerPastEnd(path: p, headerLength: 1 << 60, fileSize: 10)),
    .init("header length 2^64 − 1", littleEndian(.max), .headerPastEnd(path: p, headerLength: .max, fileSize: 8)),
    .init(
      "header one byte past the end", littleEndian(3) + Array("{}".utf8),
      .headerPastEnd(path: p, headerLength: 3, fileSize: 10)),
    // The JSON.
    .init("empty header", littleEndian(0), invalidHeader: "the header is empty"),
    .init("leading space", fileBytes(header: " {}"), invalidHeader: "does not start with '{'"),
    .init("array header", fileBytes(header: "[]"), invalidHeader: "does not start with '{'"),
    .init("invalid UTF-8", littleEndian(5) + [0x7B, 0x22, 0xFF, 0x22, 0x7D], invalidHeader: "not valid UTF-8"),
    .init("truncated JSON", fileBytes(header: "{\"w\":"), invalidHeader: "not valid JSON"),
    .init("trailing comma", fileBytes(header: "{\"__metadata__\":{},}"), invalidHeader: "not valid JSON"),
    .init("data after the JSON", fileBytes(header: "{} x"), invalidHeader: "not valid JSON"),
    .init("single quotes", fileBytes(header: "{'w':1}"), invalidHeader: "not valid JSON"),
    .init("lone surrogate", fileBytes(header: "{\"\\ud800\":{}}"), invalidHeader: "unpaired surrogate"),
    .init("raw control character", fileBytes(header: "{\"a\u{01}\":{}}"), invalidHeader: "control character"),
    .init(
      "100 000 nested arrays", fileBytes(header: "{\"__metadata__\":" + String(repeating: "[", count: 100_000)),
      invalidHeader: "nested deeper"),
    // Structure.
    .init(
      "entry not an object", fileBytes(header: "{\"w\":1}"), invalidHeader: "tensor \"w\": its entry is not an object"),
    .init(
      "metadata not an object", fileBytes(header: "{\"__metadata__\":\"x\"}"),
      invalidHeader: "__metadata__ is not an object"),
    .init(
      "metadata value not a string", fileBytes(header: "{\"__metadata__\":{\"k\":1}}"),
      invalidHeader: "__metadata__ value for \"k\" is not a string"),
    .init(
      "missing data_offsets", fileBytes(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[0]}}"),
      invalidHeader: "\"data_offsets\" is missing"),
    .init(
      "unknown field", fileBytes(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"x\":1}}"),
      invalidHeader: "unknown field \"x\""),
    .init(
      "repeated field",
      fileBytes(header: "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"),
      invalidHeader: "\"dtype\" appears twice"),
    .init(
      "dtype not a string",
      tensors(entry("w", "F32", "[0]", "[0,0]").replacingOccurrences(of: "\"F32\"", with: "32"), dataSize: 0),
      invalidHeader: "\"dtype\" is missing or not a string"),
    .init(
      "shape not an array", tensors(entry("w", "F32", "\"2\"", "[0,8]"), dataSize: 8),
      invalidHeader: "\"shape\" is missing or not an array"),
    .init(
      "shape holds a string", tensors(entry("w", "F32", "[\"2\"]", "[0,8]"), dataSize: 8),
      invalidHeader: "shape holds a value that is not a number"),
    .init("three offsets", tensors(entry("w", "F32", "[1]", "[0,4,8]"), dataSize: 8), invalidHeader: "not two numbers"),
    .init(
      "fractional offset", tensors(entry("w", "F32", "[2]", "[0,8.0]"), dataSize: 8), invalidHeader: "not an integer"),
    .init(
      "offset beyond 64 bits", tensors(entry("w", "F32", "[2]", "[0,184467440737095516160]"), dataSize: 8),
      invalidHeader: "184467440737095516160, which does not fit in 64 bits"),
    // Names, dtypes and shapes.
    .init(
      "duplicate names", tensors(entry("w", "F32", "[1]", "[0,4]"), entry("w", "F32", "[1]", "[4,8]"), dataSize: 8),
      .duplicateName(path: p, name: "w")),
    .init(
      "duplicate through an escape",
      tensors(entry("w", "F32", "[1]", "[0,4]"), entry("\\u0077", "F32", "[1]", "[4,8]"), dataSize: 8),
      .duplicateName(path: p, name: "w")),
    .init(
      "duplicate metadata key", fileBytes(header: "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}"),
      .duplicateName(path: p, name: "k")),
    .init(
      "unknown dtype", tensors(entry("w", "F16", "[2]", "[0,4]"), dataSize: 4),
      .unknownDType(path: p, name: "w", dtype: "F16")),
    .init(
      "negative extent", tensors(entry("w", "F32", "[2,-1]", "[0,0]"), dataSize: 0),
      .invalidShape(path: p, name: "w", reason: "extent -1 is negative")),
    .init(
      "fractional extent", tensors(entry("w", "F32", "[1.5]", "[0,4]"), dataSize: 4),
      .invalidShape(path: p, name: "w", reason: "extent 1.5 is not an integer")),
    .init(
      "extent beyond 64 bits", tensors(entry("w", "F32", "[99999999999999999999]", "[0,4]"), dataSize: 4),
      .invalidShape(path: p, name: "w", reason: "extent 99999999999999999999 does not fit in 64 bits")),
    .init(
      "element count overflows", tensors(entry("w", "U8", "[4294967296,4294967296]", "[0,0]"), dataSize: 0),
      .invalidShape(path: p, name: "w", reason: "shape [4294967296, 4294967296] holds more bytes than fit in 64 bits")),
    .init(
      "byte size overflows", tensors(entry("w", "F32", "[2305843009213693952]", "[0,0]"), dataSize: 0),
      .invalidShape(path: p, name: "w", reason: "shape [2305843009213693952] holds more bytes than fit in 64 bits")),
    // Offsets.
    .init(
      "offsets run past the end", tensors(entry("w", "F32", "[2]", "[0,8]"), dataSize: 4),
      .dataPastEnd(path: p, name: "w", begin: 0, end: 8, dataSize: 4)),
    .init(
      "negative offsets", tensors(entry("w", "F32", "[2]", "[-8,0]"), dataSize: 8),
      .dataPastEnd(path: p, name: "w", begin: -8, end: 0, dataSize: 8)),
    .init(
      "empty tensor past the end", tensors(entry("w", "F32", "[0]", "[9,9]"), dataSize: 8),
      .dataPastEnd(path: p, name: "w", begin: 9, end: 9, dataSize: 8)),
    .init(
      "offsets disagree with the shape", tensors(entry("w", "F32", "[2]", "[0,4]"), dataSize: 4),
      .sizeMismatch(path: p, name: "w", begin: 0, end: 4, expectedBytes: 8)),
    .init(
      "offsets reversed", tensors(entry("w", "F32", "[2]", "[8,0]"), dataSize: 8),
      .sizeMismatch(path: p, name: "w", begin: 8, end: 0, expectedBytes: 8)),
    .init(
      "offsets cover the wrong dtype", tensors(entry("w", "I64", "[1]", "[0,4]"), dataSize: 4),
      .sizeMismatch(path: p, name: "w", begin: 0, end: 4, expectedBytes: 8)),
    .init(
      "overlapping tensors",
      tensors(entry("a", "F32", "[2]", "[0,8]"), entry("b", "F32", "[2]", "[4,12]"), dataSize: 12),
      .overlappingTensors(path: p, name: "b", other: "a")),
    .init(
      "same bytes twice", tensors(entry("b", "F32", "[2]", "[0,8]"), entry("a", "F32", "[2]", "[0,8]"), dataSize: 8),
      .overlappingTensors(path: p, name: "a", other: "b")),
    .init(
      "empty tensor inside another",
      tensors(entry("a", "F32", "[2]", "[0,8]"), entry("z", "F32", "[0]", "[4,4]"), dataSize: 8),
      .overlappingTensors(path: p, name: "z", other: "a")),
    .init(
      "gap between tensors",
      tensors(entry("a", "F32", "[1]", "[0,4]"), entry("b", "F32", "[1]", "[8,12]"), dataSize: 12),
      .gapInData(path: p, begin: 4, end: 8)),
    .init(
      "gap at the start", tensors(entry("a", "F32", "[1]", "[4,8]"), dataSize: 8), .gapInData(path: p, begin: 0, end: 4)
    ),
    .init(
      "bytes after the last tensor", tensors(entry("a", "F32", "[1]", "[0,4]"), dataSize: 8),
      .gapInData(path: p, begin: 4, end: 8)),
    .init("data but no tensors", fileBytes(header: "{}", data: zeros(3)), .gapInData(path: p, begin: 0, end: 3)),
  ]
}

@Suite("Safetensors: malformed files", .removesTemporaryFolders)
struct SafetensorsMalformedTests {
  @Test("each malformed file throws its error", arguments: MalformedCheckpoint.all)
  func throwsExpectedError(_ bad: MalformedCheckpoint) throws {
    let error = try #require(decodingError(bad.bytes))
    if let expected = bad.error {
      #expect(error == expected)
    } else if case .invalidHeader(_, let reason) = error {
      #expect(reason.contains(bad.reasonContains), "reason: \(reason)")
    } else {
      Issue.record("expected invalidHeader containing \"\(bad.reasonContains)\", got \(error)")
    }
  }

  @Test("the same errors come from reading the bytes as a file", arguments: MalformedCheckpoint.all.prefix(6))
  func throwsFromFile(_ bad: MalformedCheckpoint) throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("bad.safetensors")
    try Data(bad.bytes).write(to: url)
    #expect {
      try SafetensorsFile(contentsOf: url)
    } throws: { error in
      guard let error = error as? CheckpointError else { return false }
      if let expected = bad.error {
        return error.description == expected.description.replacingOccurrences(of: "bad.safetensors", with: url.path)
      }
      return error.description.contains(bad.reasonContains)
    }
  }

  @Test("a header over the limit is refused before it is read")
  func headerLimit() throws {
    let bytes = fileBytes(header: "{}" + String(repeating: " ", count: 22))
    #expect(
      decodingError(bytes, maxHeaderLength: 16) == .headerTooLarge(path: "bad.safetensors", headerLength: 24, limit: 16)
    )
    #expect(try SafetensorsFile(bytes: bytes, maxHeaderLength: 24).names.isEmpty)
    let message = CheckpointError.headerTooLarge(
      path: "m.safetensors", headerLength: 1 << 40, limit: SafetensorsFile.maxHeaderLength
    ).description
    #expect(message.contains("2^40") && message.contains("100000000"))
    #expect(
      CheckpointError.headerPastEnd(path: "m.safetensors", headerLength: 1 << 60, fileSize: 1234).description
        == "m.safetensors is not a dsdc checkpoint (header length 2^60 exceeds the file's 1234 bytes) — HINT: pass a .safetensors file written by `dsdc train`"
    )
  }

  @Test("a missing file or a folder cannot be read, and the message says which")
  func unreadable() throws {
    let folder = try makeTemporaryDirectory()
    let missing = folder.appendingPathComponent("missing.safetensors")
    let cases = [
      (missing, "no such file"), (missing.appendingPathComponent("x"), "no such file"),
      (folder, "it is a folder, not a file"),
    ]
    for (url, message) in cases {
      #expect(throws: CheckpointError.cannotRead(path: url.path, message: message)) {
        try SafetensorsFile(contentsOf: url)
      }
    }
  }
}

// MARK: - Matching a model

@Suite("Safetensors: matching a model", .removesTemporaryFolders)
struct CheckpointExpectationTests {
  static let model: [(name: String, shape: [Int])] = [
    ("conv.weight", [2, 1, 3, 3]), ("conv.bias", [2]), ("head.weight", [10, 2]),
  ]

  /// A file as training saves it: the model's tensors in state_dict order, then training state.
  static func checkpoint(skipping skipped: String? = nil) -> SafetensorsFile {
    var file = SafetensorsFile(metadata: ["format": "pt"])
    for (index, (name, shape)) in model.enumerated() where name != skipped {
      file.append(name, Tensor(shape: shape, repeating: Float(index)))
    }
    file.append("rng.state", shape: [4], values: .u64([1, 2, 3, 4]))
    file.append("step", shape: [], values: .i64([17]))
    return file
  }

  @Test("a matching file gives the model's tensors in the order asked for")
  func matches() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("model.safetensors")
    try Self.checkpoint().write(to: url)
    let file = try SafetensorsFile(contentsOf: url)
    let tensors = try file.modelTensors(Self.model, allowingOthers: ["rng.state", "step"])
    #expect(tensors.map(\.shape) == Self.model.map(\.shape))
    #expect(tensors.map { $0.storage.first } == [0, 1, 2])
    #expect(try file.uint64s("rng.state", shape: [4]) == [1, 2, 3, 4])
    #expect(try file.int64s("step", shape: []) == [17])
  }

  @Test("a missing tensor is named")
  func missing() {
    #expect(throws: CheckpointError.missingTensor(path: "(in-memory checkpoint)", name: "conv.bias")) {
      try Self.checkpoint(skipping: "conv.bias").modelTensors(Self.model, allowingOthers: ["rng.state", "step"])
    }
  }

  @Test("an unexpected tensor is named")
  func unexpected() {
    #expect(throws: CheckpointError.unexpectedTensor(path: "(in-memory checkpoint)", name: "step")) {
      try Self.checkpoint().modelTensors(Self.model, allowingOthers: ["rng.state"])
    }
  }

  @Test("a shape mismatch names the tensor and both shapes")
  func shapeMismatch() throws {
    var model = Self.model
    model[2].shape = [10, 3]
    let file = try SafetensorsFile(bytes: Self.checkpoint().encoded(), path: "m.safetensors")
    #expect(
      throws: CheckpointError.shapeMismatch(
        path: "m.safetensors", name: "head.weight", expected: [10, 3], found: [10, 2])
    ) {
      try file.modelTensors(model, allowingOthers: ["rng.state", "step"])
    }
    #expect(
      CheckpointError.shapeMismatch(path: "m.safetensors", name: "head.weight", expected: [10, 3], found: [10, 2])
        .description
        .hasPrefix("m.safetensors: tensor \"head.weight\" has shape [10, 2], the model needs [10, 3] — HINT:"))
  }

  @Test("a wrong dtype names the tensor and both dtypes")
  func wrongDType() {
    let file = Self.checkpoint()
    #expect(
      throws: CheckpointError.wrongDType(path: "(in-memory checkpoint)", name: "rng.state", expected: .f32, found: .u64)
    ) {
      try file.modelTensors(Self.model + [("rng.state", [4])], allowingOthers: ["step"])
    }
    #expect(
      throws: CheckpointError.wrongDType(path: "(in-memory checkpoint)", name: "step", expected: .u64, found: .i64)
    ) {
      try file.uint64s("step", shape: [])
    }
  }
}

// MARK: - Atomic writing

@Suite("Safetensors: atomic writing", .removesTemporaryFolders)
struct SafetensorsAtomicWriteTests {
  struct Interrupted: Error {}

  @Test("a path under a regular file cannot be written, and nothing is left behind")
  func pathUnderAFile() throws {
    let folder = try makeTemporaryDirectory()
    let blocker = folder.appendingPathComponent("blocker")
    try Data("not a folder".utf8).write(to: blocker)
    #expect {
      try sampleFile().write(to: blocker.appendingPathComponent("model.safetensors"))
    } throws: { error in
      guard case .cannotWrite(let path, _) = error as? CheckpointError else { return false }
      return path.hasSuffix("blocker/model.safetensors")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["blocker"])
    #expect(try Data(contentsOf: blocker) == Data("not a folder".utf8))
  }

  @Test("a failed rename (onto a folder) removes the temporary file")
  func renameOntoAFolder() throws {
    let folder = try makeTemporaryDirectory()
    let target = folder.appendingPathComponent("model.safetensors")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
    #expect(throws: CheckpointError.self) { try sampleFile().write(to: target) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
  }

  @Test("a write that fails after the temporary file is complete leaves the previous file intact")
  func previousFileSurvives() throws {
    let folder = try makeTemporaryDirectory()
    let url = folder.appendingPathComponent("model.safetensors")
    let good = SafetensorsExpectationFixture.small
    try good.write(to: url)
    let before = try Data(contentsOf: url)

    var temporaryFiles: [String] = []
    #expect(throws: CheckpointError.self) {
      try sampleFile().write(to: url) {
        temporaryFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
          $0.hasPrefix(".model.safetensors.tmp-")
        }
        throw Interrupted()
      }
    }
    #expect(temporaryFiles.count == 1, "the temporary file existed before the rename")
    #expect(try Data(contentsOf: url) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    #expect(try SafetensorsFile(contentsOf: url) == good)
  }

  @Test("a successful write replaces the previous file and leaves no temporary file")
  func replaces() throws {
    let folder = try makeTemporaryDirectory()
    let url = folder.appendingPathComponent("model.safetensors")
    try SafetensorsExpectationFixture.small.write(to: url)
    try sampleFile().write(to: url)
    #expect(try SafetensorsFile(contentsOf: url) == SafetensorsFile(bytes: sampleFile().encoded()))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
  }
}

/// A second, different checkpoint for the overwrite tests.
enum SafetensorsExpectationFixture {
  static var small: SafetensorsFile {
    var file = SafetensorsFile(metadata: ["format": "pt"])
    file.append("w", Tensor(shape: [3], storage: [1, 2, 3]))
    return file
  }
}

// MARK: - Robustness

@Suite("Safetensors: robustness", .removesTemporaryFolders)
struct SafetensorsRobustnessTests {
  @Test("every truncation of a valid file throws, from memory and from disk")
  func truncations() throws {
    let bytes = sampleFile().encoded()
    let folder = try makeTemporaryDirectory()
    let url = folder.appendingPathComponent("cut.safetensors")
    for length in 0..<bytes.count {
      let prefix = Array(bytes.prefix(length))
      #expect(throws: CheckpointError.self, "length \(length)") { try SafetensorsFile(bytes: prefix) }
      try Data(prefix).write(to: url)
      #expect(throws: CheckpointError.self, "length \(length)") { try SafetensorsFile(contentsOf: url) }
    }
    #expect(try SafetensorsFile(bytes: bytes) == SafetensorsFile(bytes: sampleFile().encoded()))
  }

  @Test("random changes to the length and header bytes throw or decode consistently, never crash")
  func mutations() throws {
    let bytes = sampleFile().encoded()
    let headerEnd = 8 + bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    let significant = Array("{}[]\":,-.0123456789eE \\u".utf8)
    var rng = SeededGenerator(seed: 2024)
    var decoded = 0
    for _ in 0..<20_000 {
      var mutated = bytes
      for _ in 0..<Int.random(in: 1...3, using: &rng) {
        let position = Int.random(in: 0..<headerEnd, using: &rng)
        mutated[position] =
          Bool.random(using: &rng)
          ? significant.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
      }
      do {
        let file = try SafetensorsFile(bytes: mutated)
        decoded += 1
        for entry in file.entries { #expect(entry.shape.reduce(1, *) == entry.values.count) }
        #expect(try SafetensorsFile(bytes: file.encoded()).encoded() == file.encoded())
      } catch {
        #expect(!error.description.isEmpty)
      }
    }
    #expect(decoded < 20_000, "some mutations must be caught")
  }
}
