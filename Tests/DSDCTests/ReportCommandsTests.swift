import DSDC
import Foundation
import Testing

/// The commands the report page suggests are the ones to type where it was written:
/// the tool as it was started, and the options in force (the output folder).
@Suite("The report page's commands follow how dsdc was started", .removesTemporaryFolders)
struct ReportCommandsTests {
  /// dsdc started by a path from another folder, writing into `my runs`.
  static let elsewhere = ReportCommands(
    invocation: ToolInvocation(prefix: ["../dsdc/.build/release/dsdc"]), options: ["--output", "my runs"])

  @Test func aCommandIsTheInvocationTheWordsThenTheOptions() {
    #expect(Self.elsewhere.lesson(3) == "../dsdc/.build/release/dsdc lesson 3 --output 'my runs'")
    #expect(Self.elsewhere.lessons == "../dsdc/.build/release/dsdc lessons --output 'my runs'")
    let swiftRun = ReportCommands(invocation: ToolInvocation(prefix: ["swift", "run", "-c", "release", "dsdc"]))
    #expect(swiftRun.lesson(1) == "swift run -c release dsdc lesson 1")
  }

  /// A lesson not run, a lesson to run again, and a later section's command all start
  /// with the invocation and end with the output folder.
  @Test func thePageShowsTheCommandsAsTheUserCanTypeThem() throws {
    let root = try ReportFixture.outputFolder()
    let html = ReportFixture.page(
      root, extra: [ReportExtraSection(folder: "predict", heading: "Predictions", command: ["predict", "digit.png"])],
      commands: Self.elsewhere)
    #expect(
      html.contains(
        "Not run yet.</strong> Run it with <code>../dsdc/.build/release/dsdc lesson 3 --output &#39;my runs&#39;</code>"
      ))
    #expect(
      html.contains("Run it again with <code>../dsdc/.build/release/dsdc lesson 2 --output &#39;my runs&#39;</code>"))
    #expect(
      html.contains(
        "Run it with <code>../dsdc/.build/release/dsdc predict digit.png --output &#39;my runs&#39;</code>"))
    #expect(!html.contains("swift run"))
  }

  /// The warning about a model trained less than the default recipe names the command
  /// that trains it with the default recipe, in the same way.
  @Test func theModelWarningNamesTheCommandAsTyped() throws {
    var short = ReportLayoutTests.fullRun
    short["epochs"] = "1"
    let root = try ReportLayoutTests.withTrainingRun(settings: short, accuracy: 0.99)
    let html = ReportFixture.page(root, commands: Self.elsewhere)
    #expect(
      html.contains(
        "<p>The default recipe&#39;s run: ../dsdc/.build/release/dsdc lesson 8 --output &#39;my runs&#39;</p>"))
    let low = ReportFixture.page(
      try ReportLayoutTests.withTrainingRun(settings: short, accuracy: 0.5), commands: Self.elsewhere)
    #expect(
      low.contains(
        "train it with the default recipe: ../dsdc/.build/release/dsdc lesson 8 --output &#39;my runs&#39;"))
  }

  @Test func aBrokenLinkHintRunsTheLessonsAsTyped() throws {
    let error = try ReportFixture.missingImageError(commands: Self.elsewhere).error
    #expect(error.description.contains("(`../dsdc/.build/release/dsdc lessons --output 'my runs'`)"))
  }
}
