import Foundation

/// Turning plain text and file paths into safe HTML: every piece of text the
/// report shows passes through `escape`, every link through `relativeURL`.
public enum HTMLText {
  /// Escapes the five characters that HTML gives a meaning to.
  /// ```
  /// escape("a < b & \"c\"") == "a &lt; b &amp; &quot;c&quot;"
  /// ```
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(ch)
      }
    }
    return out
  }

  /// Undoes `escape` and numeric character references, for reading links back out of a page.
  public static func unescape(_ text: String) -> String {
    guard text.contains("&") else { return text }
    var out = ""
    var rest = Substring(text)
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
        out += "&"
        rest = rest[rest.index(after: amp)...]
        continue
      }
      let name = rest[rest.index(after: amp)..<semi]
      let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
      if let value = named[name] {
        out += value
      } else if name.hasPrefix("#x") || name.hasPrefix("#X"), let code = UInt32(name.dropFirst(2), radix: 16),
        let scalar = Unicode.Scalar(code)
      {
        out.unicodeScalars.append(scalar)
      } else if name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) {
        out.unicodeScalars.append(scalar)
      } else {
        out += rest[amp...semi]
      }
      rest = rest[rest.index(after: semi)...]
    }
    return out + rest
  }

  /// A relative path as a link target: each component percent-encoded, `/` kept.
  /// ```
  /// relativeURL("03-depthwise/maps #1.png") == "03-depthwise/maps%20%231.png"
  /// ```
  public static func relativeURL(_ path: String) -> String {
    var allowed = CharacterSet.alphanumerics
    // `:` is encoded too, so that a first component like `a:b.png` never reads as a scheme.
    allowed.insert(charactersIn: "-._~!$()*+,;=@")
    return path.split(separator: "/", omittingEmptySubsequences: false).map { component in
      // `alphanumerics` includes non-ASCII letters; encode everything outside ASCII.
      String(component).unicodeScalars.map { scalar in
        scalar.isASCII && allowed.contains(scalar)
          ? String(scalar) : String(scalar).utf8.map { String(format: "%%%02X", $0) }.joined()
      }.joined()
    }.joined(separator: "/")
  }

  /// A file name as a caption: extension dropped, `-` and `_` as spaces, first letter capitalised.
  /// ```
  /// caption("first-100.png") == "First 100"
  /// caption("maps_dilation-2.png") == "Maps dilation 2"
  /// ```
  public static func caption(_ fileName: String) -> String {
    let stem = (fileName as NSString).deletingPathExtension
    let words = stem.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
      .split(separator: " ").joined(separator: " ")
    guard let first = words.first else { return fileName }
    return first.uppercased() + words.dropFirst()
  }
}
