import Foundation

/// The report page's top: the contents bar that stays in view while scrolling, the
/// header with its warnings (settings that really differ, a model trained less than
/// the default recipe), and the table of contents.
enum ReportContents {
  /// The bar fixed to the top of the window: one link per section, lessons by number.
  static func bar(_ entries: [ReportEntry]) -> String {
    var html = "<nav class=\"bar\" id=\"bar\" aria-label=\"Sections\">\n<div class=\"bar-inner\">\n"
    html += "<a class=\"bar-home\" href=\"#top\">dsdc</a>\n"
    var inLessons = false
    for entry in entries {
      let isLesson = entry.record.map { $0.number > 0 } ?? entry.anchor.hasPrefix("lesson-")
      let number = entry.record?.number ?? Int(entry.anchor.dropFirst("lesson-".count))
      if isLesson && !inLessons { html += "<span class=\"bar-label\">Lesson</span>\n" }
      inLessons = isLesson
      let short = isLesson ? number.map(String.init) ?? entry.label : entry.label
      let full = [entry.label, entry.title, state(entry)].filter { !$0.isEmpty }.joined(separator: " · ")
      html +=
        "<a href=\"#\(escape(entry.anchor))\" class=\"\(stateClass(entry))\" title=\"\(escape(full))\">"
        + "\(escape(short))</a>\n"
    }
    return html + "</div>\n</nav>\n"
  }

  /// The heading, the facts line, and the warnings.
  static func header(_ entries: [ReportEntry], modelWarning: ModelWarning, version: String, date: Date) -> String {
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
      <p class="meta">\(escape(facts.joined(separator: " · "))) · page written \(escape(ReportPage.format(date))) \
      by dsdc \(escape(version))</p>

      """
    // Lessons run at different times may have studied different digits or seeds.
    let sections = entries.compactMap { entry in entry.record.map { (label: entry.label, settings: $0.settings) } }
    if let sentence = SettingsComparison.sentence(SettingsComparison.differences(sections)) {
      html += "<p class=\"mixed\">\(escape(sentence))</p>\n"
    }
    html += warning(modelWarning.lines)
    return html + "</header>\n"
  }

  /// The table of contents: every section with its article sections and badges.
  static func list(_ entries: [ReportEntry]) -> String {
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
  static func name(_ entry: ReportEntry) -> String {
    entry.title.isEmpty
      ? escape(entry.label) : "<span class=\"label\">\(escape(entry.label))</span> \(escape(entry.title))"
  }

  // MARK: - The trained model

  /// The warning about the model in `train/`, and the sections that show it.
  struct ModelWarning {
    /// The warning's sentences (`TrainedModelCheck.warning`), empty when there is none.
    var lines: [String]
    /// The anchors of the sections that show the model and repeat the warning.
    var anchors: Set<String>
  }

  /// The folder a training run writes, whose `run.json` and `metrics.json` describe the model.
  static let trainFolder = "train"

  /// `TrainedModelCheck` applied to the training run's record and metrics: epochs,
  /// images per epoch and training images from `train/run.json`'s settings, the final
  /// test accuracy from `train/metrics.json`. The model is shown by the training section
  /// and by every section with a figure or file in `train/` (lesson 8), whose command
  /// (`commands.lesson(8)`) trains it with the default recipe.
  static func modelWarning(_ entries: [ReportEntry], commands: ReportCommands) -> ModelWarning {
    guard let run = entries.first(where: { $0.folder == trainFolder && $0.record != nil }),
      let settings = run.record?.settings
    else { return ModelWarning(lines: [], anchors: []) }
    let check = TrainedModelCheck(
      epochs: settings["epochs"].flatMap { Int($0) }, imagesPerEpoch: settings["images per epoch"].flatMap { Int($0) },
      trainingImages: settings["training images"].flatMap { Int($0) }, finalTestAccuracy: run.finalTestAccuracy,
      retrain: commands.lesson(TrainedModelCheck.trainingLesson))
    let showing = entries.filter { entry in
      entry.record != nil
        && (entry.folder == trainFolder || entry.files.contains { $0.link?.hasPrefix(trainFolder + "/") == true })
    }
    return ModelWarning(lines: check.warning(shownIn: showing.map(\.label)), anchors: Set(showing.map(\.anchor)))
  }

  /// The warning box: one paragraph per sentence, or nothing.
  static func warning(_ lines: [String]) -> String {
    guard !lines.isEmpty else { return "" }
    return "<div class=\"mixed model-warning\" role=\"note\">\n"
      + lines.map { "<p>\(escape($0))</p>\n" }.joined() + "</div>\n"
  }

  // MARK: - Badges

  private static func badges(_ entry: ReportEntry) -> String {
    var html: String
    switch entry.state {
    case .notRun: html = "<span class=\"badge notrun\">not run</span>"
    case .unreadable: html = "<span class=\"badge failed\">unreadable record</span>"
    case .ran(let record):
      html =
        record.error == nil
        ? "<span class=\"badge ok\">✓ ran</span>" : "<span class=\"badge failed\">✗ stopped</span>"
    }
    if entry.note != nil { html += "<span class=\"badge notrun\">earlier run</span>" }
    let errata = entry.errataCount
    if errata > 0 { html += "<span class=\"badge errata\">\(errata) errat\(errata == 1 ? "um" : "a")</span>" }
    return html
  }

  /// The entry's state in words, for the bar's tooltips.
  private static func state(_ entry: ReportEntry) -> String {
    switch entry.state {
    case .notRun: return "not run"
    case .unreadable: return "unreadable record"
    case .ran(let record): return record.error == nil ? "ran" : "stopped with an error"
    }
  }

  /// The bar link's class: `ok`, `failed` or `notrun`.
  private static func stateClass(_ entry: ReportEntry) -> String {
    switch entry.state {
    case .notRun: return "notrun"
    case .unreadable: return "failed"
    case .ran(let record): return record.error == nil ? "ok" : "failed"
    }
  }

  private static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
