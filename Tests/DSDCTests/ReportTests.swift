import CZlib
import DSDC
import Foundation
import Testing

/// Synthetic output folders for the report tests: lesson records, and small
/// grey PNGs written by hand (zlib for the pixels, CRC-32 for the chunks).
enum ReportFixture {
  static let lessons = [
    LessonInfo(number: 1, slug: "mnist", title: "MNIST up close", articleSection: "§1.2", summary: "bytes and pixels"),
    LessonInfo(
      number: 2, slug: "depthwise", title: "Depthwise convolution", articleSection: "§2.1",
      summary: "one kernel per channel"),
    LessonInfo(number: 3, slug: "dilation", title: "Dilation", articleSection: "§2.3", summary: "gaps in the kernel"),
  ]

  /// An output folder where lesson 1 ran with two images, lesson 2 stopped midway
  /// after one image, and lesson 3 has not run.
  static func outputFolder() throws -> URL {
    let root = try makeTemporaryDirectory()
    try writePNG(root.appendingPathComponent("01-mnist/digit.png"), width: 28, height: 28) { x, y in
      UInt8((x * 9 + y * 3) % 256)
    }
    try writePNG(root.appendingPathComponent("01-mnist/first-100.png"), width: 280, height: 280) { x, y in
      (x / 28 + y / 28) % 2 == 0 ? 30 : 220
    }
    let lines = [
      "", "━━ Lesson 1 — MNIST up close  (article §1.2)", "",
      "A line with <b>markup</b> & \"quotes\" shows literally",
      "ERRATUM (article §1.2): the article says 0…256; pixels are 0…255.",
      "  ✓ magic number is 0x00000803",
    ]
    try save(
      record(lessons[0], files: ["01-mnist/digit.png", "01-mnist/first-100.png"], lines: lines),
      root, "01-mnist/lesson.json")
    try writePNG(root.appendingPathComponent("02-depthwise/maps.png"), width: 4, height: 3) { x, _ in UInt8(x * 60) }
    let error = "lesson 2: 1 check(s) failed: loop and fast kernel agree — HINT: this is a bug in dsdc"
    try save(
      record(
        lessons[1], files: ["02-depthwise/maps.png"], lines: ["  ✗ loop and fast kernel agree"],
        error: error),
      root, "02-depthwise/lesson.json")
    return root
  }

  /// Saves `record` at `path` inside `root`, creating its folder.
  static func save(_ record: LessonRecord, _ root: URL, _ path: String) throws {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try record.save(to: url)
  }

  static func record(_ info: LessonInfo, files: [String], lines: [String], error: String? = nil) -> LessonRecord {
    LessonRecord(
      number: info.number, title: info.title, articleSection: info.articleSection, lines: lines,
      files: files, error: error, settings: ["sample": "8", "seed": "0", "data": "Data/mnist"],
      date: "2026-01-02T03:04:05Z")
  }

  /// An 8-bit grey PNG whose pixel (x, y) is `pixel(x, y)`.
  static func writePNG(_ url: URL, width: Int, height: Int, pixel: (Int, Int) -> UInt8) throws {
    var raw: [UInt8] = []
    for y in 0..<height {
      raw.append(0)  // filter: none
      for x in 0..<width { raw.append(pixel(x, y)) }
    }
    var packedSize = compressBound(uLong(raw.count))
    var packed = [UInt8](repeating: 0, count: Int(packedSize))
    precondition(compress(&packed, &packedSize, raw, uLong(raw.count)) == Z_OK, "zlib compress failed")
    func bigEndian(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
      let typed = Array(type.utf8) + body
      return bigEndian(body.count) + typed + bigEndian(Int(crc32(0, typed, uInt(typed.count))))
    }
    let header = bigEndian(width) + bigEndian(height) + [8, 0, 0, 0, 0]  // 8-bit grey, not interlaced
    let png =
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
      + chunk("IDAT", Array(packed[..<Int(packedSize)])) + chunk("IEND", [])
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(png).write(to: url)
  }

  /// The commands a page suggests when dsdc was started as `dsdc` with the defaults.
  static let commands = ReportCommands(invocation: ToolInvocation(prefix: ["dsdc"]))

