import Foundation
import Testing

/// `dsdc compare` keeps its finished runs: the same command continues, `--fresh` starts
/// again, and a damaged kept run is one line naming it.
@Suite("dsdc compare, continued", .removesTemporaryFolders)
struct CompareCommandTests {
  static let budget = [
    "compare", "--variants", "dsdc", "--seeds", "1", "--epochs", "1", "--train-limit", "64", "--test-limit", "100",
    "--field-images", "2", "--threads", "1",
  ]

  /// Each number is checked before anything runs, on both sides of its range, with one
  /// line naming the range the help states.
  @Test(arguments: [
    ("--epochs", "0", "1", "--epochs must be 1…1000, got 0", "1…1,000"),
    ("--seeds", "21", "20", "--seeds must be 1…20, got 21", "1…20"),
    ("--train-limit", "63", "64", "--train-limit must be 64…60000, got 63", "64…60,000"),
    ("--test-limit", "10001", "10000", "--test-limit must be 100…10000, got 10001", "100…10,000"),
    ("--field-images", "0", "1", "--field-images must be 1…10000, got 0", "1…10,000"),
    ("--threads", "65", "64", "--threads must be 1…64, got 65", "1…64"),
  ])
  func numbersOutOfRangeAreOneLine(flag: String, bad: String, good: String, message: String, help: String)
    throws
  {
    let folder = try makeTemporaryDirectory()
    let refused = try runTool(["compare", flag, bad, "--output", folder.path], in: folder)
    #expect(refused.status != 0 && refused.status < 128 && refused.stderr.contains(message), "\(refused.stderr)")
    #expect(refused.stderr.split(separator: "\n").count <= 2, "\(refused.stderr)")
    // The bound itself passes: validation goes on to the next option, here an unknown network.
    let accepted = try runTool(["compare", flag, good, "--variants", "none", "--output", folder.path], in: folder)
    #expect(accepted.stderr.contains("--variants: unknown network 'none'"), "\(accepted.stderr)")
    #expect(!accepted.stderr.contains("must be"), "\(accepted.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    // The help states the same range.
    let helpText = try runTool(["compare", "--help"], in: folder).stdout
    #expect(helpText.replacingOccurrences(of: "\n", with: " ").contains(help), "\(helpText)")
  }

  @Test func theSameCommandReusesFreshTrainsAgain() throws {
    let output = try makeTemporaryDirectory().path
    let first = try runTool(Self.budget + ["--output", output])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("dsdc, seed 0: training 1 epoch(s)"))
    #expect(!first.stdout.contains("kept from before"))

    let again = try runTool(Self.budget + ["--output", output])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("dsdc, seed 0: finished earlier"))
    #expect(again.stdout.contains("Of 1 runs, 1 were kept from before and 0 continued from a saved epoch;"))
    // The accuracy table is the same.
    func accuracy(_ text: String) -> [Substring] {
      text.split(separator: "\n").filter { $0.hasPrefix("  dsdc ") && $0.contains("±") }
    }
    #expect(!accuracy(first.stdout).isEmpty && accuracy(again.stdout) == accuracy(first.stdout))

    let fresh = try runTool(Self.budget + ["--output", output, "--fresh"])
    #expect(fresh.status == 0, "\(fresh.stderr)")
    #expect(fresh.stdout.contains("dsdc, seed 0: training 1 epoch(s)"))
    #expect(accuracy(fresh.stdout) == accuracy(first.stdout))

    // A damaged kept run: one line naming the file and the way out, nothing trained.
    let runs = URL(fileURLWithPath: output).appendingPathComponent("compare/runs")
    let key = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    let record = runs.appendingPathComponent(key).appendingPathComponent("dsdc-seed0.json")
    try Data("{".utf8).write(to: record)
    let damaged = try runTool(Self.budget + ["--output", output])
    #expect(damaged.stderr.hasPrefix("error: \(record.path): it does not read as a finished run; delete it"))
    expectOneLineError(damaged)
  }
}
