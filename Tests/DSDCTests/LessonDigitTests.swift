import DSDC
import Foundation
import Lessons
import Testing

/// `--image`: lessons 1–7 on the learner's own picture, preprocessed as `dsdc predict` does.
@Suite("The lesson digit from your own picture", .removesTemporaryFolders)
struct LessonDigitTests {
  /// A 60×80 light picture with a dark slanted "1" (a thick stroke), saved as gray PNG.
  static func writeDigitPicture(in folder: URL, name: String = "my-digit.png", blank: Bool = false) throws
    -> (url: URL, gray: [UInt8])
  {
    let (width, height) = (60, 80)
    var gray = [UInt8](repeating: 240, count: width * height)
    if !blank {
      for y in 10..<70 {
        let centre = 34 - (y - 10) / 6
        for x in (centre - 4)...(centre + 4) { gray[y * width + x] = 20 }
      }
    }
    let url = folder.appendingPathComponent(name)
    try PNGFile.write(RasterImage(width: width, height: height, channels: 1, pixels: gray), to: url.path)
    return (url, gray)
  }

  @Test func pictureIsPreprocessedAsPredictDoes() throws {
    let folder = try makeTemporaryDirectory()
    let (url, gray) = try Self.writeDigitPicture(in: folder)
    let digit = try LessonDigit(picture: url.path)
    let expected = try DigitPreprocessor.mnistStyle(gray: gray, width: 60, height: 80)
    #expect(digit.pixels == expected)
    #expect(digit.image.shape == [1, 1, 28, 28])
    #expect(digit.image.storage == expected.map { Float($0) })
    #expect(digit.label == nil)
    #expect(digit.title == "Your picture my-digit.png")
  }

  @Test func pictureWithoutDigitGetsPredictsError() throws {
    let folder = try makeTemporaryDirectory()
    let (url, _) = try Self.writeDigitPicture(in: folder, name: "blank.png", blank: true)
    #expect(throws: LessonError.self) { try LessonDigit(picture: url.path) }
    let message = LessonError.noDigit(path: url.path).description
    #expect(message.hasPrefix("\(url.path) shows no digit: nothing stands out from its background — HINT: "))
  }

  @Test func lessonUsesThePicturePixels() throws {
    let folder = try makeTemporaryDirectory()
    let (url, _) = try Self.writeDigitPicture(in: folder)
    let output = folder.appendingPathComponent("Output")
    // Lesson 6 needs no dataset at all with --image: it must not touch the (missing) data folder.
    let (context, lines) = try runLesson(
      Lesson06Dilated.self,
      LessonSettings(dataDirectory: folder.appendingPathComponent("no-data"), outputDirectory: output, image: url.path))
    #expect(context.failedChecks.isEmpty, "\(context.failedChecks)")
    #expect(lines.contains { $0.hasPrefix("Your picture my-digit.png, pixels scaled to [0, 1]") })
    // The strongest edge the lesson writes out is the picture's, not test image 8's.
    let digit = try LessonDigit(picture: url.path)
    let x = Tensor(shape: [1, 1, 28, 28], storage: digit.image.storage.map { $0 / 255 })
    let (i, j) = ProbePosition.strongestEdge(in: x)
    #expect(lines.contains { $0.contains("output (\(i), \(j)) from 0") })
    let record = try LessonRecord.load(from: output.appendingPathComponent("06-dilated/lesson.json"))
    #expect(record.settings["image"] == url.path)
    #expect(record.settings["sample"] == nil)
  }

  @Test func imageAndSampleAreExclusive() throws {
    let folder = try makeTemporaryDirectory()
    let (url, _) = try Self.writeDigitPicture(in: folder)
    let output = folder.appendingPathComponent("out")
    let result = try runTool(["lesson", "2", "--image", url.path, "--sample", "3", "--output", output.path])
    #expect(result.stderr.hasPrefix("error: --image and --sample both choose the lesson digit — HINT:"))
    expectOneLineError(result)
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  @Test func blankPictureIsOneLineBeforeAnyLesson() throws {
    let folder = try makeTemporaryDirectory()
    let (url, _) = try Self.writeDigitPicture(in: folder, name: "blank.png", blank: true)
    let output = folder.appendingPathComponent("out")
    let result = try runTool(["lessons", "--through", "7", "--image", url.path, "--output", output.path])
    #expect(result.status == 1)
    #expect(result.stderr == "error: \(LessonError.noDigit(path: url.path))\n")
    #expect(result.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  @Test func missingPictureIsOneLineNamingIt() throws {
    let folder = try makeTemporaryDirectory()
    let missing = folder.appendingPathComponent("no-such-digit.png").path
    let result = try runTool(["lesson", "1", "--image", missing, "--output", folder.appendingPathComponent("out").path])
    #expect(result.stderr.hasPrefix("error: cannot read \(missing): "))
    #expect(result.stderr.contains("— HINT: "))
    expectOneLineError(result)
  }

  @Test func thePageSaysWhichDigitEachLessonStudied() throws {
    let root = try ReportFixture.outputFolder()
    var record = try LessonRecord.load(from: root.appendingPathComponent("01-mnist/lesson.json"))
    record.settings["sample"] = nil
    record.settings["image"] = "my-digit.png"
    try record.save(to: root.appendingPathComponent("01-mnist/lesson.json"))
    let html = ReportFixture.page(root)
    #expect(html.contains("<span>image <b>my-digit.png</b></span>"))
    #expect(html.contains("different settings: image my-digit.png (Lesson 1), sample 8 (Lesson 2)."))
  }

  @Test func lessonCommandRunsOnThePicture() throws {
    let folder = try makeTemporaryDirectory()
    let (url, _) = try Self.writeDigitPicture(in: folder)
    let output = folder.appendingPathComponent("out")
    let result = try runTool(["lesson", "3", "--image", url.path, "--output", output.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Your picture my-digit.png through lesson 2's four kernels"))
  }
}