  static func page(
    _ root: URL, extra: [ReportExtraSection] = ReportExtraSection.standard, commands: ReportCommands = commands
  ) -> String {
    ReportPage.html(
      outputDirectory: root, lessons: lessons, extraSections: extra, commands: commands, version: "9.9.9-test")
  }

  /// An output folder whose lesson 2 misses `maps.png`, and the error writing its page
  /// with `commands` gives.
  static func missingImageError(
    commands: ReportCommands = commands, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> (root: URL, error: ReportError) {
    let root = try outputFolder()
    try FileManager.default.removeItem(at: root.appendingPathComponent("02-depthwise/maps.png"))
    let error = try #require(throws: ReportError.self, sourceLocation: sourceLocation) {
      try ReportPage.write(outputDirectory: root, lessons: lessons, commands: commands, version: "1")
    }
    return (root, error)
  }
}

@Suite("The report page", .removesTemporaryFolders)
struct ReportTests {
  @Test func contentsListEveryLessonAndLinksToItsSection() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    #expect(html.contains("<nav class=\"toc\""))
    for info in ReportFixture.lessons {
      #expect(html.contains("href=\"#lesson-\(info.number)\""))
      #expect(html.contains("<section id=\"lesson-\(info.number)\""))
      #expect(html.contains(info.title))
      #expect(html.contains("Article \(info.articleSection)"))
    }
    #expect(html.contains("dsdc 9.9.9-test"))
    #expect(html.contains("sample <b>8</b>"))
    #expect(html.contains("ran <b>2026-01-02 03:04 UTC</b>"))
  }

  @Test func printedTextIsEscaped() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    #expect(html.contains("A line with &lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot; shows literally"))
    #expect(!html.contains("<b>markup</b>"))
    // The runner's own heading line is left out: the section heading says it.
    #expect(!html.contains("━━ Lesson 1"))
  }

  @Test func titlesAndErrorsAreEscapedToo() throws {
    let root = try makeTemporaryDirectory()
    let info = LessonInfo(number: 1, slug: "x", title: "<script>alert(1)</script>", articleSection: "§1", summary: "")
    let record = ReportFixture.record(info, files: [], lines: [], error: "bad <img src=x>")
    try ReportFixture.save(record, root, "01-x/lesson.json")
    let html = ReportPage.html(outputDirectory: root, lessons: [info], commands: ReportFixture.commands, version: "1")
    #expect(!html.contains("<script>alert"))
    #expect(!html.contains("<img src=x>"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("bad &lt;img src=x&gt;"))
  }

  @Test func errataAndChecksAreHighlighted() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    #expect(
      html.contains(
        "<span class=\"erratum\">ERRATUM (article §1.2): the article says 0…256; pixels are 0…255.</span>"))
    #expect(html.contains("<span class=\"pass\">  ✓ magic number is 0x00000803</span>"))
    #expect(html.contains("<span class=\"fail\">  ✗ loop and fast kernel agree</span>"))
    #expect(html.contains("<span class=\"badge errata\">1 erratum</span>"))
  }

  @Test func aLessonThatStoppedShowsItsErrorAndWhatItWrote() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    let section = try #require(html.range(of: "<section id=\"lesson-2\"")).lowerBound
    let lesson2 = html[section...].prefix { _ in true }.components(separatedBy: "</section>")[0]
    #expect(lesson2.contains("<div class=\"error\" role=\"alert\"><strong>This run stopped with an error:</strong>"))
    #expect(lesson2.contains("lesson 2: 1 check(s) failed: loop and fast kernel agree"))
    #expect(lesson2.contains("Run it again with <code>dsdc lesson 2</code>"))
    #expect(lesson2.contains("<img src=\"02-depthwise/maps.png\""))
    #expect(html.contains("<span class=\"badge failed\">✗ stopped</span>"))
  }

  @Test func aLessonNotRunShowsTheCommandThatRunsIt() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    #expect(
      html.contains(
        "<div class=\"notrun\"><strong>Not run yet.</strong> Run it with "
          + "<code>dsdc lesson 3</code></div>"))
    #expect(html.contains("<span class=\"badge notrun\">not run</span>"))
  }

  @Test func imagesAreCaptionedCrispAndNeverWiderThanThePage() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    // 28×28 is enlarged to a whole multiple of its pixels; 280 wide stays as it is.
    #expect(html.contains("<img src=\"01-mnist/digit.png\" alt=\"Digit\" width=\"224\" height=\"224\">"))
    #expect(html.contains("<img src=\"01-mnist/first-100.png\" alt=\"First 100\" width=\"280\" height=\"280\">"))
    #expect(html.contains("<figcaption>First 100 <code>01-mnist/first-100.png</code></figcaption>"))
    #expect(html.contains("image-rendering: pixelated"))
    #expect(html.contains("image-rendering: crisp-edges"))
    #expect(html.contains("max-width: 100%; height: auto;"))
  }

  @Test func thePageIsSelfContained() throws {
    let html = ReportFixture.page(try ReportFixture.outputFolder())
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(!html.contains("<link"))
    #expect(!html.contains("<script src"))
  }

  @Test func laterCommandsAppearOnceTheirRecordExists() throws {
    let root = try ReportFixture.outputFolder()
    #expect(!ReportFixture.page(root).contains("id=\"section-train\""))
    try ReportFixture.writePNG(root.appendingPathComponent("train/curves.png"), width: 50, height: 20) { x, _ in
      UInt8(x)
    }
    var run = ReportFixture.record(
      ReportFixture.lessons[0], files: ["train/curves.png"],
      lines: ["test accuracy 98.1%"])
    run.number = 0
    try ReportFixture.save(run, root, "train/run.json")
    let html = ReportFixture.page(root)
    #expect(html.contains("<section id=\"section-train\" class=\"entry\">\n<h2>Training</h2>"))
    #expect(html.contains("<img src=\"train/curves.png\""))
    #expect(html.contains("test accuracy 98.1%"))
    // A section given a command shows it while it has not run.
    let withCommand = ReportFixture.page(
      root,
      extra: [
        ReportExtraSection(folder: "predict", heading: "Predictions", command: ["predict", "my digit.png"])
      ])
    #expect(withCommand.contains("Run it with <code>dsdc predict &#39;my digit.png&#39;</code>"))
  }

  @Test func anUnreadableRecordIsShownNotFatal() throws {
    let root = try ReportFixture.outputFolder()
    let folder = root.appendingPathComponent("03-dilation")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("{\"number\": 3".utf8).write(to: folder.appendingPathComponent("lesson.json"))
    let html = ReportFixture.page(root)
    #expect(html.contains("03-dilation/lesson.json cannot be read:</strong> not valid JSON"))
    #expect(html.contains("<section id=\"lesson-1\""))
  }

  @Test func aLessonFolderFromAnEarlierRunIsKept() throws {
    let root = try ReportFixture.outputFolder()
    let old = LessonInfo(number: 7, slug: "retired", title: "A retired lesson", articleSection: "§9", summary: "")
    try ReportFixture.save(
      ReportFixture.record(old, files: [], lines: ["still here"]), root,
      "07-retired/lesson.json")
    let html = ReportFixture.page(root)
    #expect(html.contains("<span class=\"label\">Lesson 7</span> A retired lesson"))
    #expect(html.contains("not in the current lesson list"))
  }
}

