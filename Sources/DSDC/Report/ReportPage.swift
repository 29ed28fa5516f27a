import Foundation

/// `Output/index.html`: one static page with everything the runs in an output
/// folder printed and wrote — a contents bar that stays in view, a table of contents,
/// then per lesson its title and article section, its error if it stopped, its images
/// (each figure once: a section whose figure an earlier one shows links to it), its
/// settings and its printed text (folded away until opened); lessons not run yet show
/// the command that runs them. The page is self-contained (inline CSS, images by
/// relative path, no network, no script library) and is assembled from the records on
/// disk (`lesson.json`, a training run's `run.json` and `metrics.json`), so it can be
/// rebuilt at any time.
public enum ReportPage {
  /// The page's file name inside the output folder.
  public static let fileName = "index.html"

  /// Checks the page's links, then writes it into `outputDirectory` atomically.
  ///
  /// - Parameters:
  ///   - lessons: the catalog's lessons, in any order; folders of lessons no longer
  ///     in the catalog that still hold a `lesson.json` are shown after them.
  ///   - extraSections: later commands' folders (`train/`, …), shown after the lessons.
  ///   - commands: how the commands the page suggests are written (the tool as the
  ///     user started it, the options in force).
  ///   - version: the dsdc version string shown in the page's header.
  /// - Returns: the page's location.
  /// - Throws: `OutputFolderError.notWritable` if the page cannot be written;
  ///   `ReportError.brokenLinks` if a record lists a file that is not on disk (decided
  ///   before writing: a page that fails is not written, and any earlier one is kept);
  ///   its hint reruns the lessons as `commands` writes it.
  @discardableResult
  public static func write(
    outputDirectory: URL, lessons: [LessonInfo], extraSections: [ReportExtraSection] = ReportExtraSection.standard,
    commands: ReportCommands, version: String, date: Date = Date()
  ) throws -> URL {
    try OutputFolder.create(outputDirectory)
    let page = html(
      outputDirectory: outputDirectory, lessons: lessons, extraSections: extraSections, commands: commands,
      version: version, date: date)
    let url = outputDirectory.appendingPathComponent(fileName)
    let broken = ReportLinks.broken(inHTML: page, relativeTo: outputDirectory)
    if !broken.isEmpty { throw ReportError.brokenLinks(page: url.path, links: broken, rerun: commands.lessons) }
    try OutputFolder.writeAtomically(Data(page.utf8), to: url)
    return url
  }

