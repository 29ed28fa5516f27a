import Foundation

/// Something to try once a lesson has run (`LessonContext.finish`).
public struct LessonTry: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    /// The same lesson with these options added.
    case options([String])
    /// The same lesson on another test image.
    case sample(Int)
    /// Another command: the words after `dsdc`, then those of the run's non-default
    /// locations that are in `carrying` (the options the command takes).
    case command([String], carrying: Set<String>)
  }

  let kind: Kind
  /// What it shows, printed after the command as a shell comment.
  let why: String

  /// The same lesson with `options` added (each must be one the lesson honours).
  public static func options(_ options: [String], _ why: String) -> LessonTry {
    LessonTry(kind: .options(options), why: why)
  }

  /// The same lesson on test image `index` (the next one if the run studied `index`);
  /// the comment names the image's label if the lesson has read the test set (a lesson
  /// on an `--image` picture may not need it, nor find it).
  public static func sample(_ index: Int) -> LessonTry {
    LessonTry(kind: .sample(index), why: "")
  }

  /// Your own picture of a digit instead of a test image (`--image`).
  public static let image = LessonTry.options(
    ["--image", "my-digit.png"], "your own picture: a PNG of one digit")

  /// Another dsdc command, e.g. `["predict", "my-digit.png"]`, followed by the run's
  /// non-default `--data`, `--output`, `--finetune-data` if named in `carrying` (only
  /// options the command takes).
  public static func command(
    _ arguments: [String], carrying: Set<String> = ["--data", "--output"], _ why: String
  ) -> LessonTry {
    LessonTry(kind: .command(arguments, carrying: carrying), why: why)
  }
}

extension LessonContext {

  /// Ends the lesson with what to look at and what to run next:
  /// ```
  /// Next:
  ///   open  Output/01-mnist/digit.png
  ///   try   dsdc lesson 1 --sample 0            # test image 0, a 7, instead of test image 8
  ///         dsdc lesson 1 --image my-digit.png  # your own picture: a PNG of one digit
  ///   then  dsdc lesson 2                       # Standard convolution
  /// ```
  /// Paths are as written (`DisplayPath`); commands repeat the run's non-default `--data`,
  /// `--output`, `--sample` or `--image`, and `--seed`, so they run on the same data and
  /// write beside this run.
  /// - Parameters:
  ///   - files: the lesson's files most worth opening.
  ///   - tries: variations of the lesson, or other commands.
  ///   - next: the next lesson, nil after the last.
  public func finish(open files: [URL], try tries: [LessonTry], next: LessonInfo?) {
    guard let number = lesson?.number else { return }
    for file in files {
      precondition(
        writtenFiles.contains { $0.standardizedFileURL == file.standardizedFileURL },
        "finish(open:) names \(file.path), which this run did not write")
    }
    var rows: [(label: String, words: [String], why: String)] = []
    for (index, file) in files.enumerated() {
      rows.append((index == 0 ? "open" : "", [DisplayPath.of(file)], ""))
    }
    // A run that studied a picture needs no hint to study one.
    for (index, item) in tries.filter({ $0 != .image || settings.image == nil }).enumerated() {
      let (words, why) = resolve(item, lesson: number)
      rows.append((index == 0 ? "try" : "", settings.program + words, why))
    }
    if let next {
      rows.append(("then", settings.program + ["lesson", String(next.number)] + carried(), next.title))
    }
    // Comments line up after the commands, as far as the longest of at most 44 columns;
    // a row too wide for that gets its comment on a line of its own, above the command.
    let commands = rows.map { ShellQuoting.line($0.words) }
    let column = commands.map { DisplayWidth.of($0) }.filter { $0 <= 44 }.max() ?? 0
    say()
    say("Next:")
    for (row, command) in zip(rows, commands) {
      let label = "  " + row.label.padding(toLength: 6, withPad: " ", startingAt: 0)
      let gap = String(repeating: " ", count: max(column - DisplayWidth.of(command), 0) + 2)
      let line = label + command + (row.why.isEmpty ? "" : gap + "# " + row.why)
      if row.why.isEmpty && row.words.count == 1 {
        sayWhole(line)  // a file to open: one path, never broken
        continue
      }
      if row.why.isEmpty || DisplayWidth.of(line) <= Self.lineWidth {
        say(line)
        continue
      }
      let comment = ProseWrap.lines(label + "# " + row.why, width: Self.lineWidth, continuation: "        # ")
      for line in comment + ShellQuoting.lines(row.words, indent: "        ", width: Self.lineWidth) { say(line) }
    }
  }

