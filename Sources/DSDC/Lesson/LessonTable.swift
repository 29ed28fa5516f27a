import Foundation

extension LessonContext {
  /// Prints a table's lines, each after `indent`, if they all fit in `lineWidth`
  /// columns; otherwise writes them into the lesson's folder as the text file `name`
  /// and says so, with the table's width:
  /// `  (the table is 113 columns wide, more than the 80 of a line)`, then `  → wrote Output/01-mnist/values.txt`.
  public func sayTable(_ lines: [String], indent: String = "  ", file name: String) throws {
    let widest = lines.map { DisplayWidth.of(indent + $0) }.max() ?? 0
    guard widest > Self.lineWidth else {
      for line in lines { say(indent + line) }
      return
    }
    let url = try path(name)
    try OutputFolder.writeAtomically(Data((lines.joined(separator: "\n") + "\n").utf8), to: url)
    recordWritten(url)
    say(indent + "(the table is \(widest) columns wide, more than the \(Self.lineWidth) of a line)")
    say("  → wrote " + DisplayPath.of(url))
  }
}