  /// The page's HTML for the records now in `outputDirectory` (nothing is written).
  public static func html(
    outputDirectory: URL, lessons: [LessonInfo], extraSections: [ReportExtraSection] = ReportExtraSection.standard,
    commands: ReportCommands, version: String, date: Date = Date()
  ) -> String {
    let entries = ReportEntry.collect(
      outputDirectory: outputDirectory, lessons: lessons, extraSections: extraSections, commands: commands)
    var html = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>dsdc — lessons and results</title>
      <style>
      \(ReportStyle.css)\(ExplorerScript.css)</style>
      </head>
      <body>

      """
    html += ReportContents.bar(entries)
    html += "<div class=\"page\">\n"
    let modelWarning = ReportContents.modelWarning(entries, commands: commands)
    html += ReportContents.header(entries, modelWarning: modelWarning, version: version, date: date)
    html += ReportContents.list(entries)
    html += "<main>\n"
    var figures = ReportFigures()
    for entry in entries {
      let warning = modelWarning.anchors.contains(entry.anchor) ? modelWarning.lines : []
      html += section(entry, figures: &figures, modelWarning: warning)
    }
    html += "</main>\n</div>\n<script>\n\(ReportStyle.imageCheckScript)\(ReportStyle.barScript)</script>\n"
    html += "<script>\n\(ExplorerScript.javaScript)</script>\n</body>\n</html>\n"
    return html
  }

  // MARK: - Parts of the page

  private static func section(_ entry: ReportEntry, figures: inout ReportFigures, modelWarning: [String]) -> String {
    var html = "<section id=\"\(escape(entry.anchor))\" class=\"entry\">\n"
    html += "<h2>\(ReportContents.name(entry))</h2>\n"
    var about: [String] = []
    if let section = entry.articleSection, !section.isEmpty { about.append("Article \(section)") }
    if let summary = entry.summary, !summary.isEmpty { about.append(summary) }
    about.append("folder \(entry.folder)/")
    html += "<p class=\"about\">\(escape(about.joined(separator: " · ")))</p>\n"
    if let note = entry.note { html += "<p class=\"note\">\(escape(note))</p>\n" }
    html += ReportContents.warning(modelWarning)

    switch entry.state {
    case .notRun:
      html += "<div class=\"notrun\"><strong>Not run yet.</strong>"
      if let command = entry.command { html += " Run it with <code>\(escape(command))</code>" }
      html += "</div>\n"
    case .unreadable(let reason):
      html +=
        "<div class=\"error\" role=\"alert\"><strong>\(escape(entry.folder))/\(escape(entry.recordFileName)) "
        + "cannot be read:</strong> \(escape(reason))." + rerun(entry) + "</div>\n"
    case .ran(let record):
      if let error = record.error {
        html +=
          "<div class=\"error\" role=\"alert\"><strong>This run stopped with an error:</strong>\n"
          + "<pre>\(escape(error))</pre>" + rerun(entry) + "</div>\n"
      }
      html += settings(record)
      html += figures.html(entry)
      html += explorer(entry)
      html += transcript(record.lines)
    }
    return html + "<p class=\"back\"><a href=\"#top\">↑ Contents</a></p>\n</section>\n"
  }

  private static func rerun(_ entry: ReportEntry) -> String {
    guard let command = entry.command else { return "" }
    return "<p>Run it again with <code>\(escape(command))</code></p>"
  }

  private static func settings(_ record: LessonRecord) -> String {
    let order = ["image", "sample", "seed"]
    let names =
      order.filter { record.settings[$0] != nil }
      + record.settings.keys.filter { !order.contains($0) && $0 != "data" }.sorted()
      + (record.settings["data"] == nil ? [] : ["data"])
    var items = names.map { "<span>\(escape($0)) <b>\(escape(record.settings[$0] ?? ""))</b></span>" }
    items.append("<span>ran <b>\(escape(format(record.date)))</b></span>")
    return "<p class=\"settings\">" + items.joined(separator: " ") + "</p>\n"
  }

  /// The lesson's explorable maps: a holder the script fills in, and the data as JSON.
  private static func explorer(_ entry: ReportEntry) -> String {
    if let problem = entry.exploreProblem {
      return "<p class=\"note\">The explorer cannot be shown: \(escape(problem))</p>\n"
    }
    guard let explore = entry.explore, !explore.maps.isEmpty else { return "" }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(explore) else { return "" }
    // Inside <script>, only `</` could end the element early; JSON allows `<\/` for it.
    let json = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
    let id = "explore-data-\(entry.anchor)"
    let maps = explore.maps.count
    return """
      <div class="explore" id="explore-\(escape(entry.anchor))">
      <h3>Explore: any output pixel, computed in front of you</h3>
      <p class="explore-intro">\(maps) map\(maps == 1 ? "" : "s") of this lesson. Click any pixel of an output \
      map (or Tab to a map and move with the arrow keys): the panel fills in its formula term by term, this page \
      recomputes the sum from the inputs and weights embedded in it and compares it with the value dsdc computed; \
      the input pixels it reads are framed in orange.</p>
      <div class="ex-holder" data-lesson="\(escape(entry.anchor))" data-source="\(id)"></div>
      <noscript><p class="note">The explorer needs JavaScript.</p></noscript>
      <script type="application/json" id="\(id)">\(json)</script>
      </div>

      """
  }

  /// The printed lines, folded away (`<details>` closed) behind a summary that counts
  /// them and the errata and failed checks among them.
  private static func transcript(_ lines: [String]) -> String {
    let shown = ReportTranscript.shownLines(lines)
    guard !shown.isEmpty else { return "" }
    var html = "<details class=\"printed\">\n<summary>\(escape(ReportTranscript.summary(shown)))</summary>\n"
    html += "<pre class=\"transcript\">"
    html += shown.map { line in
      switch ReportTranscript.kind(of: line) {
      case .erratum: return "<span class=\"erratum\">\(escape(line))</span>"
      case .failedCheck: return "<span class=\"fail\">\(escape(line))</span>"
      case .passedCheck: return "<span class=\"pass\">\(escape(line))</span>"
      case .plain: return escape(line)
      }
    }.joined(separator: "\n")
    return html + "</pre>\n</details>\n"
  }

  // MARK: - Text

  private static func escape(_ text: String) -> String { HTMLText.escape(text) }

  /// `2025-05-01T12:00:03Z` → `2025-05-01 12:00 UTC`; other text unchanged.
  static func format(_ iso: String) -> String {
    guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
    return format(date)
  }

  static func format(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    return formatter.string(from: date)
  }
}
