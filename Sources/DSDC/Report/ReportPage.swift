import Foundation

/// `Output/index.html`: one static page with everything the runs in an output
/// folder printed and wrote — a table of contents, then per lesson its title and
/// article section, its error if it stopped, its images, its settings and its
/// printed text; lessons not run yet show the command that runs them. The page is
/// self-contained (inline CSS, images by relative path, no network) and is
/// assembled from the `lesson.json` records alone, so it can be rebuilt at any time.
public enum ReportPage {
  /// The page's file name inside the output folder.
  public static let fileName = "index.html"

  /// Checks the page's links, then writes it into `outputDirectory` atomically.
  ///
  /// - Parameters:
  ///   - lessons: the catalog's lessons, in any order; folders of lessons no longer
  ///     in the catalog that still hold a `lesson.json` are shown after them.
  ///   - extraSections: later commands' folders (`train/`, …), shown after the lessons.
  ///   - version: the dsdc version string shown in the page's header.
  /// - Returns: the page's location.
  /// - Throws: `OutputFolderError.notWritable` if the page cannot be written;
  ///   `ReportError.brokenLinks` if a record lists a file that is not on disk (decided
  ///   before writing: a page that fails is not written, and any earlier one is kept).
  @discardableResult
  public static func write(
    outputDirectory: URL, lessons: [LessonInfo], extraSections: [ReportExtraSection] = ReportExtraSection.standard,
    version: String, date: Date = Date()
  ) throws -> URL {
    try OutputFolder.create(outputDirectory)
    let page = html(outputDirectory: outputDirectory, lessons: lessons, extraSections: extraSections,
                    version: version, date: date)
    let url = outputDirectory.appendingPathComponent(fileName)
    let broken = ReportLinks.broken(inHTML: page, relativeTo: outputDirectory)
    if !broken.isEmpty { throw ReportError.brokenLinks(page: url.path, links: broken) }
    try OutputFolder.writeAtomically(Data(page.utf8), to: url)
    return url
  }

