import Foundation

/// Folder names made from file names, safe on any file system: `dsdc predict` writes
/// one folder per input picture, named after the picture.
public enum FolderName {
  /// The longest name `safe` returns.
  public static let maximumLength = 64
  /// The name when nothing usable is left.
  public static let fallback = "picture"

  /// The file name of `path` without its extension, with ASCII letters, digits and
  /// `_ . -` kept and every run of other characters (spaces, `/`, control characters,
  /// non-ASCII letters) turned into one `-`; no `.` or `-` at either end; at most
  /// `maximumLength` characters; `fallback` if nothing is left.
  /// `../My Digit (2).png` → `My-Digit-2`.
  public static func safe(stem path: String) -> String {
    let file = (path as NSString).lastPathComponent
    let stem = (file as NSString).deletingPathExtension
    var name = ""
    for scalar in stem.unicodeScalars {
      let keep =
        scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_.-".unicodeScalars.contains(scalar))
      if keep {
        name.unicodeScalars.append(scalar)
      } else if !name.hasSuffix("-") {
        name += "-"
      }
    }
    let trimmed = String(name.prefix(maximumLength)).trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
    return trimmed.isEmpty ? fallback : trimmed
  }

  /// `names` made distinct, in order, ignoring case (two folders `A` and `a` are one on
  /// some file systems): a name already taken gets `-2`, `-3`, … `["7", "7", "8"]` →
  /// `["7", "7-2", "8"]`.
  public static func distinct(_ names: [String]) -> [String] {
    var taken: Set<String> = []
    return names.map { name in
      var candidate = name
      var suffix = 2
      while taken.contains(candidate.lowercased()) {
        candidate = "\(name)-\(suffix)"
        suffix += 1
      }
      taken.insert(candidate.lowercased())
      return candidate
    }
  }
}
