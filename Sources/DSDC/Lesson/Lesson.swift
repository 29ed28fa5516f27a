/// A numbered lesson of the walkthrough: a file in `Lessons/` that reads top to
/// bottom like a notebook and talks to the learner through a `LessonContext`.
public protocol Lesson {
  /// Number, title, article section and output folder.
  static var info: LessonInfo { get }
  /// Runs the lesson: prints, computes, writes its files, checks its numbers.
  static func run(_ context: LessonContext) throws
}

/// What the lesson list and the report say about a lesson.
public struct LessonInfo: Sendable, Equatable {
  /// 1, 2, …
  public var number: Int
  /// Short folder-friendly name, e.g. `mnist` → `Output/01-mnist/`.
  public var slug: String
  /// Title shown in the lesson list.
  public var title: String
  /// The article's sections the lesson follows, e.g. `§3.1, §4.2`.
  public var articleSection: String
  /// One line on what the learner will see.
  public var summary: String

  public init(number: Int, slug: String, title: String, articleSection: String, summary: String) {
    self.number = number
    self.slug = slug
    self.title = title
    self.articleSection = articleSection
    self.summary = summary
  }

  /// The lesson's output folder name, e.g. `01-mnist`.
  public var folderName: String {
    (number < 10 ? "0" : "") + "\(number)-\(slug)"
  }
}

/// Why a lesson stopped.
public enum LessonError: Error, CustomStringConvertible {
  /// One or more of the lesson's checks did not hold.
  case checksFailed(lesson: Int, failed: [String])
  /// Checks did not hold on data other than the full MNIST (`data` describes it),
  /// which the checks assume; `verify` is the command that checks a folder.
  case checksFailedOnOtherData(lesson: Int, failed: [String], data: String, verify: String = "dsdc data --verify")
  /// No lesson has this number.
  case unknownLesson(number: Int, available: ClosedRange<Int>)
  /// `--sample` is not an index of the test set.
  case sampleOutOfRange(sample: Int, count: Int)
  /// The `--image` picture shows nothing that stands out from its background.
  case noDigit(path: String)
  /// Both `--image` and `--sample` were given.
  case imageAndSample

  public var description: String {
    switch self {
    case .checksFailed(let lesson, let failed):
      return
        "lesson \(lesson): \(failed.count) check(s) failed: \(failed.joined(separator: "; ")) — HINT: this is a bug in dsdc; please report it with the command you ran"
    case .checksFailedOnOtherData(let lesson, let failed, let data, let verify):
      return
        "lesson \(lesson): \(failed.count) check(s) failed on \(data), which is not the full MNIST the checks assume: \(failed.joined(separator: "; ")) — HINT: point --data at the full MNIST (\(verify) checks a folder)"
    case .unknownLesson(let number, let available):
      return
        "there is no lesson \(number) — HINT: choose a lesson from \(available.lowerBound) to \(available.upperBound); `dsdc` lists them"
    case .sampleOutOfRange(let sample, let count):
      return "--sample \(sample) is not a test image index — HINT: choose a number from 0 to \(count - 1)"
    case .noDigit(let path):
      return "\(path) shows no digit: nothing stands out from its background — "
        + "HINT: use a picture of one dark digit on a light background, or light on dark"
    case .imageAndSample:
      return "--image and --sample both choose the lesson digit — "
        + "HINT: give one of them: --image FILE.png for your own picture, --sample N for a test image"
    }
  }
}