@Suite("The report page's files and links", .removesTemporaryFolders)
struct ReportLinkTests {
  @Test func writtenPageHasNoBrokenLinks() throws {
    let root = try ReportFixture.outputFolder()
    let page = try ReportPage.write(
      outputDirectory: root, lessons: ReportFixture.lessons, commands: ReportFixture.commands, version: "1")
    #expect(page.lastPathComponent == "index.html")
    #expect(try ReportLinks.broken(inPage: page) == [])
  }

  @Test func aMissingImageIsFound() throws {
    let root = try ReportFixture.outputFolder()
    try FileManager.default.removeItem(at: root.appendingPathComponent("01-mnist/digit.png"))
    let broken = ReportLinks.broken(inHTML: ReportFixture.page(root), relativeTo: root)
    // The image and the link around it.
    #expect(
      broken == [
        BrokenLink(attribute: "href", target: "01-mnist/digit.png", reason: .missingFile),
        BrokenLink(attribute: "src", target: "01-mnist/digit.png", reason: .missingFile),
      ])
  }

  @Test func writingAPageWithAMissingImageFailsNamingIt() throws {
    let (root, error) = try ReportFixture.missingImageError()
    #expect(error.description.contains("02-depthwise/maps.png (no such file)"))
    #expect(!error.description.contains("\n"))
    // Decided before writing: no page replaces the earlier one (here: there was none).
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("index.html").path))
  }

  @Test(arguments: [
    ("<a href=\"https://example.com/x.png\">", BrokenLink.Reason.notRelative),
    ("<img src=\"file:///tmp/x.png\">", .notRelative),
    ("<img src=\"/etc/hostname\">", .notRelative),
    ("<img src=\"../outside.png\">", .notRelative),
    ("<a href=\"#nowhere\">", .missingAnchor),
    ("<img src='single%20quoted.png'>", .missingFile),
  ])
  func linksThatLeaveTheFolderOrLeadNowhereAreBroken(html: String, reason: BrokenLink.Reason) throws {
    let broken = ReportLinks.broken(inHTML: html, relativeTo: try makeTemporaryDirectory())
    #expect(broken.map(\.reason) == [reason])
  }

  @Test func anchorsAndEncodedNamesResolve() throws {
    let root = try makeTemporaryDirectory()
    try ReportFixture.writePNG(root.appendingPathComponent("a b/c#1.png"), width: 1, height: 1) { _, _ in 0 }
    let html = "<p id=\"here\"></p><a href=\"#here\"></a><img src=\"\(HTMLText.relativeURL("a b/c#1.png"))\">"
    #expect(ReportLinks.broken(inHTML: html, relativeTo: root) == [])
  }

  @Test func thePageIsWrittenAtomically() throws {
    let root = try ReportFixture.outputFolder()
    try ReportPage.write(
      outputDirectory: root, lessons: ReportFixture.lessons, commands: ReportFixture.commands, version: "first")
    try ReportPage.write(
      outputDirectory: root, lessons: ReportFixture.lessons, commands: ReportFixture.commands, version: "second")
    let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
    #expect(names.filter { $0.contains("index.html") } == ["index.html"], "left behind: \(names)")
    let html = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.contains("dsdc second") && !html.contains("dsdc first"))
  }
}