  /// The words after `dsdc` of one try, and its comment.
  private func resolve(_ item: LessonTry, lesson number: Int) -> (words: [String], why: String) {
    let base = ["lesson", String(number)]
    switch item.kind {
    case .options(let options):
      return (base + options + carried(except: options), item.why)
    case .sample(let wanted):
      let test = loadedTestSet
      let current = settings.image == nil ? settings.sample : nil
      let index = wanted == current ? (wanted + 1) % (test?.count ?? Int.max) : wanted
      let label = test.flatMap { index < $0.count ? ", a \($0.labels[index])" : nil } ?? ""
      let instead = current.map { ", instead of test image \($0)" } ?? ", instead of your picture"
      let options = ["--sample", String(index)]
      return (base + options + carried(except: options), "test image \(index)\(label)\(instead)")
    case .command(let arguments, let carrying):
      return (arguments + locationOptions().chunked().filter { carrying.contains($0[0]) }.flatMap { $0 }, item.why)
    }
  }

  /// Another dsdc command as the reader would type it: the tool as it was started, then
  /// `arguments`, then the run's non-default options among `carrying`.
  public func commandLine(_ arguments: [String], carrying: Set<String> = ["--data", "--output"]) -> String {
    let options = locationOptions().chunked().filter { carrying.contains($0[0]) }.flatMap { $0 }
    return ShellQuoting.line(settings.program + arguments + options)
  }

  /// The run's non-default `--data`, `--output` and `--finetune-data`.
  private func locationOptions() -> [String] {
    var words: [String] = []
    // `--data` only when the folder is not the one the search would find without it.
    let found = try? DataLocation.locate(option: nil)
    if settings.dataDirectory.standardizedFileURL.path != found?.directory.standardizedFileURL.path {
      words += ["--data", DisplayPath.of(settings.dataDirectory)]
    }
    if settings.outputDirectory.standardizedFileURL.path != URL(fileURLWithPath: "Output").standardizedFileURL.path {
      words += ["--output", DisplayPath.of(settings.outputDirectory)]
    }
    if let fineTuneData = settings.fineTuneData { words += ["--finetune-data", fineTuneData] }
    return words
  }

  /// The options a next lesson repeats (locations, the digit, the seed), without
  /// those `options` set themselves; `--sample` and `--image` replace each other.
  private func carried(except options: [String] = []) -> [String] {
    let set = Set(options.filter { $0.hasPrefix("--") })
    let choosesDigit = set.contains("--sample") || set.contains("--image")
    var words = locationOptions().chunked().filter { !set.contains($0[0]) }.flatMap { $0 }
    if !choosesDigit {
      if let image = settings.image {
        words += ["--image", image]
      } else if settings.sample != LessonSettings.defaultSample {
        words += ["--sample", String(settings.sample)]
      }
    }
    if settings.seed != 0 && !set.contains("--seed") { words += ["--seed", String(settings.seed)] }
    return words
  }
}

extension Array where Element == String {
  /// Option words in pairs: `["--a", "1", "--b", "2"]` → `[["--a", "1"], ["--b", "2"]]`.
  fileprivate func chunked() -> [[String]] {
    stride(from: 0, to: count, by: 2).map { Array(self[$0..<Swift.min($0 + 2, count)]) }
  }
}
