import Foundation

/// What the program may assume about where its output goes: a terminal that can redraw
/// a line in place and show colour, or a pipe, a file, or a dumb terminal that gets
/// plain lines.
public enum Terminal {
  /// The width assumed when nothing says otherwise.
  public static let defaultColumns = 80

  /// Whether `fileDescriptor` is a terminal that understands control sequences: a
  /// terminal (`isatty`) whose `TERM` is not `dumb`.
  public static func isInteractive(
    _ fileDescriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Bool {
    isatty(fileDescriptor) == 1 && environment["TERM"] != "dumb"
  }

  /// The width of the terminal `fileDescriptor` writes to, in columns: what the
  /// terminal reports (`ioctl TIOCGWINSZ`), else `$COLUMNS`, else 80.
  public static func columns(
    _ fileDescriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Int {
    var size = winsize()
    let reported = ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0 ? Int(size.ws_col) : nil
    return columns(reported: reported, environment: environment)
  }

  /// The rule of `columns(_:)`: a positive reported width, else a positive `$COLUMNS`
  /// (at most 10,000), else `defaultColumns`.
  public static func columns(reported: Int?, environment: [String: String]) -> Int {
    if let reported, reported > 0 { return reported }
    if let text = environment["COLUMNS"], let columns = Int(text), (1...10_000).contains(columns) { return columns }
    return defaultColumns
  }

  /// Whether output gets colour (https://no-color.org): only on a terminal, never when
  /// `NO_COLOR` is set to anything but the empty string, never when `TERM` is `dumb`.
  public static func wantsColour(isTerminal: Bool, environment: [String: String]) -> Bool {
    guard isTerminal, environment["TERM"] != "dumb" else { return false }
    if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
    return true
  }
}
