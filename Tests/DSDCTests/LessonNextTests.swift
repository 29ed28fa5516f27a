import DSDC
import Foundation
import Testing

/// A lesson that writes one file and ends with `finish`, for the tests below.
enum NextProbeLesson: Lesson {
  static let info = LessonInfo(
    number: 42, slug: "probe", title: "Probe", articleSection: "§0", summary: "ends with a Next block")
  static let nextInfo = LessonInfo(
    number: 43, slug: "after", title: "The lesson after", articleSection: "§0", summary: "comes next")

  static func run(_ lesson: LessonContext) throws {
    // As lessons 1–7 do: the test set is read for test image --sample, not for an --image.
    _ = try lesson.lessonDigit()
    let url = try lesson.path("picture.png")
    try Data([1]).write(to: url)
    lesson.recordWritten(url)
    lesson.finish(
      open: [url],
      try: [
        .sample(3), .image, .options(["--seed", "1"], "other weights"),
        .command(["predict", "my digit.png"], "your own digit"),
      ],
      next: nextInfo)
  }
}

@Suite("The Next block at the end of a lesson", .removesTemporaryFolders)
struct LessonNextTests {
  /// The printed paths, commands and comments after `Next:`, without their labels, with
  /// lines ending in ` \` joined as the shell joins them. (The temporary folders make the
  /// commands long, so each comment has a line of its own.)
  static func commands(_ lines: [String]) -> [String] {
    var joined: [String] = []
    var pending: String?
    for line in lines.drop(while: { $0 != "Next:" }).dropFirst() {
      let text = line.trimmingCharacters(in: .whitespaces)
      let part =
        text.hasPrefix("open ") || text.hasPrefix("try ") || text.hasPrefix("then ")
        ? String(text.drop { $0 != " " }).trimmingCharacters(in: .whitespaces) : text
      let whole = pending.map { $0 + " " + part } ?? part
      if whole.hasSuffix(" \\") {
        pending = String(whole.dropLast(2))
      } else {
        pending = nil
        joined.append(whole)
      }
    }
    return joined
  }

  /// Commands repeat the run's data, output folder, digit and seed; a try that sets one of
  /// them itself replaces it; `.sample` names the image's label and skips the one studied;
  /// words with spaces are quoted; every line fits in 80 columns but a file's path
  /// (the temporary folder's is too long), which is never broken.
  @Test func commandsCarryTheRunsSettings() throws {
    let data = try makeTinyDataFolder()
    let folder = try makeTemporaryDirectory()
    let output = folder.appendingPathComponent("My Output")
    let (context, lines) = try runLesson(
      NextProbeLesson.self, LessonSettings(dataDirectory: data, outputDirectory: output, sample: 3, seed: 5))

    let test = try context.testSet()
    let (d, o) = (data.path, "'\(output.path)'")
    let commands = Self.commands(lines)
    #expect(
      lines.allSatisfy { DisplayWidth.of($0) <= LessonContext.lineWidth || $0.hasPrefix("  open  '") }, "\(lines)")
    #expect(commands.first == "'" + output.appendingPathComponent("42-probe/picture.png").path + "'")
    #expect(commands.contains("# test image 4, a \(test.labels[4]), instead of test image 3"))
    #expect(commands.contains { $0.hasPrefix("dsdc lesson 42 --sample 4 --data \(d) --output \(o) --seed 5") })
    #expect(
      commands.contains { $0.hasPrefix("dsdc lesson 42 --image my-digit.png --data \(d) --output \(o) --seed 5") })
    #expect(commands.contains { $0.hasPrefix("dsdc lesson 42 --seed 1 --data \(d) --output \(o) --sample 3") })
    #expect(commands.contains { $0.hasPrefix("dsdc predict 'my digit.png' --data \(d) --output \(o)") })
    #expect(
      commands.suffix(2) == ["# The lesson after", "dsdc lesson 43 --data \(d) --output \(o) --sample 3 --seed 5"])
  }

  /// The commands start the way the program was started (here `swift run -c release dsdc`).
  @Test func commandsStartAsTheProgramWasStarted() throws {
    let data = try makeTinyDataFolder()
    let output = try makeTemporaryDirectory()
    var settings = LessonSettings(dataDirectory: data, outputDirectory: output)
    settings.program = ["swift", "run", "-c", "release", "dsdc"]
    let (_, lines) = try runLesson(NextProbeLesson.self, settings)
    let commands = Self.commands(lines)
    #expect(commands.last?.hasPrefix("swift run -c release dsdc lesson 43 ") == true, "\(commands)")
    #expect(!commands.contains { $0.hasPrefix("dsdc ") }, "\(commands)")
  }

  /// What is at its default is not repeated (seed 0, no --sample beside --image); a run
  /// that studied a picture gets no hint to study one, and the next lesson studies it too.
  /// The lesson read no test set, so the hint for a test image does not name its label.
  @Test func defaultsAreLeftOut() throws {
    let data = try makeTinyDataFolder()
    let folder = try makeTemporaryDirectory()
    // A dark square on white: a "digit" that stands out from its background.
    let picture = folder.appendingPathComponent("digit.png")
    let pixels = (0..<28 * 28).map { ($0 / 28) % 20 > 6 && ($0 % 28) % 20 > 6 ? UInt8(0) : UInt8(255) }
    try PNGFile.write(RasterImage(width: 28, height: 28, channels: 1, pixels: pixels), to: picture.path)
    let output = folder.appendingPathComponent("out")
    let (_, lines) = try runLesson(
      NextProbeLesson.self, LessonSettings(dataDirectory: data, outputDirectory: output, image: picture.path))
    let commands = Self.commands(lines)
    #expect(!commands.contains { $0.contains("my-digit.png") })
    #expect(commands.contains("# test image 3, instead of your picture"))
    #expect(commands.contains("dsdc lesson 42 --sample 3 --data \(data.path) --output \(output.path)"))
    #expect(
      commands.suffix(2) == [
        "# The lesson after", "dsdc lesson 43 --data \(data.path) --output \(output.path) --image \(picture.path)",
      ])
  }
}
