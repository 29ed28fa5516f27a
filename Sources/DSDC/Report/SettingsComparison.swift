/// Which run settings really differ between the report's sections. A setting is
/// compared only among the sections that record it: the training run records no digit,
/// so it differs from no lesson in the digit. The digit is one setting recorded under
/// two names — `image` (a picture of one's own) or `sample` (a test image) — so a lesson
/// that studied a picture differs from one that studied test image 8.
public enum SettingsComparison {
  /// The settings that decide what a section computed on, each a list of the names it
  /// is recorded under: the digit studied, the seed, and the data folder.
  public static let compared = [["image", "sample"], ["seed"], ["data"]]

  /// One setting with more than one value among the sections that record it.
  public struct Difference: Sendable, Equatable {
    /// The setting's names, e.g. `image or sample`, `seed`.
    public var name: String
    /// Each value with the sections that ran with it, in the order the values first appear.
    public var values: [Value]

    /// One value and its sections.
    public struct Value: Sendable, Equatable {
      /// The name the value is recorded under and the value, e.g. `sample 8`.
      public var value: String
      /// The labels of the sections that ran with it, e.g. `Lesson 1`.
      public var sections: [String]

      public init(value: String, sections: [String]) {
        self.value = value
        self.sections = sections
      }
    }
  }

  /// The differences among `sections` (each a label and its recorded settings), for the
  /// settings in `settings` (each the names it is recorded under, the first recorded one
  /// counting), in that order. Two sections differ in a setting only when both record it
  /// and its values differ.
  public static func differences(
    _ sections: [(label: String, settings: [String: String])], settings: [[String]] = compared
  ) -> [Difference] {
    settings.compactMap { names in
      var values: [Difference.Value] = []
      for section in sections {
        guard let name = names.first(where: { section.settings[$0] != nil }), let recorded = section.settings[name]
        else { continue }
        let value = "\(name) \(recorded)"
        if let i = values.firstIndex(where: { $0.value == value }) {
          values[i].sections.append(section.label)
        } else {
          values.append(.init(value: value, sections: [section.label]))
        }
      }
      return values.count > 1 ? Difference(name: names.joined(separator: " or "), values: values) : nil
    }
  }

  /// `The sections below ran with different settings: seed 0 (Lessons 1–7), seed 1 (Lesson 8, Training).`,
  /// or nil when no setting differs.
  public static func sentence(_ differences: [Difference]) -> String? {
    guard !differences.isEmpty else { return nil }
    let parts = differences.map { difference in
      difference.values.map { "\($0.value) (\(sectionList($0.sections)))" }
        .joined(separator: ", ")
    }
    return "The sections below ran with different settings: " + parts.joined(separator: "; ") + "."
  }

  /// Section labels joined with commas, runs of consecutive lessons shortened:
  /// ```
  /// sectionList(["Lesson 1", "Lesson 2", "Lesson 3", "Lesson 5", "Training"]) == "Lessons 1–3, Lesson 5, Training"
  /// ```
  public static func sectionList(_ labels: [String]) -> String {
    var parts: [String] = []
    var run: (first: Int, last: Int)?
    func flush() {
      guard let (first, last) = run else { return }
      parts.append(first == last ? "Lesson \(first)" : "Lessons \(first)–\(last)")
      run = nil
    }
    for label in labels {
      if label.hasPrefix("Lesson "), let number = Int(label.dropFirst("Lesson ".count)) {
        if let current = run, number == current.last + 1 {
          run = (current.first, number)
          continue
        }
        flush()
        run = (number, number)
      } else {
        flush()
        parts.append(label)
      }
    }
    flush()
    return parts.joined(separator: ", ")
  }
}
