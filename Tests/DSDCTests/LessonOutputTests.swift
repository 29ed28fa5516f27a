import DSDC
import Foundation
import Lessons
import Testing

/// Runs lessons 2–7 on the real MNIST test digit with the output captured, and
/// checks what a learner relies on: every check passes, the article's formula is
/// filled in with real numbers and checked against the fast convolution, each
/// erratum is printed where it belongs, and the lesson's images are written.
@Suite("Lesson output", .removesTemporaryFolders)
struct LessonOutputTests {
  /// What one lesson must print and write.
  struct Expectation: Sendable, CustomTestStringConvertible {
    var number: Int
    /// Lines that must appear (the start of each erratum's marker line).
    var errata: [String]
    /// Files in the lesson's folder.
    var files: [String]
    var testDescription: String { "lesson \(number)" }
  }

  static let expectations: [Expectation] = [
    Expectation(
      number: 2, errata: ["ERRATUM (article §4.1):", "ERRATUM (article §3–§5):", "ERRATUM (article §1.3): resolution"],
      files: [
        "digit.png", "kernels.png", "maps.png", "maps-shared.png", "mixed-kernels.png", "mixed-maps.png",
        "mixed-maps-shared.png",
      ]),
    Expectation(
      number: 3, errata: ["ERRATUM (article §3.1, §4.2):", "ERRATUM (article §3.1):"],
      files: ["input-maps.png", "kernels.png", "maps.png", "maps-shared.png"]),
    Expectation(
      number: 4, errata: ["ERRATUM (article §3.1–§3.2):"],
      files: ["input-maps.png", "weights.png", "maps.png", "maps-shared.png"]),
    Expectation(
      number: 5, errata: ["ERRATUM (article §4.2):", "ERRATUM (article §2.2):"],
      files: [
        "depthwise-kernels.png", "depthwise-maps.png", "pointwise-weights.png", "maps.png", "maps-shared.png",
        "composed-kernels.png",
      ]),
    Expectation(
      number: 6, errata: ["ERRATUM (article §3.3, §4.3):", "ERRATUM (article §3.3, §4.3, §4.4):"],
      files: ["reads.png", "kernels.png", "maps.png"]),
    Expectation(
      number: 7,
      errata: [
        "ERRATUM (article §4.4):", "ERRATUM (article §3.4):", "ERRATUM (article §5): the article stops",
        "ERRATUM (article §1.3): separability", "ERRATUM (article §5): the padding",
      ],
      files: ["depthwise-kernels.png", "depthwise-maps.png", "pointwise-weights.png", "maps.png", "maps-shared.png"]),
  ]

  /// Each of the article's errors is shown once, in one lesson.
  @Test func everyErratumOnce() {
    let all = Self.expectations.flatMap(\.errata)
    #expect(Set(all).count == all.count)
  }

  /// The lessons under test, by number (independent of the catalog's order).
  static var lessons: [Int: Lesson.Type] {
    [
      2: Lesson02Standard.self, 3: Lesson03Depthwise.self, 4: Lesson04Pointwise.self,
      5: Lesson05Separable.self, 6: Lesson06Dilated.self, 7: Lesson07DSDC.self,
    ]
  }

