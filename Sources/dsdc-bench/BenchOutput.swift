// What every dsdc-bench command shares besides timing: reading its options, failing with
// one line on bad input, and writing JSON.

import Foundation

/// A subcommand's name, for its error lines: `dsdc-bench NAME: message`.
struct BenchCommand {
  var name: String

  /// Prints `dsdc-bench NAME: message` to standard error and exits with status 1.
  func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("dsdc-bench \(name): \(message)\n".utf8))
    exit(1)
  }

  /// `arguments` read as `--name value` pairs over `defaults` (every name it knows, with
  /// its default value) and bare `flags`; an unknown name fails with `usage`, the list of
  /// options, and a name without its value fails too.
  func options(_ arguments: [String], defaults: [String: String], flags: Set<String> = [], usage: String)
    -> (values: [String: String], flags: Set<String>)
  {
    var values = defaults
    var given: Set<String> = []
    var rest = arguments[...]
    while let name = rest.popFirst() {
      if flags.contains(name) {
        given.insert(name)
        continue
      }
      guard values[name] != nil else { fail("unknown option '\(name)' (\(usage))") }
      guard let value = rest.popFirst() else { fail("\(name) needs a value") }
      values[name] = value
    }
    return (values, given)
  }
}

/// `value` as JSON with sorted keys, on one line or (`pretty`) indented. A non-finite
/// number, which JSON cannot hold, is written as the string "inf", "-inf" or "nan".
func jsonText<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(
    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
    preconditionFailure("\(T.self) did not encode as JSON")
  }
  return text
}

/// Prints `value` as JSON (see `jsonText`).
func printJSON<T: Encodable>(_ value: T, pretty: Bool = false) { print(jsonText(value, pretty: pretty)) }

/// Fixed-point text with `decimals` digits: `format(2.345, 2)` → `2.35`.
func format(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }

/// `text` right-aligned in `width` characters (never cut).
func pad(_ text: String, _ width: Int) -> String {
  text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
