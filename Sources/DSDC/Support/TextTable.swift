/// Rows of text cells set in columns for a terminal: each column as wide as its widest
/// cell, two spaces between columns, every cell left- or right-aligned in its column,
/// and no spaces at the end of a line.
/// ```
/// TextTable.lines([["layer", "params"], ["stem", "288"]]) { $0 == 0 }
/// // layer  params
/// // stem      288
/// ```
/// Widths count characters (`String.count`): the tables hold digits, Latin letters and
/// symbols that take one column each.
public enum TextTable {
  /// The width of each column: its widest cell over `rows` (all of one length).
  public static func widths(_ rows: [[String]]) -> [Int] {
    guard let first = rows.first else { return [] }
    return first.indices.map { column in rows.map { $0[column].count }.max()! }
  }

  /// `cells` padded to `widths`, left-aligned where `leftAligned(column)`.
  public static func line(_ cells: [String], widths: [Int], leftAligned: (Int) -> Bool) -> String {
    let padded = cells.indices.map { column in
      let padding = String(repeating: " ", count: Swift.max(0, widths[column] - cells[column].count))
      return leftAligned(column) ? cells[column] + padding : padding + cells[column]
    }
    var text = padded.joined(separator: "  ")
    while text.last == " " { text.removeLast() }
    return text
  }

  /// A rule of dashes under each column: `-----  ------`.
  public static func rule(_ widths: [Int]) -> String {
    widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
  }

  /// Every row of `rows` set in columns as wide as their widest cell.
  public static func lines(_ rows: [[String]], leftAligned: (Int) -> Bool) -> [String] {
    let widths = widths(rows)
    return rows.map { line($0, widths: widths, leftAligned: leftAligned) }
  }
}
