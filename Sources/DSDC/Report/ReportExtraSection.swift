/// A part of the report after the lessons: a folder that a later command writes
/// (`train/`, `finetune/`, `predict/`) with a `LessonRecord`-format JSON file in it.
public struct ReportExtraSection: Sendable, Equatable {
  /// The folder inside the output folder, e.g. `train`.
  public var folder: String
  /// The section's heading on the page, e.g. `Training`.
  public var heading: String
  /// The record's file name inside `folder`, e.g. `run.json`.
  public var recordFileName: String
  /// The words after the tool's name of the command that produces the folder, e.g.
  /// `["predict", "my-digit.png"]`, shown while it has not run (as `ReportCommands`
  /// writes it, so it must take the options that adds); `nil` leaves the section off
  /// the page until its record exists (for commands still to come).
  public var command: [String]?

  public init(folder: String, heading: String, recordFileName: String = "run.json", command: [String]? = nil) {
    self.folder = folder
    self.heading = heading
    self.recordFileName = recordFileName
    self.command = command
  }

  /// The sections of the commands after the lessons: training (curves, confusion
  /// matrix, mistakes), fine-tuning, and predictions. Each appears once its record exists.
  public static let standard: [ReportExtraSection] = [
    ReportExtraSection(folder: "train", heading: "Training"),
    ReportExtraSection(folder: "finetune", heading: "Fine-tuning"),
    ReportExtraSection(folder: "predict", heading: "Predictions"),
  ]
}