  /// The page's HTML for the records now in `outputDirectory` (nothing is written).
  public static func html(
    outputDirectory: URL, lessons: [LessonInfo], extraSections: [ReportExtraSection] = ReportExtraSection.standard,
    version: String, date: Date = Date()
  ) -> String {
    let entries = ReportEntry.collect(outputDirectory: outputDirectory, lessons: lessons, extraSections: extraSections)
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
      <div class="page">

      """
    html += header(entries, version: version, date: date)
    html += contents(entries)
    html += "<main>\n"
    for entry in entries { html += section(entry) }
    html += "</main>\n</div>\n<script>\n\(ReportStyle.imageCheckScript)</script>\n"
    html += "<script>\n\(ExplorerScript.javaScript)</script>\n</body>\n</html>\n"
    return html
  }

  // MARK: - Parts of the page

  private static func header(_ entries: [ReportEntry], version: String, date: Date) -> String {
    let lessons = entries.filter { $0.anchor.hasPrefix("lesson-") }
    let ran = lessons.filter { if case .ran = $0.state { return true } else { return false } }.count
    let failed = entries.filter { $0.record?.error != nil }.count
    let errata = entries.reduce(0) { $0 + $1.errataCount }
    var facts = ["\(ran) of \(lessons.count) lesson\(lessons.count == 1 ? "" : "s") run"]
    if failed > 0 { facts.append("\(failed) stopped with an error") }
    if errata > 0 { facts.append("\(errata) errat\(errata == 1 ? "um" : "a") in the article") }
    var html = """
      <header id="top">
      <h1>dsdc — depthwise separable dilated convolution, step by step</h1>
      <p class="lede">What every lesson printed and drew on real MNIST digits, from the runs in this folder.</p>
      <p class="meta">\(escape(facts.joined(separator: " · "))) · page written \(escape(format(date))) \
      by dsdc \(escape(version))</p>

      """
    // Lessons run at different times may have studied different digits or seeds.
    var runs: [String: [String]] = [:]
    for entry in entries {
      guard let settings = entry.record?.settings else { continue }
      let key = ["image", "sample", "seed"].compactMap { name in settings[name].map { "\(name) \($0)" } }
        .joined(separator: ", ")
      if !key.isEmpty { runs[key, default: []].append(entry.label) }
    }
    if runs.count > 1 {
      let groups = runs.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.joined(separator: ", ")))" }
      html += "<p class=\"mixed\">The sections below ran with different settings: "
        + escape(groups.joined(separator: "; ")) + ".</p>\n"
    }
    return html + "</header>\n"
  }

  private static func contents(_ entries: [ReportEntry]) -> String {
    var html = "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ul>\n"
    for entry in entries {
      html += "<li><a href=\"#\(escape(entry.anchor))\">\(name(entry))</a>"
      if let section = entry.articleSection, !section.isEmpty {
        html += " <span class=\"toc-section\">\(escape(section))</span>"
      }
      html += " " + badges(entry) + "</li>\n"
    }
    return html + "</ul>\n</nav>\n"
  }

  /// `Lesson 1 MNIST up close` with the label muted, or a later section's heading.
  private static func name(_ entry: ReportEntry) -> String {
    entry.title.isEmpty
      ? escape(entry.label) : "<span class=\"label\">\(escape(entry.label))</span> \(escape(entry.title))"
  }

  private static func badges(_ entry: ReportEntry) -> String {
    var html: String
    switch entry.state {
    case .notRun: html = "<span class=\"badge notrun\">not run</span>"
    case .unreadable: html = "<span class=\"badge failed\">unreadable record</span>"
    case .ran(let record):
      html = record.error == nil
        ? "<span class=\"badge ok\">✓ ran</span>" : "<span class=\"badge failed\">✗ stopped</span>"
    }
    if entry.note != nil { html += "<span class=\"badge notrun\">earlier run</span>" }
    let errata = entry.errataCount
    if errata > 0 { html += "<span class=\"badge errata\">\(errata) errat\(errata == 1 ? "um" : "a")</span>" }
    return html
  }

  private static func section(_ entry: ReportEntry) -> String {
    var html = "<section id=\"\(escape(entry.anchor))\" class=\"entry\">\n"
    html += "<h2>\(name(entry))</h2>\n"
    var about: [String] = []
    if let section = entry.articleSection, !section.isEmpty { about.append("Article \(section)") }
    if let summary = entry.summary, !summary.isEmpty { about.append(summary) }
    about.append("folder \(entry.folder)/")
    html += "<p class=\"about\">\(escape(about.joined(separator: " · ")))</p>\n"
    if let note = entry.note { html += "<p class=\"note\">\(escape(note))</p>\n" }

    switch entry.state {
    case .notRun:
      html += "<div class=\"notrun\"><strong>Not run yet.</strong>"
      if let command = entry.command { html += " Run it with <code>\(escape(command))</code>" }
      html += "</div>\n"
    case .unreadable(let reason):
      html += "<div class=\"error\" role=\"alert\"><strong>\(escape(entry.folder))/\(escape(entry.recordFileName)) "
        + "cannot be read:</strong> \(escape(reason))." + rerun(entry) + "</div>\n"
    case .ran(let record):
      if let error = record.error {
        html += "<div class=\"error\" role=\"alert\"><strong>This run stopped with an error:</strong>\n"
          + "<pre>\(escape(error))</pre>" + rerun(entry) + "</div>\n"
      }
      html += settings(record)
      html += files(entry.files)
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
    let names = order.filter { record.settings[$0] != nil }
      + record.settings.keys.filter { !order.contains($0) && $0 != "data" }.sorted()
      + (record.settings["data"] == nil ? [] : ["data"])
    var items = names.map { "<span>\(escape($0)) <b>\(escape(record.settings[$0] ?? ""))</b></span>" }
    items.append("<span>ran <b>\(escape(format(record.date)))</b></span>")
    return "<p class=\"settings\">" + items.joined(separator: " ") + "</p>\n"
  }

  private static func files(_ files: [ReportEntry.File]) -> String {
    var html = ""
    let images = files.filter { $0.isImage && $0.link != nil }
    if !images.isEmpty {
      html += "<div class=\"figures\">\n"
      for file in images {
        let link = escape(HTMLText.relativeURL(file.link!))
        var size = ""
        if let (width, height) = file.size {
          let k = ImageSize.scale(width: width)
          size = " width=\"\(width * k)\" height=\"\(height * k)\""
        }
        let name = (file.shownPath as NSString).lastPathComponent
        html += "<figure><a href=\"\(link)\"><img src=\"\(link)\" alt=\"\(escape(HTMLText.caption(name)))\"\(size)></a>"
          + "<figcaption>\(escape(HTMLText.caption(name))) <code>\(escape(file.link!))</code></figcaption></figure>\n"
      }
      html += "</div>\n"
    }
    let others = files.filter { !$0.isImage || $0.link == nil }
    if !others.isEmpty {
      html += "<p class=\"files\">Other files: " + others.map { file in
        guard let link = file.link else {
          return "<code>\(escape(file.shownPath))</code> (outside the output folder)"
        }
        return "<a href=\"\(escape(HTMLText.relativeURL(link)))\"><code>\(escape(link))</code></a>"
      }.joined(separator: ", ") + "</p>\n"
    }
    return html
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

  private static func transcript(_ lines: [String]) -> String {
    let shown = ReportTranscript.shownLines(lines)
    guard !shown.isEmpty else { return "" }
    let count = "\(shown.count) line\(shown.count == 1 ? "" : "s")"
    var html = "<details open>\n<summary>Printed output · \(count)</summary>\n"
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
  private static func format(_ iso: String) -> String {
    guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
    return format(date)
  }

  private static func format(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    return formatter.string(from: date)
  }
}
