import DSDC
import Foundation
import Testing

@Suite("The report's warnings: settings that differ, a model trained less than the default")
struct ReportWarningTests {
  static let lesson = ["sample": "8", "seed": "0", "data": "/data/mnist"]
  /// What `dsdc train` records: no sample, no data folder.
  static let training = ["seed": "0", "epochs": "1", "batch size": "64"]

  /// The training run records no sample: it differs from no lesson, so no banner.
  @Test func aSettingOnlyOneSideRecordsIsNoDifference() {
    let sections = [("Lesson 1", Self.lesson), ("Lesson 2", Self.lesson), ("Training", Self.training)]
    #expect(SettingsComparison.differences(sections.map { (label: $0.0, settings: $0.1) }).isEmpty)
  }

  /// The digit is recorded as `image` (a picture) or `sample` (a test image): a lesson
  /// that studied a picture and one that studied test image 8 looked at different digits.
  @Test func aPictureAndATestImageAreDifferentDigits() throws {
    let picture = [("Lesson 1", Self.lesson), ("Lesson 3", ["image": "my.png", "seed": "0", "data": "/data/mnist"])]
    let differences = SettingsComparison.differences(picture.map { (label: $0.0, settings: $0.1) })
    #expect(differences.map(\.name) == ["image or sample"])
    #expect(
      SettingsComparison.sentence(differences)
        == "The sections below ran with different settings: sample 8 (Lesson 1), image my.png (Lesson 3).")
  }

  @Test func aSettingBothSidesRecordDiffers() throws {
    var other = Self.training
    other["seed"] = "1"
    var sample9 = Self.lesson
    sample9["sample"] = "9"
    let sections = [("Lesson 1", Self.lesson), ("Lesson 2", Self.lesson), ("Lesson 3", sample9), ("Training", other)]
    let differences = SettingsComparison.differences(sections.map { (label: $0.0, settings: $0.1) })
    #expect(differences.map(\.name) == ["image or sample", "seed"])
    #expect(
      differences[0].values == [
        .init(value: "sample 8", sections: ["Lesson 1", "Lesson 2"]),
        .init(value: "sample 9", sections: ["Lesson 3"]),
      ])
    let sentence = try #require(SettingsComparison.sentence(differences))
    #expect(
      sentence == "The sections below ran with different settings: sample 8 (Lessons 1–2), sample 9 (Lesson 3);"
        + " seed 0 (Lessons 1–3), seed 1 (Training).")
    #expect(SettingsComparison.sentence([]) == nil)
  }

  @Test func sectionListsShortenRunsOfLessons() {
    #expect(
      SettingsComparison.sectionList(["Lesson 1", "Lesson 2", "Lesson 3", "Lesson 5", "Training"])
        == "Lessons 1–3, Lesson 5, Training")
    #expect(SettingsComparison.sectionList(["Lesson 8", "Training"]) == "Lesson 8, Training")
    #expect(SettingsComparison.sectionList([]) == "")
  }

  /// The default recipe (9 epochs, all 60,000 images) at 99% is no warning; one epoch
  /// fewer, one image fewer per epoch, or an accuracy under 90% each is.
  @Test func theTrainedModelCheckOnBothSides() {
    func check(_ epochs: Int?, _ images: Int?, _ accuracy: Double?) -> TrainedModelCheck {
      TrainedModelCheck(
        epochs: epochs, imagesPerEpoch: images, trainingImages: images == nil ? nil : 60_000,
        finalTestAccuracy: accuracy, retrain: "dsdc lesson 8")
    }
    let shown = ["Lesson 8", "Training"]
    #expect(check(9, 60_000, 0.99).warning(shownIn: shown).isEmpty)
    #expect(check(12, 60_000, 0.90).warning(shownIn: shown).isEmpty)
    #expect(check(nil, nil, nil).warning(shownIn: shown).isEmpty)

    #expect(check(8, 60_000, 0.99).shortfalls() == ["8 epochs where the default recipe trains 9"])
    #expect(
      check(9, 59_999, 0.99).shortfalls()
        == ["59,999 of the 60,000 training images per epoch, where the default recipe trains on all"])
    let short = check(1, 2_000, 0.9876).warning(shownIn: shown)
    #expect(
      short == [
        "⚠ The model shown in Lesson 8 and Training (train/) trained less than the default recipe: 1 epoch where the "
          + "default recipe trains 9; 2,000 of the 60,000 training images per epoch, where the default recipe trains on all.",
        "✓ the final test accuracy of the model in train/: 98.76% (conclusions need ≥ 90.00%)",
        "The default recipe's run: dsdc lesson 8",
      ])
    // Under the bar with the full recipe: the training run's own readiness rule says why.
    let low = check(9, 60_000, 0.8999).warning(shownIn: shown)
    #expect(low.count == 1)
    #expect(
      low[0].hasPrefix("⚠ the final test accuracy of the model in train/ is only 89.99% (conclusions need ≥ 90.00%)"))
    #expect(
      low[0]
        == TrainedModelCheck(
          epochs: nil, imagesPerEpoch: nil, trainingImages: nil,
          finalTestAccuracy: 0.8999, retrain: "dsdc lesson 8"
        ).readiness?.line)
    #expect(check(1, 2_000, 0.115).warning(shownIn: shown).count == 2)
  }
}
