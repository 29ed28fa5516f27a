/// The output position a lesson writes out term by term: where the digit has a
/// strong edge, so the terms hold ink and most of the lessons' kernels respond.
public enum ProbePosition {
  /// The pixel of a `(1, 1, H, W)` image with the largest edge strength
  /// `|Sobel x| + |Sobel y|` (size-keeping padding), the first in reading order
  /// on a tie. The same image always gives the same position.
  /// ```
  /// argmax_{i,j} |Σ_{u,v} Sx[u,v]·x[i+u−1, j+v−1]| + |Σ_{u,v} Sy[u,v]·x[i+u−1, j+v−1]|
  /// ```
  public static func strongestEdge(in image: Tensor) -> (row: Int, column: Int) {
    precondition(
      image.rank == 4 && image.shape[0] == 1 && image.shape[1] == 1,
      "strongestEdge needs a (1, 1, H, W) image, got \(image.shape)")
    let weight = Tensor(shape: [2, 1, 3, 3], storage: HandKernel.sobelX.weights + HandKernel.sobelY.weights)
    let edges = ReferenceConvolution.forward(
      input: image, weight: weight,
      geometry: .standard(1, 2, kernel: 3))  // (1, 2, H, W)
    let (H, W) = (image.shape[2], image.shape[3])
    var best = (row: 0, column: 0)
    var strongest: Float = -1
    for i in 0..<H {
      for j in 0..<W {
        let strength = abs(edges[n: 0, c: 0, h: i, w: j]) + abs(edges[n: 0, c: 1, h: i, w: j])
        if strength > strongest {
          strongest = strength
          best = (i, j)
        }
      }
    }
    return best
  }
}
