import CCrypto
import Foundation

/// SHA-256 sums of the decompressed IDX files, as listed in a `CHECKSUMS.md`
/// table next to them (`| file | bytes | md5 | sha256 |`).
public struct Checksums: Sendable {
  /// File name (without `.gz`) → lowercase hex SHA-256.
  public var sha256: [String: String]

  /// Parses the markdown table: a row whose first cell is a file name and whose
  /// last non-empty cell is 64 hex digits.
  public init(markdown: String) {
    var sums: [String: String] = [:]
    for line in markdown.split(separator: "\n") where line.hasPrefix("|") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard let name = cells.first, let last = cells.last(where: { !$0.isEmpty }),
        last.count == 64, last.allSatisfy(\.isHexDigit)
      else { continue }
      sums[name] = last.lowercased()
    }
    sha256 = sums
  }

  /// Reads `CHECKSUMS.md` from `directory`.
  public static func load(directory: URL) throws(MNISTError) -> Checksums {
    let url = directory.appendingPathComponent("CHECKSUMS.md")
    if let problem = InputFile.problem(url.path) { throw .unreadable(path: url.path, reason: problem) }
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw .noChecksum(path: url.path, file: "any file (CHECKSUMS.md is missing or unreadable)")
    }
    return Checksums(markdown: text)
  }

  /// The hex SHA-256 of some bytes (computed by OpenSSL's libcrypto).
  public static func sha256Hex(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = bytes.withUnsafeBytes { input in
      EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
    }
    precondition(ok == 1 && length == 32, "libcrypto's SHA-256 failed")
    return digest.prefix(32).map { String(format: "%02x", $0) }.joined()
  }

  /// Checks one decompressed file's bytes (header and data) against its listed sum.
  public func verify(file name: String, bytes: [UInt8], path: String) throws(MNISTError) {
    guard let expected = sha256[name] else { throw .noChecksum(path: path, file: name) }
    let found = Checksums.sha256Hex(bytes)
    guard found == expected else { throw .checksumMismatch(path: path, expected: expected, found: found) }
  }
}
