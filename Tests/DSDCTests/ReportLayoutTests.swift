import DSDC
import Foundation
import Testing

/// The page's layout: the contents bar, printed output folded away, each figure once,
/// and the warnings in the header and in the sections they concern.
@Suite("The report page's layout and warnings", .removesTemporaryFolders)
struct ReportLayoutTests {
  /// The fixture plus a training run: lesson 2 (standing in for lesson 8) and the
  /// training run both list `train/curves.png`; the run recorded `settings`, and its
  /// metrics.json ends at `accuracy`.
  static func withTrainingRun(settings: [String: String], accuracy: Double?) throws -> URL {
    let root = try ReportFixture.outputFolder()
    try ReportFixture.writePNG(root.appendingPathComponent("train/curves.png"), width: 50, height: 20) { x, _ in
      UInt8(x)
    }
    var lesson = ReportFixture.record(
      ReportFixture.lessons[1], files: ["02-depthwise/maps.png", "train/curves.png"],
      lines: ["trained"])
    lesson.settings["epochs"] = settings["epochs"]
    try ReportFixture.save(lesson, root, "02-depthwise/lesson.json")
    var run = ReportFixture.record(ReportFixture.lessons[0], files: ["train/curves.png"], lines: ["epoch 1/1"])
    (run.number, run.title, run.settings) = (0, "Training DSDC-Net", settings)
    try ReportFixture.save(run, root, "train/run.json")
    if let accuracy {
      let epoch = try StepRecordTests.summary(epoch: 1, trainLoss: 1, testAccuracy: accuracy)
      try JSONEncoder().encode([epoch]).write(to: root.appendingPathComponent("train/metrics.json"))
    }
    return root
  }

  static let fullRun = ["seed": "0", "epochs": "9", "images per epoch": "60000", "training images": "60000"]

  /// The part of the page from a section's opening tag to the next section.
  static func section(_ anchor: String, of html: String) throws -> Substring {
    let start = try #require(html.range(of: "<section id=\"\(anchor)\""))
    let rest = html[start.upperBound...]
    return rest[..<(rest.range(of: "<section ")?.lowerBound ?? rest.endIndex)]
  }

  /// The training run records no sample: the page no longer claims the sections ran
  /// with different settings. A seed that really differs is still named.
  @Test func onlyRealDifferencesAreBanners() throws {
    let root = try Self.withTrainingRun(settings: Self.fullRun, accuracy: 0.99)
    let html = ReportFixture.page(root)
    #expect(!html.contains("class=\"mixed"))
    var other = Self.fullRun
    other["seed"] = "3"
    let differing = ReportFixture.page(try Self.withTrainingRun(settings: other, accuracy: 0.99))
    #expect(
      differing.contains(
        "<p class=\"mixed\">The sections below ran with different settings: seed 0 (Lessons 1–2), seed 3 (Training).</p>"
      ))
  }

  @Test func aShortRunIsWarnedAboutInTheHeaderAndWhereItsModelIsShown() throws {
    var short = Self.fullRun
    (short["epochs"], short["images per epoch"]) = ("1", "2000")
    let html = ReportFixture.page(try Self.withTrainingRun(settings: short, accuracy: 0.115))
    let warning = "⚠ The model shown in Lesson 2 and Training (train/) trained less than the default recipe: 1 epoch"
    let header = try #require(html.components(separatedBy: "</header>").first)
    #expect(header.contains(warning))
    #expect(header.contains("⚠ the final test accuracy of the model in train/ is only 11.50%"))
    #expect(try Self.section("section-train", of: html).contains(warning))
    #expect(try Self.section("lesson-2", of: html).contains(warning))
    #expect(try !Self.section("lesson-1", of: html).contains(warning))
    // The default recipe at 99%: nothing to warn about.
    let full = ReportFixture.page(try Self.withTrainingRun(settings: Self.fullRun, accuracy: 0.99))
    #expect(!full.contains("⚠"))
  }

  @Test func eachFigureIsShownOnceAndLinkedFromTheOtherSection() throws {
    let html = ReportFixture.page(try Self.withTrainingRun(settings: Self.fullRun, accuracy: 0.99))
    #expect(html.components(separatedBy: "<img src=\"train/curves.png\"").count == 2)
    #expect(try Self.section("lesson-2", of: html).contains("<figure id=\"fig-train-curves-png\">"))
    #expect(
      try Self.section("section-train", of: html).contains(
        "This figure is shown in <a href=\"#lesson-2\">Lesson 2</a>: <a href=\"#fig-train-curves-png\">Curves</a>."))
    #expect(
      ReportLinks.broken(inHTML: html, relativeTo: URL(fileURLWithPath: "/")).filter {
        $0.reason == .missingAnchor
      }.isEmpty)
  }

  @Test func printedOutputIsFoldedAndSaysWhatItHolds() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    #expect(!html.contains("<details open"))
    #expect(html.contains("<details class=\"printed\">\n<summary>Printed output · 3 lines · 1 erratum</summary>"))
    #expect(html.contains("<summary>Printed output · 1 line · 1 failed check</summary>"))
  }

  @Test func theContentsBarListsEverySection() throws {
    let html = ReportFixture.page(try Self.withTrainingRun(settings: Self.fullRun, accuracy: 0.99))
    let bar = try #require(
      html.components(separatedBy: "</nav>").first?.components(separatedBy: "<nav class=\"bar\"").last)
    for anchor in ["lesson-1", "lesson-2", "lesson-3", "section-train"] {
      #expect(bar.contains("href=\"#\(anchor)\""), "\(anchor)")
      #expect(html.contains("<section id=\"\(anchor)\""))
    }
    #expect(bar.contains("<a href=\"#lesson-1\" class=\"ok\" title=\"Lesson 1 · MNIST up close · ran\">1</a>"))
    #expect(bar.contains("<a href=\"#lesson-3\" class=\"notrun\" title=\"Lesson 3 · Dilation · not run\">3</a>"))
    #expect(bar.contains(">Training</a>"))
    #expect(html.contains("position: sticky"))
    #expect(!html.contains("<script src"))
  }
}
