import Foundation

/// One section of the report page as found on disk: a lesson (run or not) or a
/// later command's folder, with the files its record lists resolved to links.
struct ReportEntry {
  /// What the folder holds.
  enum State {
    /// No record yet.
    case notRun
    /// A record, finished (`error == nil`) or stopped midway.
    case ran(LessonRecord)
    /// A record that exists but cannot be decoded.
    case unreadable(reason: String)
  }

  /// A file the record lists.
  struct File {
    /// The path relative to the output folder (the link), or `nil` when it lies outside.
    var link: String?
    /// The path as the record gives it.
    var shownPath: String
    /// PNG, JPEG, GIF, SVG or WebP: shown as a picture.
    var isImage: Bool
    /// Pixel width and height, when the file is a PNG that could be read.
    var size: (width: Int, height: Int)?
  }

  /// The in-page anchor, e.g. `lesson-1`, `section-train`.
  var anchor: String
  /// `Lesson 1`, or the section's heading.
  var label: String
  /// The lesson's title (empty for a later command's section).
  var title: String
  /// The article sections followed, if any.
  var articleSection: String?
  /// One line on what the section shows.
  var summary: String?
  /// The folder inside the output folder.
  var folder: String
  /// The record's file name inside the folder.
  var recordFileName: String
  /// A remark about where the entry comes from (a lesson no longer in the catalog).
  var note: String?
  /// The command that (re)produces the folder, if there is one to show.
  var command: String?
  /// What the folder holds.
  var state: State
  /// The files the record lists.
  var files: [File] = []
  /// The lesson's explorable maps (`explore.json`), if it recorded any.
  var explore: ExploreFile?
  /// Why the lesson's `explore.json` cannot be shown, if it cannot.
  var exploreProblem: String?
  /// The last epoch's test accuracy in the folder's `metrics.json` (a training run's), if
  /// there is one that can be read.
  var finalTestAccuracy: Double?

  /// The record, if one was read.
  var record: LessonRecord? {
    if case .ran(let record) = state { return record } else { return nil }
  }

  /// How many printed lines mark an erratum of the article.
  var errataCount: Int {
    record?.lines.filter { ReportTranscript.kind(of: $0) == .erratum }.count ?? 0
  }

