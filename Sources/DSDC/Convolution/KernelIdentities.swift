/// Four classic 3×3 image kernels, designed by hand rather than learned: the
/// filters lesson 2 runs over the digit before any weight is random.
///
/// Deep-learning "convolution" does not flip the kernel (it is cross-correlation),
/// so the weights below are applied exactly as printed: `w[u, v]` multiplies the
/// pixel `u` rows below and `v` columns right of the window's top-left corner.
public enum HandKernel: String, CaseIterable, Sendable {
  /// Horizontal brightness change: positive where the image gets brighter to the right.
  case sobelX
  /// Vertical brightness change: positive where the image gets brighter downwards.
  case sobelY
  /// A small Gaussian blur, weights summing to 1.
  case blur
  /// Sharpening: the pixel times 5 minus its four neighbours, weights summing to 1.
  case sharpen

  /// The nine weights, row by row.
  /// ```
  /// Sobel x      Sobel y       blur (÷16)    sharpen
  /// -1  0  1     -1 -2 -1      1  2  1        0 -1  0
  /// -2  0  2      0  0  0      2  4  2       -1  5 -1
  /// -1  0  1      1  2  1      1  2  1        0 -1  0
  /// ```
  public var weights: [Float] {
    switch self {
    case .sobelX: [-1, 0, 1, -2, 0, 2, -1, 0, 1]
    case .sobelY: [-1, -2, -1, 0, 0, 0, 1, 2, 1]
    case .blur: [1, 2, 1, 2, 4, 2, 1, 2, 1].map { $0 / 16 }
    case .sharpen: [0, -1, 0, -1, 5, -1, 0, -1, 0]
    }
  }

  /// The name used in printed output and figure labels.
  public var name: String {
    switch self {
    case .sobelX: "Sobel x"
    case .sobelY: "Sobel y"
    case .blur: "blur"
    case .sharpen: "sharpen"
    }
  }

  /// What the kernel responds to, in a few words.
  public var purpose: String {
    switch self {
    case .sobelX: "vertical edges: + where it gets brighter to the right"
    case .sobelY: "horizontal edges: + where it gets brighter downwards"
    case .blur: "a weighted average of the 3×3 neighbourhood"
    case .sharpen: "the pixel minus its neighbours' excess: strokes stand out"
    }
  }

  /// The kernel as the weight of a 1-in, 1-out convolution, `(1, 1, 3, 3)`.
  public var weight: Tensor { Tensor(shape: [1, 1, 3, 3], storage: weights) }

  /// All four, in declaration order, as the weight of a 1-in, 4-out standard
  /// convolution: output channel `n` is kernel `allCases[n]`. Shape `(4, 1, 3, 3)`.
  public static var bank: Tensor {
    Tensor(shape: [allCases.count, 1, 3, 3], storage: allCases.flatMap(\.weights))
  }
}

/// Equalities between kinds of convolution, stated on their kernels. Each turns
/// one convolution into another that computes the same output, so lessons and
/// tests can verify a claim by running both.
public enum KernelIdentities {
  /// The standard kernel that a depthwise separable convolution equals:
  /// ```
  /// K_std[n, c, u, v] = P[n, c] · K_dw[c, u, v]
  /// ```
  /// because `Σ_c P[n,c] · Σ_{u,v} K_dw[c,u,v]·x[c,…] = Σ_c Σ_{u,v} (P[n,c]·K_dw[c,u,v])·x[c,…]`.
  /// - Parameters:
  ///   - depthwise: `(C, 1, K, K)`
  ///   - pointwise: `(N, C, 1, 1)`
  /// - Returns: `(N, C, K, K)`
  public static func separableAsStandard(depthwise: Tensor, pointwise: Tensor) -> Tensor {
    precondition(
      depthwise.rank == 4 && depthwise.shape[1] == 1 && depthwise.shape[2] == depthwise.shape[3],
      "depthwise weight must be (C, 1, K, K), got \(depthwise.shape)")
    let (C, K) = (depthwise.shape[0], depthwise.shape[2])
    precondition(
      pointwise.rank == 4 && pointwise.shape[1] == C && pointwise.shape[2] == 1 && pointwise.shape[3] == 1,
      "pointwise weight must be (N, \(C), 1, 1), got \(pointwise.shape)")
    let N = pointwise.shape[0]
    var standard = Tensor(shape: [N, C, K, K])  // (N, C, K, K)
    for n in 0..<N {
      for c in 0..<C {
        let p = pointwise[n: n, c: c, h: 0, w: 0]
        for u in 0..<K {
          for v in 0..<K {
            standard[n: n, c: c, h: u, w: v] = p * depthwise[n: c, c: 0, h: u, w: v]
          }
        }
      }
    }
    return standard
  }

