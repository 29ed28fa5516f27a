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
