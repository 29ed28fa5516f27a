import DSDC
import Testing

@Suite("MaxPool2d")
struct MaxPool2dTests {
  /// Runs the layer and returns output and argmax.
  static func pool(_ x: Tensor, threads: Int = 1) -> (Tensor, [UInt8]) {
    let pool = MaxPool2d()
    var y = Tensor(shape: pool.outputShape(input: x.shape))
    var argmax = [UInt8](repeating: 9, count: y.count)
    pool.forward(input: x, output: &y, argmax: &argmax, threads: threads)
    return (y, argmax)
  }

  /// The obvious loops, the reference for the vectorised rows.
  static func reference(_ x: Tensor) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2] / 2, x.shape[3] / 2)
    var y = Tensor(shape: [n, c, h, w])
    for a in 0..<n {
      for b in 0..<c {
        for i in 0..<h {
          for j in 0..<w {
            var best = -Float.infinity
            for u in 0..<2 { for v in 0..<2 { best = max(best, x[n: a, c: b, h: 2 * i + u, w: 2 * j + v]) } }
            y[n: a, c: b, h: i, w: j] = best
          }
        }
      }
    }
    return y
  }

  /// 4×4 by hand, with ties: the first maximum in row-major window order wins.
  @Test func byHandWithTies() {
    let x = Tensor(
      shape: [1, 1, 4, 4],
      storage: [
        1, 5, 2, 2,
        5, 3, 2, 2,
        0, 0, -1, -3,
        0, 7, -2, -1,
      ])
    let (y, argmax) = Self.pool(x)
    #expect(y == Tensor(shape: [1, 1, 2, 2], storage: [5, 2, 7, -1]))
    #expect(argmax == [1, 0, 3, 0])
    var dx = Tensor(shape: x.shape)
    MaxPool2d().backward(dOutput: Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 4]), argmax: argmax, dInput: &dx)
    #expect(dx.storage == [0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 3, 0, 0])
  }

  /// Odd sizes drop the last row and column (floor mode).
  @Test func oddSizeFloors() {
    let x = Tensor(shape: [1, 1, 5, 5], storage: (0..<25).map(Float.init))
    let (y, _) = Self.pool(x)
    #expect(y == Tensor(shape: [1, 1, 2, 2], storage: [6, 8, 16, 18]))
  }

  /// MNIST-sized planes (28 → 14 takes the vector path with an overlapping last group,
  /// 14 → 7 the scalar one), on one and two threads.
  @Test(arguments: [28, 14, 18], [1, 2])
  func matchesReference(size: Int, threads: Int) {
    var rng = SeededGenerator(seed: 5)
    var x = Tensor.randomNormal(shape: [16, 8, size, size], using: &rng)  // big enough to split
    x.storage = x.storage.map { ($0 * 4).rounded() }  // many ties
    let (y, argmax) = Self.pool(x, threads: threads)
    #expect(y == Self.reference(x))
    // The recorded winner holds the maximum and no earlier window position ties it.
    let w = size / 2
    for plane in 0..<(16 * 8) {
      for i in 0..<w {
        for j in 0..<w {
          let k = Int(argmax[(plane * w + i) * w + j])
          let positions = (0..<4).map { x.storage[plane * size * size + (2 * i + $0 / 2) * size + 2 * j + $0 % 2] }
          #expect(positions[k] == positions.max()!)
          #expect(positions[..<k].allSatisfy { $0 < positions[k] })
        }
      }
    }
  }

  @Test func backwardMatchesFiniteDifferences() {
    // Distinct values, far apart, so ±ε never changes a window's winner.
    var rng = SeededGenerator(seed: 6)
    var order = Array(0..<(2 * 2 * 6 * 6))
    order.shuffle(using: &rng)
    let x = Tensor(shape: [2, 2, 6, 6], storage: order.map { Float($0) * 0.1 })
    let (_, argmax) = Self.pool(x)
    let r = GradientCheck.projection(shape: [2, 2, 3, 3])
    var dx = Tensor(shape: x.shape)
    MaxPool2d().backward(dOutput: r, argmax: argmax, dInput: &dx)
    GradientCheck.expectMatches(dx, at: x) { t in GradientCheck.project(Self.pool(t).0, r) }
  }
}
