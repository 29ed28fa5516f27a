import DSDC
import Foundation
import Testing

/// Whether an executable of this name is on `PATH`.
private func onPath(_ name: String) -> Bool {
  (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { folder in
    FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)")
  }
}

/// Runs `scripts/check-report.sh` on an output folder.
private func checkReport(_ folder: URL) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/bash")
  process.arguments = [repositoryRoot.appendingPathComponent("scripts/check-report.sh").path, folder.path]
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// The report rendered by a real browser (headless Chromium, Debian's `chromium`
/// package): the screenshot is not blank and every image decodes. Without
/// `chromium` and `python3` on PATH these tests are skipped, and say so.
@Suite(
  "The report page in a real browser",
  .enabled(
    if: onPath("chromium") && onPath("python3"),
    "chromium or python3 is not on PATH — install with: apt-get install -y chromium python3"),
  .serialized, .removesTemporaryFolders)
struct ReportBrowserTests {
  @Test func everyImageLoadsAndThePageIsNotBlank() throws {
    let root = try ReportFixture.outputFolder()
    try ReportPage.write(
      outputDirectory: root, lessons: ReportFixture.lessons, commands: ReportFixture.commands, version: "browser-test")
    let result = try checkReport(root)
    #expect(result.status == 0, "\(result.output)")
    #expect(result.output.contains("check-report: OK: 3 images loaded"), "\(result.output)")
  }

  /// The fixture's page with `file` as lesson 1's explorable maps.
  private func pageExploring(_ file: ExploreFile) throws -> URL {
    let root = try ReportFixture.outputFolder()
    try JSONEncoder().encode(file).write(to: root.appendingPathComponent("01-mnist/\(ExploreFile.fileName)"))
    try ReportPage.write(
      outputDirectory: root, lessons: ReportFixture.lessons, commands: ReportFixture.commands, version: "browser-test")
    return root
  }

  @Test func theExplorersSelfTestPassesOnRecomputableMaps() throws {
    let result = try checkReport(try pageExploring(ExplorableMapTests.twoSteps()))
    #expect(result.status == 0, "\(result.output)")
    // 2·6·6 + 3·6·6 outputs, every one recomputed by the page.
    #expect(result.output.contains("explorer self-test passed on 2 maps (180 outputs recomputed)"), "\(result.output)")
  }

  @Test func aWrongStoredValueFailsTheSelfTest() throws {
    var file = ExplorableMapTests.twoSteps()
    // Plant a wrong value in the second map's output: out[0, 2, 4, 1] is off by 0.001.
    let out = file.maps[1].output.data
    var values = try #require(ExploreFile.decode(file.arrays[out]))
    values[(2 * 6 + 4) * 6 + 1] += 0.001
    file.arrays[out] = ExploreFile.encode(values)
    let result = try checkReport(try pageExploring(file))
    #expect(result.status != 0)
    let expected = "the explorer's self-test failed: fail: 1 disagree; first: lesson-1/out out[0,2,4,1]"
    #expect(result.output.contains(expected), "\(result.output)")
  }

  @Test func anImageThatDoesNotDecodeIsReported() throws {
    let root = try ReportFixture.outputFolder()
    try ReportPage.write(
      outputDirectory: root, lessons: ReportFixture.lessons, commands: ReportFixture.commands, version: "browser-test")
    // The file is there (so the link check passes) but is not a PNG.
    try Data("not a png".utf8).write(to: root.appendingPathComponent("01-mnist/first-100.png"))
    let result = try checkReport(root)
    #expect(result.status != 0)
    #expect(result.output.contains("1 of 3 images did not load: 01-mnist/first-100.png"), "\(result.output)")
  }
}