@Suite("HTML text")
struct HTMLTextTests {
  @Test func escapesTheFiveSpecialCharactersAndRoundTrips() {
    let text = "a < b && \"c\" > 'd' → ✓"
    #expect(HTMLText.escape(text) == "a &lt; b &amp;&amp; &quot;c&quot; &gt; &#39;d&#39; → ✓")
    #expect(HTMLText.unescape(HTMLText.escape(text)) == text)
    #expect(HTMLText.unescape("&#x2713; &#10003; &nbsp; & x") == "✓ ✓ &nbsp; & x")
  }

  @Test(arguments: [
    ("03-depthwise/maps.png", "03-depthwise/maps.png"),
    ("a b/c#1.png", "a%20b/c%231.png"),
    ("x:y.png", "x%3Ay.png"),
    ("ü.png", "%C3%BC.png"),
  ])
  func relativeURLsEncodeEachComponent(path: String, url: String) {
    #expect(HTMLText.relativeURL(path) == url)
  }

  @Test(arguments: [
    ("first-100.png", "First 100"),
    ("maps_dilation-2.png", "Maps dilation 2"),
    ("digit.png", "Digit"),
    ("confusion-matrix", "Confusion matrix"),
  ])
  func captionsComeFromFileNames(name: String, caption: String) {
    #expect(HTMLText.caption(name) == caption)
  }
}