  @Test(arguments: expectations)
  func lessonPrintsChecksAndWrites(_ expected: Expectation) throws {
    let lesson = try #require(Self.lessons[expected.number])
    let output = try makeTemporaryDirectory()
    let (context, lines) = try runLesson(lesson, .mnist(output: output))

    #expect(context.failedChecks.isEmpty, "failed checks: \(context.failedChecks)")
    #expect(!lines.contains { $0.hasPrefix("  ✗") })
    // Every line fits in 80 terminal columns (CJK quotations count 2 a character), and the
    // lesson ends with what to open and the next lesson's command.
    // (A line may be wider only by the temporary output folder's path, too long to break.)
    for line in lines where !line.contains(output.path) {
      #expect(DisplayWidth.of(line) <= LessonContext.lineWidth, "\(DisplayWidth.of(line)) columns: \(line)")
    }
    #expect(lines.contains("Next:"))
    let commands = LessonNextTests.commands(lines)
    #expect(commands.contains { $0.hasSuffix("dsdc lesson \(expected.number + 1) --output \(output.path)") })
    // The article's formula, then every term with real numbers, the sum, and the check against the fast convolution.
    #expect(lines.contains { $0.hasPrefix("Article §") })
    #expect(lines.contains { $0.contains("Σ weight·input, term by term") })
    #expect(lines.contains { $0.contains("= sum of") })
    #expect(
      lines.contains { $0.hasPrefix("  ✓ sum ") && $0.contains("= Convolution.forward's") && $0.contains("|Δ| = ") })
    // One notation (lesson 2's): worked examples say indices count from 0, and the
    // earlier lesson-specific names (K_dw, K_std, x and y as row and column) are gone.
    #expect(lines.contains { $0.contains("term by term (from 0),") })
    #expect(!lines.contains { $0.contains("K_dw") || $0.contains("K_std") || $0.contains("G_{x,y") })
    if expected.number == 2 {
      #expect(lines.contains { $0.hasPrefix("The program's notation") })
      #expect(lines.contains { $0.contains("counting every index counts from 0") })
    }
    // Exactly the expected errata, each once (no more, no fewer ERRATUM blocks).
    let errata = lines.filter { $0.hasPrefix("ERRATUM") }
    #expect(errata.count == expected.errata.count, "errata printed: \(errata)")
    for erratum in expected.errata {
      #expect(errata.filter { $0.hasPrefix(erratum) }.count == 1, "missing or repeated \(erratum)")
    }
    let folder = output.appendingPathComponent(lesson.info.folderName)
    for file in expected.files {
      let url = folder.appendingPathComponent(file)
      #expect(FileManager.default.fileExists(atPath: url.path), "missing \(lesson.info.folderName)/\(file)")
      #expect(
        context.writtenFiles.contains { $0.standardizedFileURL == url.standardizedFileURL }, "\(file) not recorded")
    }
  }

  /// Lesson 1 prints the digit's values where it has ink (the full grid is 113 columns
  /// wide), fits every line in 80 columns, and names its pictures and lesson 2 at the end.
  @Test func lessonOneFitsAndEndsWithNext() throws {
    let output = try makeTemporaryDirectory()
    let (context, lines) = try runLesson(Lesson01MNIST.self, .mnist(output: output))
    #expect(context.failedChecks.isEmpty)
    for line in lines where !line.contains(output.path) {
      #expect(DisplayWidth.of(line) <= LessonContext.lineWidth, "\(DisplayWidth.of(line)) columns: \(line)")
    }
    // Test image 8's ink spans columns 5…24 (lesson 6 finds the same): 20 values a row.
    #expect(lines.contains { $0.hasSuffix("columns 5…24 (from 0; the others are all 0):") })
    #expect(lines.contains("   0   0   0   0   0   0   0   0   0   0   0   0  17  47  47  47  16 129  85  47"))
    let next = try #require(lines.firstIndex(of: "Next:"))
    #expect(lines[next + 1].hasSuffix("01-mnist/digit.png"))
    let commands = LessonNextTests.commands(lines)
    #expect(commands.contains { $0.hasSuffix("dsdc lesson 1 --sample 0 --output \(output.path)") })
    #expect(commands.contains { $0.hasSuffix("dsdc lesson 2 --output \(output.path)") })
  }

  /// The lessons' folders are the ones the walkthrough documents.
  @Test func folderNames() {
    #expect(
      Self.lessons.keys.sorted().map { Self.lessons[$0]!.info.folderName }
        == ["02-standard", "03-depthwise", "04-pointwise", "05-separable", "06-dilated", "07-dsdc"])
  }
}
