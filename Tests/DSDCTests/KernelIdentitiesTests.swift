import DSDC
import Testing

@Suite("Kernel identities")
struct KernelIdentitiesTests {
  /// Depthwise then pointwise equals one standard convolution with K_std[n,c,u,v] = P[n,c]·K_dw[c,u,v].
  @Test(arguments: [(1, 1, 1), (3, 5, 3), (4, 2, 5)])
  func separableEqualsComposedStandard(dimensions: (channels: Int, outputs: Int, kernel: Int)) {
    let (C, N, K) = dimensions
    var generator = SeededGenerator(seed: 7)
    let x = Tensor.randomNormal(shape: [2, C, 7, 6], using: &generator)  // (2, C, 7, 6)
    let depthwise = Tensor.randomNormal(shape: [C, 1, K, K], using: &generator)  // (C, 1, K, K)
    let pointwise = Tensor.randomNormal(shape: [N, C, 1, 1], using: &generator)  // (N, C, 1, 1)
    let g = ReferenceConvolution.forward(input: x, weight: depthwise, geometry: .depthwise(C, kernel: K))
    let separable = ReferenceConvolution.forward(input: g, weight: pointwise, geometry: .pointwise(C, N))
    let composed = KernelIdentities.separableAsStandard(depthwise: depthwise, pointwise: pointwise)
    #expect(composed.shape == [N, C, K, K])
    let standard = ReferenceConvolution.forward(input: x, weight: composed, geometry: .standard(C, N, kernel: K))
    expectClose(standard, separable, atol: 1e-4)
  }

  /// A tiny composition by hand: P = [[2, −1]], K_dw[0] = ones, K_dw[1] = identity-like.
  @Test func composedKernelByHand() {
    let depthwise = Tensor(shape: [2, 1, 2, 2], storage: [1, 1, 1, 1, 1, 0, 0, 1])
    let pointwise = Tensor(shape: [1, 2, 1, 1], storage: [2, -1])
    let composed = KernelIdentities.separableAsStandard(depthwise: depthwise, pointwise: pointwise)
    // K_std[0,0] = 2·ones, K_std[0,1] = −1·[[1,0],[0,1]]
    #expect(composed == Tensor(shape: [1, 2, 2, 2], storage: [2, 2, 2, 2, -1, 0, 0, -1]))
  }

