import ArgumentParser
import DSDC
import Foundation
import Lessons

/// `dsdc report`: one page, `Output/index.html`, with every lesson's text and images.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write Output/index.html: every lesson's printed text and images on one page.",
    discussion: """
      The page is assembled from the lesson.json each lesson run leaves in its folder, so it \
      shows the latest run of each lesson; lessons not run yet show the command to run them. \
      Open it in any browser; it needs no network. `dsdc lessons` writes it too.
      """)

  @Option(name: .long, help: ArgumentHelp("The folder the lessons wrote to.", valueName: "dir"))
  var output: String = "Output"

  func run() throws {
    let folder = URL(fileURLWithPath: output)
    let commands = Self.commands(output: output)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
      DSDCCommand.fail(ReportError.noOutputFolder(path: folder.path, firstLesson: commands.lesson(1)).description)
    }
    do {
      let page = try Self.writePage(outputDirectory: folder, commands: commands)
      Self.printLocation(page)
    } catch let error as ReportError {
      DSDCCommand.fail(error.description)
    }
  }

  /// The commands the page suggests: this dsdc as the user started it (`ToolInvocation`),
  /// then `--data` (the lessons' `data`, as given, if it is not the folder the search
  /// would find without it) and `--output` (if not the default), so that they run on
  /// the same data into the same folder.
  static func commands(output: String, data: String? = nil) -> ReportCommands {
    var options: [String] = []
    if let data {
      let given = (try? DataLocation.locate(option: data))?.directory.standardizedFileURL.path
      let found = (try? DataLocation.locate(option: nil))?.directory.standardizedFileURL.path
      if given != found { options += ["--data", data] }
    }
    if output != "Output" { options += ["--output", output] }
    return ReportCommands(invocation: ToolInvocation.current, options: options)
  }

  /// Writes the page for the catalog's lessons and the later commands' folders.
  @discardableResult
  static func writePage(outputDirectory: URL, commands: ReportCommands) throws -> URL {
    try ReportPage.write(
      outputDirectory: outputDirectory, lessons: LessonCatalog.all.map { $0.info },
      extraSections: ReportExtraSection.standard, commands: commands, version: DSDCCommand.version)
  }

  /// For the end of `dsdc lesson` and `dsdc lessons` (also after a lesson failed, so the
  /// page shows the error): writes the page, its commands carrying the lessons' `--data`
  /// and `--output`, and prints where it is. A page that cannot be written or has broken
  /// links is reported on standard error; the lessons' outcome sets the exit status.
  static func writeAfterLessons(common: CommonOptions) {
    do {
      let commands = commands(output: common.output, data: common.data)
      printLocation(try writePage(outputDirectory: common.outputDirectory, commands: commands))
    } catch {
      FileHandle.standardError.write(
        Data("warning: the report page is incomplete: \(TerminalText.safe("\(error)"))\n".utf8))
    }
  }

  /// Prints the page's path (relative to the current folder where possible) and its `file://` URL.
  static func printLocation(_ page: URL) {
    emit("")
    emit("Report: " + relativePath(page))
    emit("  open " + URL(fileURLWithPath: page.standardizedFileURL.path).absoluteString)
  }
}
