import Foundation

extension LessonContext {
  /// Renders a figure into the lesson's folder as `name` (atomically), records it
  /// for the end-of-run list and the report, and says where it went (`DisplayPath`).
  @discardableResult
  public func write(_ figure: some Figure, as name: String) throws -> URL {
    let url = try path(name)
    try figure.writePNG(to: url.path)
    recordWritten(url)
    say("  → wrote " + DisplayPath.of(url))
    return url
  }
}

extension LessonContext {
  /// Writes maps to compare twice: as given (each tile on its own colour scale, which
  /// shows every map's detail) as `name`, and with one colour scale shared by all
  /// tiles as `name` with `-shared` before `.png`, where equal colours mean equal values.
  @discardableResult
  public func writeMaps(_ figure: FeatureMapFigure, as name: String) throws -> [URL] {
    var shared = figure
    shared.range = .shared
    shared.title += "\n(one colour scale shared by all maps)"
    let sharedName = name.hasSuffix(".png") ? String(name.dropLast(4)) + "-shared.png" : name + "-shared"
    return [try write(figure, as: name), try write(shared, as: sharedName)]
  }
}