  /// The standard kernel that a depthwise convolution equals: zero wherever the
  /// output channel is not the input channel (a block-diagonal weight).
  /// ```
  /// K_std[n, c, u, v] = K_dw[c, u, v] if n = c, else 0
  /// ```
  /// - Parameter depthwise: `(C, 1, K, K)`
  /// - Returns: `(C, C, K, K)`
  public static func depthwiseAsStandard(_ depthwise: Tensor) -> Tensor {
    precondition(
      depthwise.rank == 4 && depthwise.shape[1] == 1,
      "depthwise weight must be (C, 1, K, K), got \(depthwise.shape)")
    let (C, K) = (depthwise.shape[0], depthwise.shape[2])
    var standard = Tensor(shape: [C, C, K, K])  // (C, C, K, K)
    for c in 0..<C {
      for u in 0..<K {
        for v in 0..<K {
          standard[n: c, c: c, h: u, w: v] = depthwise[n: c, c: 0, h: u, w: v]
        }
      }
    }
    return standard
  }

  /// A dilated kernel written out as the dense kernel it acts like: `D − 1` zeros
  /// inserted between neighbouring taps, in both directions.
  /// ```
  /// dense[o, i, u·D, v·D] = w[o, i, u, v],  every other entry 0
  /// K_dense = D·(K − 1) + 1
  /// ```
  /// A convolution with dilation D and kernel `w` equals a convolution with
  /// dilation 1 and kernel `dense`, at the same padding and stride.
  /// - Parameter weight: `(O, I, K, K)`
  /// - Returns: `(O, I, D·(K−1)+1, D·(K−1)+1)`
  public static func insertingZeros(_ weight: Tensor, dilation D: Int) -> Tensor {
    precondition(
      weight.rank == 4 && weight.shape[2] == weight.shape[3],
      "weight must be (O, I, K, K), got \(weight.shape)")
    precondition(D >= 1, "dilation must be at least 1, got \(D)")
    let (outChannels, inChannels, K) = (weight.shape[0], weight.shape[1], weight.shape[2])
    let dense = D * (K - 1) + 1
    var result = Tensor(shape: [outChannels, inChannels, dense, dense])  // (O, I, D·(K−1)+1, …)
    for o in 0..<outChannels {
      for i in 0..<inChannels {
        for u in 0..<K {
          for v in 0..<K {
            result[n: o, c: i, h: u * D, w: v * D] = weight[n: o, c: i, h: u, w: v]
          }
        }
      }
    }
    return result
  }

  /// A pointwise (1×1) convolution computed as a matrix product, image by image:
  /// ```
  /// Y = W · X      W: N × C (the weights),  X: C × (H·W) (one column per pixel),  Y: N × (H·W)
  /// ```
  /// - Parameters:
  ///   - input: `(B, C, H, W)`
  ///   - weight: `(N, C, 1, 1)`
  /// - Returns: `(B, N, H, W)`
  public static func pointwiseAsMatrixProduct(input: Tensor, weight: Tensor) -> Tensor {
    precondition(input.rank == 4, "input must be (B, C, H, W), got \(input.shape)")
    let (batch, C, H, W) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    precondition(
      weight.shape.count == 4 && weight.shape[1] == C && weight.shape[2] == 1 && weight.shape[3] == 1,
      "pointwise weight must be (N, \(C), 1, 1), got \(weight.shape)")
    let N = weight.shape[0]
    let matrixW = weight.reshaped([N, C])  // (N, C)
    var storage: [Float] = []
    storage.reserveCapacity(batch * N * H * W)
    for b in 0..<batch {
      let matrixX = input.slice(b).reshaped([C, H * W])  // (C, H·W)
      storage += matrixProduct(matrixW, matrixX).storage  // (N, H·W)
    }
    return Tensor(shape: [batch, N, H, W], storage: storage)
  }

  /// The plain matrix product of two rank-2 tensors (`MatrixMultiply.multiplyNaive`,
  /// the loop the fast kernels are tested against):
  /// ```
  /// out[i, j] = Σ_k a[i, k] · b[k, j]
  /// ```
  /// - Parameters:
  ///   - a: `(rows, inner)`
  ///   - b: `(inner, columns)`
  /// - Returns: `(rows, columns)`
  public static func matrixProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(
      a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[0],
      "matrix product needs (M, K) · (K, N), got \(a.shape) · \(b.shape)")
    let (rows, inner, columns) = (a.shape[0], a.shape[1], b.shape[1])
    var out = Tensor(shape: [rows, columns])
    guard rows > 0 && inner > 0 && columns > 0 else { return out }
    a.storage.withUnsafeBufferPointer { aBuffer in
      b.storage.withUnsafeBufferPointer { bBuffer in
        out.storage.withUnsafeMutableBufferPointer { outBuffer in
          MatrixMultiply.multiplyNaive(
            m: rows, n: columns, k: inner, a: aBuffer.baseAddress!, aRowStride: inner,
            b: bBuffer.baseAddress!, bRowStride: columns, c: outBuffer.baseAddress!, cRowStride: columns)
        }
      }
    }
    return out
  }
}
