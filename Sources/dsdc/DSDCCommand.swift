import ArgumentParser
import DSDC
import Foundation
import Lessons

/// `dsdc`: the command-line tool of the walkthrough.
@main
struct DSDCCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dsdc",
    abstract: "Learn depthwise separable dilated convolution by running it on real MNIST digits.",
    discussion: """
      Run with no arguments to see the lessons and the next command to type. \
      Everything a run writes goes under the output folder (default: Output/). \
      Shell completion: `dsdc --generate-completion-script bash` (or zsh, fish) prints a script to source.
      """,
    version: version,
    subcommands: [
      OverviewCommand.self, LessonCommand.self, LessonsCommand.self, DataCommand.self, ReportCommand.self,
      ModelCommand.self, TrainCommand.self, CompareCommand.self, FineTuneCommand.self, EvaluateCommand.self,
      PredictCommand.self,
    ],
    defaultSubcommand: OverviewCommand.self
  )

  /// The version `dsdc --version` prints and the report page shows.
  static let version = "0.1.0"

  /// Parses and runs, printing any failure as one line on standard error.
  static func main() {
    // A file-size limit (`ulimit -f`) or a full quota must fail the write with EFBIG,
    // which the atomic writers report and clean up after, not kill the process midway.
    signal(SIGXFSZ, SIG_IGN)
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as any OneLineError {
      // The library's and the tool's own errors (bad data, images, checkpoints, folders,
      // refused flags) already read as one line naming the file and the fix.
      fail(error.description)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        // --help and --version land here: print what ArgumentParser would.
        exit(withError: error)
      }
      fail(
        "\(fullMessage(for: error).split(separator: "\n").first ?? "error") — HINT: see `\(helpCommand())`",
        code: code.rawValue)
    }
  }

  /// The help of the subcommand on the command line (`dsdc train --help`), else of dsdc.
  static func helpCommand(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> String {
    let names = configuration.subcommands.map { $0._commandName }
    let subcommand = arguments.first.flatMap { names.contains($0) ? $0 : nil }
    return hintCommand((subcommand.map { [$0] } ?? []) + ["--help"])
  }

  /// Prints `error: message` on standard error and exits with a non-zero status.
  static func fail(_ message: String, code: Int32 = 1) -> Never {
    var text = message
    if text.hasPrefix("Error: ") { text.removeFirst(7) }
    FileHandle.standardError.write(Data("error: \(TerminalText.safe(text))\n".utf8))
    Foundation.exit(code == 0 ? 1 : code)
  }
}
