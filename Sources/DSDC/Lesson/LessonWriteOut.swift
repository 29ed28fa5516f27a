extension LessonContext {
  /// Writes out one output element of a convolution term by term, as the reference loop
  /// computes it (`ReferenceConvolution.terms`, printed by `FormulaPrinter.writtenOut`),
  /// and checks that the written-out sum is the fast kernel's value there
  /// (`FormulaPrinter.agreement`):
  /// ```
  /// out[n, o, i, j] = b[o] + Σ_{c,u,v} w[o, c, u, v] · x[n, c, i·S + u·D − P, j·S + v·D − P]
  /// ```
  /// - Parameters:
  ///   - name: the output's name in the printout, e.g. `out` → `out[0,1,12,8]`, or `g`.
  ///   - input, weight, bias, geometry: the convolution, `bias` `(O)` if it has one.
  ///   - output: its result from the fast kernel, `(N, O, H_out, W_out)`.
  ///   - n, o, i, j: the element.
  /// - Returns: the terms, for checks of their own.
  @discardableResult
  public func writeOut(
    _ name: String = "out", input: Tensor, weight: Tensor, bias: Tensor? = nil, geometry: Conv2DGeometry,
    output: Tensor, n: Int = 0, o: Int, i: Int, j: Int
  ) -> [ReferenceConvolution.Term] {
    let terms = ReferenceConvolution.terms(input: input, weight: weight, geometry: geometry, n: n, o: o, i: i, j: j)
    let element = "\(name)[\(n),\(o),\(i),\(j)]"
    let filled = FormulaPrinter.writtenOut(terms, bias: bias.map { $0.storage[o] }, result: element)
    for line in filled.lines { say("    " + line) }
    let agreement = FormulaPrinter.agreement(sum: filled.sum, fast: output[n: n, c: o, h: i, w: j])
    check(agreement.holds, agreement.claim)
    return terms
  }
}