  static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "gif", "svg", "webp"]

  /// The entries of the page: every catalog lesson in order, then lesson folders
  /// on disk from lessons no longer in the catalog, then the later commands' sections;
  /// their commands written by `commands`.
  static func collect(
    outputDirectory: URL, lessons: [LessonInfo], extraSections: [ReportExtraSection], commands: ReportCommands
  ) -> [ReportEntry] {
    var entries: [ReportEntry] = lessons.sorted { $0.number < $1.number }.map { info in
      load(
        ReportEntry(
          anchor: "lesson-\(info.number)", label: "Lesson \(info.number)", title: info.title,
          articleSection: info.articleSection, summary: info.summary, folder: info.folderName,
          recordFileName: LessonRecord.fileName, note: nil,
          command: commands.lesson(info.number), state: .notRun),
        outputDirectory: outputDirectory)
    }

    // Lesson folders from earlier runs whose lesson is not in the catalog (renamed or removed).
    let known = Set(lessons.map(\.folderName))
    let names = (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory.path)) ?? []
    let stale = names.filter { name in
      !known.contains(name) && name.first?.isNumber == true && name.contains("-")
        && FileManager.default.fileExists(
          atPath: outputDirectory.appendingPathComponent(name).appendingPathComponent(LessonRecord.fileName).path)
    }.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    for name in stale {
      var entry = load(
        ReportEntry(
          anchor: "folder-\(name)", label: "Folder \(name)", title: "", articleSection: nil, summary: nil,
          folder: name, recordFileName: LessonRecord.fileName,
          note: "From an earlier run: this lesson is not in the current lesson list.", command: nil, state: .notRun),
        outputDirectory: outputDirectory)
      if case .ran(let record) = entry.state {
        entry.label = "Lesson \(record.number)"
        entry.title = record.title
        entry.articleSection = record.articleSection
      }
      entries.append(entry)
    }

    for section in extraSections {
      let entry = load(
        ReportEntry(
          anchor: "section-\(section.folder)", label: section.heading, title: "", articleSection: nil, summary: nil,
          folder: section.folder, recordFileName: section.recordFileName, note: nil,
          command: section.command.map(commands.command), state: .notRun),
        outputDirectory: outputDirectory)
      if case .notRun = entry.state, entry.command == nil { continue }
      entries.append(entry)
    }
    return entries
  }

  /// Reads the entry's record, if there is one, and resolves the files it lists.
  private static func load(_ entry: ReportEntry, outputDirectory: URL) -> ReportEntry {
    var entry = entry
    let folderURL = outputDirectory.appendingPathComponent(entry.folder)
    let recordURL = folderURL.appendingPathComponent(entry.recordFileName)
    guard FileManager.default.fileExists(atPath: recordURL.path) else { return entry }
    let record: LessonRecord
    do {
      record = try LessonRecord.load(from: recordURL)
    } catch {
      entry.state = .unreadable(reason: describe(error))
      return entry
    }
    entry.state = .ran(record)
    entry.files = record.files.map { resolve($0, folder: entry.folder, outputDirectory: outputDirectory) }
    entry.finalTestAccuracy = finalTestAccuracy(in: folderURL.appendingPathComponent("metrics.json"))
    let exploreURL = folderURL.appendingPathComponent(ExploreFile.fileName)
    if entry.recordFileName == LessonRecord.fileName, FileManager.default.fileExists(atPath: exploreURL.path) {
      do {
        entry.explore = try ExploreFile.load(from: exploreURL)
      } catch let error as ExploreError {
        entry.exploreProblem = error.description
      } catch {
        entry.exploreProblem = ExploreError.invalid(describe(error)).description
      }
    }
    return entry
  }

  /// The last epoch's test accuracy in a training run's `metrics.json` (`[EpochSummary]`),
  /// or nil if there is none or it cannot be read (a regular file of at most 16 MiB).
  private static func finalTestAccuracy(in url: URL) -> Double? {
    guard FileManager.default.fileExists(atPath: url.path), InputFile.problem(url.path) == nil,
      let size = InputFile.size(url.path), size <= LessonRecord.byteLimit,
      let data = try? Data(contentsOf: url),
      let history = try? JSONDecoder().decode([EpochSummary].self, from: data)
    else { return nil }
    return history.last?.testAccuracy.flatMap { (0...1).contains($0) ? $0 : nil }
  }

  /// A listed file as a link relative to the output folder. Records list paths relative
  /// to the output folder; a path relative to the section's own folder is accepted too.
  private static func resolve(_ path: String, folder: String, outputDirectory: URL) -> File {
    let ext = (path as NSString).pathExtension.lowercased()
    var file = File(link: nil, shownPath: path, isImage: imageExtensions.contains(ext), size: nil)
    let components = path.split(separator: "/")
    guard !path.hasPrefix("/"), !path.contains(":"), !components.contains(".."), !components.isEmpty else {
      return file
    }
    let fromRoot = outputDirectory.appendingPathComponent(path)
    let fromFolder = outputDirectory.appendingPathComponent(folder).appendingPathComponent(path)
    let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
    let link = !exists(fromRoot) && exists(fromFolder) ? folder + "/" + path : path
    file.link = link
    if ext == "png" { file.size = ImageSize.png(at: outputDirectory.appendingPathComponent(link)) }
    return file
  }

  private static func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context): return "not valid JSON (\(context.debugDescription))"
    case DecodingError.keyNotFound(let key, _): return "the field \"\(key.stringValue)\" is missing"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      let field = context.codingPath.map(\.stringValue).joined(separator: ".")
      return "the field \"\(field)\" has the wrong type"
    case LessonRecordError.unreadable(_, let reason): return reason
    default: return (error as NSError).localizedDescription
    }
  }
}
