import DSDC
import Foundation
import Testing

/// `dsdc evaluate` and `dsdc predict` as a user runs them, and their help.
@Suite("dsdc evaluate and predict", .removesTemporaryFolders)
struct EvaluatePredictCommandTests {
  /// The tiny network with a classifier that ignores its input: weights 0 and the bias
  /// of class `constant` the largest, so every image is predicted `constant`.
  static func constantModel(_ constant: Int, in folder: URL) throws -> URL {
    let model = TinyNet.model()
    model.classifier.weight.value.storage = [Float](repeating: 0, count: model.classifier.weight.value.count)
    model.classifier.bias.value.storage = (0..<10).map { $0 == constant ? 10 : 0 }
    let config = String(decoding: try JSONEncoder().encode(TinyNet.config), as: UTF8.self)
    let url = folder.appendingPathComponent("constant.safetensors")
    try TrainingCheckpoint.saveModel(model, steps: 0, metadata: [TrainingState.Key.config: config], to: url)
    return url
  }

  /// The help of each command shows defaults one way, `(default: …)`, in lines of at
  /// most 80 columns; evaluate and predict list only the options they use.
  @Test func helpListsOnlyTheOptionsACommandUses() throws {
    let evaluate = try runTool(["evaluate", "--help"])
    #expect(evaluate.status == 0)
    for option in ["--checkpoint <file>", "--output <dir>", "--data <dir>", "--json"] {
      #expect(evaluate.stdout.contains(option), "\(option)")
    }
    for option in ["--sample", "--seed", "--epochs", "--threads", "--max-pixels", "--image"] {
      #expect(!evaluate.stdout.contains(option), "\(option)")
    }
    let predict = try runTool(["predict", "--help"])
    #expect(predict.stdout.contains("<picture.png> ...") && predict.stdout.contains("--max-pixels <n>"))
    for option in ["--sample", "--seed", "--data", "--epochs", "--json"] {
      #expect(!predict.stdout.contains(option), "\(option)")
    }
    let commands = [
      "lesson", "lessons", "data", "report", "model", "train", "compare", "finetune", "evaluate", "predict",
    ]
    for command in commands {
      let help = try runTool([command, "--help"]).stdout
      let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.allSatisfy { $0.count <= 80 }, "\(command): \(lines.filter { $0.count > 80 })")
      // Every default is given in ArgumentParser's form, "(default: …)", never "(default 9)" or "default: 9".
      let text = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      let parenthesised = text.components(separatedBy: "(default: ").count - 1
      #expect(text.components(separatedBy: "(default").count - 1 == parenthesised, "\(command): \(text)")
      #expect(text.components(separatedBy: "default:").count - 1 == parenthesised, "\(command): \(text)")
    }
    #expect(try runTool(["--help"]).stdout.contains("--generate-completion-script bash"))
  }

  @Test func versionIsPrinted() throws {
    let result = try runTool(["--version"])
    #expect(result.status == 0)
    #expect(
      result.stdout.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+\n$"#, options: .regularExpression) != nil, "\(result.stdout)")
  }

  /// A model that predicts 3 for everything, on the 16 test images of the tiny data:
  /// the expected numbers follow from the labels alone.
  @Test func evaluateCountsPrecisionRecallAndJSON() throws {
    let data = try makeTinyDataFolder()
    let folder = try makeTemporaryDirectory()
    let checkpoint = try Self.constantModel(3, in: folder)
    let labels = try MNISTDataset.loadSplit(.test, directory: data).labels.map(Int.init)
    let counts = (0..<10).map { c in labels.filter { $0 == c }.count }
    try #require(counts[3] > 0 && counts.filter { $0 > 0 }.count >= 3, "the tiny test set has \(counts)")

    let json = try runTool(["evaluate", "--checkpoint", checkpoint.path, "--data", data.path, "--json"], in: folder)
    #expect(json.status == 0, "\(json.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["checkpoint"] as? String == checkpoint.path)
    #expect(object["data"] as? String == data.path)
    #expect(object["images"] as? Int == 16)
    #expect(object["correct"] as? Int == counts[3])
    #expect(object["accuracy"] as? Double == Double(counts[3]) / 16)
    let confusion = try #require(object["confusion"] as? [[Int]])
    #expect(confusion == (0..<10).map { c in (0..<10).map { $0 == 3 ? counts[c] : 0 } })
    let perClass = try #require(object["perClass"] as? [[String: Any]])
    #expect(perClass.count == 10)
    for (c, entry) in perClass.enumerated() {
      #expect(entry["class"] as? Int == c)
      #expect(entry["images"] as? Int == counts[c])
      #expect(entry["predicted"] as? Int == (c == 3 ? 16 : 0))
      // Never predicted: precision is null (0 / 0); no images: recall is null.
      if c == 3 {
        #expect(entry["precision"] as? Double == Double(counts[3]) / 16)
      } else {
        #expect(entry["precision"] is NSNull, "class \(c): \(entry)")
      }
      if counts[c] == 0 {
        #expect(entry["recall"] is NSNull, "class \(c): \(entry)")
      } else {
        #expect(entry["recall"] as? Double == (c == 3 ? 1 : 0))
      }
    }
    // The most confused pairs: (c, 3) for every other class with images, most first.
    let expectedPairs = (0..<10).filter { $0 != 3 && counts[$0] > 0 }
      .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }.prefix(5)
    let pairs = try #require(object["mostConfused"] as? [[String: Int]])
    #expect(pairs.map { $0["true"] } == expectedPairs.map { $0 })
    #expect(pairs.allSatisfy { $0["predicted"] == 3 })
    #expect(pairs.map { $0["images"] } == expectedPairs.map { counts[$0] })

    let text = try runTool(["evaluate", "--checkpoint", checkpoint.path, "--data", data.path], in: folder)
    #expect(text.status == 0, "\(text.stderr)")
    let lines = text.stdout.split(separator: "\n").map(String.init)
    #expect(lines.allSatisfy { $0.count <= 80 })
    #expect(lines.contains("Data: \(data.path) (from --data)") && lines.contains("Test set: 16 images"))
    // Far under the 90% bar the training run prints: the output says so, before the tables.
    let warning = try #require(lines.firstIndex { $0.hasPrefix("⚠ this digit model's test accuracy is only ") })
    #expect(lines[warning...].joined(separator: " ").contains("too little training"))
    #expect(warning < (lines.firstIndex { $0.hasPrefix("Most confused") } ?? 0))
    let row3 = try #require(lines.first { $0.hasPrefix("      3 ") })
    let precision3: String = Format.fixed(Double(counts[3]) / 16 * 100, 2) + "%"
    #expect(
      row3.split(separator: " ").map(String.init) == ["3", "\(counts[3])", "16", "\(counts[3])", precision3, "100.00%"])
    let row = try #require(lines.first { $0.hasPrefix("      \(expectedPairs[0]) ") })
    #expect(
      row.split(separator: " ") == ["\(expectedPairs[0])", "\(counts[expectedPairs[0]])", "0", "0", "n/a", "0.00%"])
    #expect(lines.contains("  Precision n/a: no test image was predicted as that class (0 / 0)."))
    #expect(lines.contains { $0.hasPrefix("Most confused (true → predicted)") })
    #expect(
      lines.contains(
        "  \(expectedPairs[0]) → 3: \(counts[expectedPairs[0]]) image(s), 100.00% of class \(expectedPairs[0])"))
  }

  /// The warning's rule on both sides of the 90% bar: a model that predicts 3 for
  /// everything, on 16 test images of which 15 (93.75%) or 14 (87.5%) are threes.
  @Test(arguments: [(15, false), (14, true)])
  func anUndertrainedDigitModelIsFlagged(threes: Int, warned: Bool) throws {
    let folder = try makeTemporaryDirectory()
    var test = TinyNet.images(count: 16, seed: 12)
    test.labels = (0..<16).map { $0 < threes ? 3 : 5 }
    try FineTuningTests.writeIDX(train: TinyNet.images(count: 64, seed: 11), test: test, in: folder)
    let checkpoint = try Self.constantModel(3, in: folder)
    let run = try runTool(["evaluate", "--checkpoint", checkpoint.path, "--data", folder.path], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("⚠ this digit model's test accuracy is only ") == warned, "\(run.stdout)")
  }

  /// One folder per picture, named after it (made safe; a shared name numbered), and
  /// the 28×28 input drawn in the terminal; a picture without a digit stops the run
  /// before anything is written.
  @Test func predictWritesOneFolderPerPictureAndShowsTheInput() throws {
    let folder = try makeTemporaryDirectory()
    let checkpoint = try Self.constantModel(7, in: folder)
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("other"), withIntermediateDirectories: true)
    let (_, gray) = try LessonDigitTests.writeDigitPicture(in: folder, name: "one.png")
    _ = try LessonDigitTests.writeDigitPicture(in: folder.appendingPathComponent("other"), name: "one.png")
    _ = try LessonDigitTests.writeDigitPicture(in: folder, name: "My Digit (2).png")
    _ = try LessonDigitTests.writeDigitPicture(in: folder, name: "blank.png", blank: true)
    let output = folder.appendingPathComponent("out")

    let refused = try runTool(
      ["predict", "one.png", "blank.png", "--checkpoint", checkpoint.path, "--output", output.path], in: folder)
    #expect(refused.status == 1)
    #expect(
      refused.stderr == "error: blank.png shows no digit: nothing stands out from its background — "
        + "HINT: use a picture of one dark digit on a light background, or light on dark\n")
    #expect(!FileManager.default.fileExists(atPath: output.path))

    let result = try runTool(
      [
        "predict", "one.png", "other/one.png", "My Digit (2).png", "--checkpoint", checkpoint.path, "--output",
        output.path,
      ], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    for name in ["one", "one-2", "My-Digit-2"] {
      let contents = try FileManager.default.contentsOfDirectory(
        atPath: output.appendingPathComponent("predict/\(name)").path)
      #expect(Set(contents) == ["input.png", "feature-maps.png", "run.json"], "\(name): \(contents)")
    }
    let record = try LessonRecord.load(from: output.appendingPathComponent("predict/run.json"))
    #expect(record.files.first == "one/input.png" && record.files.count == 6)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.allSatisfy { $0.count <= 80 })
    #expect(lines.filter { $0.hasPrefix("  1. 7 ") }.count == 3)
    // The first picture's frame: 28 rows of 28 pixels, two characters each; blank
    // background, "@@" where the prepared pixel is 255.
    let top = try #require(lines.firstIndex { $0.hasPrefix("    ┌") })
    #expect(lines[top + 29].hasPrefix("    └"))
    let pixels = try DigitPreprocessor.mnistStyle(gray: gray, width: 60, height: 80)
    #expect(pixels.contains(255) && pixels.contains(0))
    for y in 0..<28 {
      let row = Array(lines[top + 1 + y].dropFirst(5).prefix(56))
      #expect(row.count == 56 && lines[top + 1 + y].hasSuffix("│"))
      for x in 0..<28 where pixels[y * 28 + x] == 0 || pixels[y * 28 + x] == 255 {
        #expect(String(row[2 * x...2 * x + 1]) == (pixels[y * 28 + x] == 0 ? "  " : "@@"), "pixel (\(x), \(y))")
      }
    }
  }

  /// With no trained model, the hint is the train command as dsdc was started, with
  /// the user's --output.
  @Test func theMissingModelHintFitsHowDsdcWasStarted() throws {
    let folder = try makeTemporaryDirectory()
    let tool = try #require(toolURL())
    let byPath = try runTool(["evaluate", "--output", "runs"], in: folder)
    #expect(byPath.status == 1)
    #expect(
      byPath.stderr == "error: no trained model at \(folder.path)/runs/train/model.safetensors — HINT: train one with "
        + "`\(tool.path) train --output runs`, or pass --checkpoint FILE\n", "\(byPath.stderr)")

    // Found on the PATH by its name.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["PATH=\(tool.deletingLastPathComponent().path)", "dsdc", "predict", "x.png"]
    process.currentDirectoryURL = folder
    let err = Pipe()
    process.standardError = err
    process.standardOutput = Pipe()
    try process.run()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(stderr.contains("HINT: train one with `dsdc train`, or pass --checkpoint FILE"), "\(stderr)")
  }
}