@Suite("dsdc report", .removesTemporaryFolders)
struct ReportCommandTests {
  @Test func writesThePageAndPrintsItsPathAndURL() throws {
    let root = try ReportFixture.outputFolder()
    let result = try runTool(["report", "--output", root.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Report: \(root.standardizedFileURL.path)/index.html"))
    #expect(result.stdout.contains("open file://"))
    let html = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.contains("MNIST up close"))
  }

  @Test func brokenLinksFailInOneLineNamingThem() throws {
    let root = try ReportFixture.outputFolder()
    try FileManager.default.removeItem(at: root.appendingPathComponent("01-mnist/first-100.png"))
    let result = try runTool(["report", "--output", root.path])
    #expect(result.stderr.hasPrefix("error: "))
    #expect(result.stderr.contains("01-mnist/first-100.png (no such file)"))
    expectOneLineError(result)
  }

  /// The outcome is decided before index.html is replaced: a page with broken links is
  /// not written, and the earlier page stays as it was.
  @Test func aPageWithBrokenLinksDoesNotReplaceTheEarlierOne() throws {
    let root = try ReportFixture.outputFolder()
    let page = root.appendingPathComponent("index.html")
    try Data("earlier page".utf8).write(to: page)
    try FileManager.default.removeItem(at: root.appendingPathComponent("01-mnist/first-100.png"))
    let result = try runTool(["report", "--output", root.path])
    #expect(result.status == 1)
    #expect(try String(contentsOf: page, encoding: .utf8) == "earlier page")
  }

  /// A lesson.json over the limit (or not a regular file) is not read: the page shows it
  /// as unreadable, with the reason.
  @Test func aHugeOrOddRecordIsNotRead() throws {
    let root = try ReportFixture.outputFolder()
    let record = root.appendingPathComponent("01-mnist/lesson.json")
    try FileManager.default.removeItem(at: record)
    #expect(mkfifo(record.path, 0o644) == 0)
    let fifoError = #expect(throws: LessonRecordError.self) { _ = try LessonRecord.load(from: record) }
    #expect(fifoError?.description.contains("FIFO") == true)
    try FileManager.default.removeItem(at: record)
    try Data(count: LessonRecord.byteLimit + 1).write(to: record)
    let error = #expect(throws: LessonRecordError.self) { _ = try LessonRecord.load(from: record) }
    #expect(error?.description.contains("more than the limit of \(LessonRecord.byteLimit)") == true)
    let html = ReportPage.html(
      outputDirectory: root, lessons: ReportFixture.lessons, commands: ReportFixture.commands, version: "1")
    #expect(html.contains("more than the limit"))
  }

  @Test func aMissingOutputFolderIsOneLineWithTheFix() throws {
    let missing = try makeTemporaryDirectory().appendingPathComponent("nothing-here")
    let result = try runTool(["report", "--output", missing.path])
    #expect(result.stderr.contains("nothing-here"))
    #expect(result.stderr.contains("--output"))
    expectOneLineError(result)
    #expect(!FileManager.default.fileExists(atPath: missing.path))
  }

  /// The hint runs lesson 1 into the folder asked for, as dsdc was started: `swift run`'s
  /// command inside the package, the path it was started by elsewhere.
  @Test func theMissingFolderHintFollowsTheInvocationAndTheOutput() throws {
    let folder = try makeTemporaryDirectory()
    let tool = try #require(toolURL())
    let inPackage = try runTool(["report", "--output", folder.appendingPathComponent("none").path])
    #expect(
      inPackage.stderr.contains("(`\(try swiftRunPrefix()) lesson 1 --output \(folder.path)/none`)"),
      "\(inPackage.stderr)")
    let elsewhere = try runTool(["report", "--output", "my runs"], in: folder)
    #expect(elsewhere.status == 1)
    #expect(elsewhere.stderr.contains("(`\(tool.path) lesson 1 --output 'my runs'`)"), "\(elsewhere.stderr)")
    let defaults = try runTool(["report"], in: folder)
    #expect(defaults.stderr.contains("(`\(tool.path) lesson 1`)"), "\(defaults.stderr)")
  }

  /// A lesson run from another folder writes a page whose commands work there: the
  /// tool's path, and the lesson's `--output` as given.
  @Test func aLessonsPageCarriesTheInvocationAndTheOutput() throws {
    let folder = try makeTemporaryDirectory()
    let tool = try #require(toolURL())
    let result = try runTool(["lesson", "1", "--output", "my runs"], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let html = try String(contentsOf: folder.appendingPathComponent("my runs/index.html"), encoding: .utf8)
    #expect(
      html.contains("Run it with <code>\(tool.path) lesson 2 --output &#39;my runs&#39;</code>"),
      "\(html.components(separatedBy: "<section id=\"lesson-2\"").last?.prefix(600) ?? "")")
    #expect(!html.contains("swift run"))
  }
}
