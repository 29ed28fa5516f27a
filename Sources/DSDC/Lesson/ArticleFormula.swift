/// One of the article's convolution formulas, exactly as it prints it: the lessons
/// quote each where they study it, and their errata cite it.
public struct ArticleFormula: Sendable {
  /// The equation, e.g. `G_c = Σ_{i,j} K_{i,j,c} · F_{i,j,c}`.
  public var equation: String
  /// The indices the article says it holds for, e.g. `∀ c ∈ [1,C]`.
  public var domain: String

  public init(equation: String, domain: String) {
    self.equation = equation
    self.domain = domain
  }

  /// `equation     domain`, the whole line as the article prints it.
  public var asWritten: String { equation + "     " + domain }

  /// §4.1, standard convolution.
  public static let standard = ArticleFormula(
    equation: "G_{i,j,n} = Σ_c Σ_{m,n} K_{m,n,c,n} · F_{i+m−1, j+n−1, c}", domain: "∀ i ∈ [1,H], j ∈ [1,W], n ∈ [1,N]")
  /// §3.1 (repeated in §4.2), depthwise convolution.
  public static let depthwise = ArticleFormula(equation: "G_c = Σ_{i,j} K_{i,j,c} · F_{i,j,c}", domain: "∀ c ∈ [1,C]")
  /// §3.2 (repeated in §4.2 and §4.4), pointwise convolution.
  public static let pointwise = ArticleFormula(
    equation: "H_{i,j,n} = Σ_c P_{1,1,c,n} · G_{i,j,c}", domain: "∀ i ∈ [1,H], j ∈ [1,W], n ∈ [1,N]")
  /// §3.3 (repeated in §4.3 and §4.4), dilated convolution.
  public static let dilated = ArticleFormula(
    equation: "G_{i,j,c} = Σ_{m,n} K_{m,n,c} · F_{i+d·m, j+d·n, c}", domain: "∀ i ∈ [1,H], j ∈ [1,W], c ∈ [1,C]")
}

extension LessonContext {
  /// Quotes the article: `heading`, then `lines` (its formulas and what their letters
  /// stand for), each indented by the 4 columns every printed formula is indented by
  /// (`FormulaPrinter.width`); a formula too wide for that goes on two lines, its
  /// `∀ …` below it (`FormulaPrinter.splitAtGap`).
  public func quote(_ heading: String, _ lines: String...) {
    say(heading)
    for line in lines.flatMap({ FormulaPrinter.splitAtGap($0, width: FormulaPrinter.width) }) {
      say("    " + line, continuation: "      ")
    }
  }
}
