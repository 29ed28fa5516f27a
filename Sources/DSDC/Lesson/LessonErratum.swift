extension LessonContext {
  /// Prints a correction to the article where the lesson teaches the text it corrects
  /// (`FormulaPrinter.erratum`: the headline, then the article's version, the corrected
  /// one and why, each wrapped to the lesson's line width):
  /// ```
  /// ERRATUM (article §4.1): the letter n names two different things
  ///     article:   …
  ///     corrected: …
  ///     why:       …
  /// ```
  public func erratum(
    section: String, _ headline: String, article: [String], corrected: [String], why: [String]
  ) {
    for line in FormulaPrinter.erratum(
      section: section, headline, article: article, corrected: corrected, why: why, width: Self.lineWidth)
    {
      say(line)
    }
  }
}