  /// A depthwise convolution equals a standard one whose kernel is zero off the diagonal c = n.
  @Test func depthwiseEqualsBlockDiagonalStandard() {
    var generator = SeededGenerator(seed: 3)
    let x = Tensor.randomNormal(shape: [1, 3, 6, 6], using: &generator)
    let kernels = Tensor.randomNormal(shape: [3, 1, 3, 3], using: &generator)
    let depthwise = ReferenceConvolution.forward(
      input: x, weight: kernels, geometry: .depthwise(3, kernel: 3, dilation: 2))
    let blockDiagonal = KernelIdentities.depthwiseAsStandard(kernels)
    #expect(
      blockDiagonal[n: 0, c: 1, h: 1, w: 1] == 0
        && blockDiagonal[n: 2, c: 2, h: 1, w: 1] == kernels[n: 2, c: 0, h: 1, w: 1])
    let standard = ReferenceConvolution.forward(
      input: x, weight: blockDiagonal, geometry: .standard(3, 3, kernel: 3, dilation: 2))
    expectClose(standard, depthwise)
  }

  /// Zeros inserted by hand: a 2×2 kernel at D = 3 becomes 4×4 with the taps in the corners.
  @Test func insertingZerosByHand() {
    let w = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 4])
    let dense = KernelIdentities.insertingZeros(w, dilation: 3)
    #expect(
      dense
        == Tensor(
          shape: [1, 1, 4, 4],
          storage: [
            1, 0, 0, 2,
            0, 0, 0, 0,
            0, 0, 0, 0,
            3, 0, 0, 4,
          ]))
    #expect(KernelIdentities.insertingZeros(w, dilation: 1) == w)
  }

  /// A convolution with the zero-inserted kernel at D = 1 equals the dilated convolution.
  @Test(arguments: [(3, 2), (3, 3), (2, 2), (5, 2)])
  func zeroInsertedKernelEqualsDilation(case: (kernel: Int, dilation: Int)) {
    let (K, D) = `case`
    var generator = SeededGenerator(seed: 11)
    let x = Tensor.randomNormal(shape: [1, 2, 11, 9], using: &generator)
    let w = Tensor.randomNormal(shape: [3, 2, K, K], using: &generator)
    let padding = D * (K - 1) / 2
    let dilated = ReferenceConvolution.forward(
      input: x, weight: w,
      geometry: Conv2DGeometry(inChannels: 2, outChannels: 3, kernel: K, padding: padding, dilation: D))
    let dense = KernelIdentities.insertingZeros(w, dilation: D)
    let plain = ReferenceConvolution.forward(
      input: x, weight: dense,
      geometry: Conv2DGeometry(inChannels: 2, outChannels: 3, kernel: dense.shape[2], padding: padding))
    expectClose(plain, dilated)
  }

  /// Sobel x on a 3×4 image by hand (no padding): columns 0 0 1 1 → one window on the edge.
  @Test func sobelOnATinyImageByHand() {
    let x = Tensor(
      shape: [1, 1, 3, 4],
      storage: [
        0, 0, 1, 1,
        0, 0, 1, 1,
        0, 0, 1, 1,
      ])
    let out = ReferenceConvolution.forward(
      input: x, weight: HandKernel.sobelX.weight,
      geometry: Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3))
    // window at column 0: (−1·0 + 1·1) + (−2·0 + 2·1) + (−1·0 + 1·1) = 4
    // window at column 1: (−1·0 + 1·1) + (−2·0 + 2·1) + (−1·0 + 1·1) = 4
    #expect(out == Tensor(shape: [1, 1, 1, 2], storage: [4, 4]))
    // Sobel y sees no horizontal edge here.
    let outY = ReferenceConvolution.forward(
      input: x, weight: HandKernel.sobelY.weight,
      geometry: Conv2DGeometry(inChannels: 1, outChannels: 1, kernel: 3))
    #expect(outY == Tensor(shape: [1, 1, 1, 2], storage: [0, 0]))
  }

  /// Blur and sharpen both keep a constant image constant (weights sum to 1); the bank stacks all four.
  @Test func handKernelsByHand() {
    #expect(HandKernel.blur.weights.reduce(0, +) == 1)
    #expect(HandKernel.sharpen.weights.reduce(0, +) == 1)
    #expect(HandKernel.sobelX.weights.reduce(0, +) == 0 && HandKernel.sobelY.weights.reduce(0, +) == 0)
    let bank = HandKernel.bank
    #expect(bank.shape == [4, 1, 3, 3])
    #expect(bank.plane(n: 2, c: 0).storage == HandKernel.blur.weights)
  }

  /// The pointwise convolution as a matrix product, and a product by hand.
  @Test func pointwiseIsAMatrixProduct() {
    let a = Tensor(shape: [2, 3], storage: [1, 0, -1, 0.5, 2, 0])
    let b = Tensor(shape: [3, 2], storage: [1, 2, 3, 4, 5, 6])
    // [1·1 + 0·3 − 1·5, 1·2 + 0·4 − 1·6] = [−4, −4]; [0.5 + 6, 1 + 8] = [6.5, 9]
    #expect(KernelIdentities.matrixProduct(a, b) == Tensor(shape: [2, 2], storage: [-4, -4, 6.5, 9]))
    var generator = SeededGenerator(seed: 5)
    let x = Tensor.randomNormal(shape: [2, 4, 5, 3], using: &generator)
    let w = Tensor.randomNormal(shape: [6, 4, 1, 1], using: &generator)
    expectClose(
      KernelIdentities.pointwiseAsMatrixProduct(input: x, weight: w),
      ReferenceConvolution.forward(input: x, weight: w, geometry: .pointwise(4, 6)))
  }
}
