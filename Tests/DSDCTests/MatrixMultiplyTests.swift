import DSDC
import Testing

/// How the three matrices of one product lie in memory.
struct MatrixCase: Sendable, CustomStringConvertible {
  var m: Int, n: Int, k: Int
  /// A stored as Aᵀ (K×M row-major), B as Bᵀ, C as Cᵀ.
  var transposeA = false, transposeB = false, transposeC = false
  /// Extra floats at the end of every stored row (a row stride larger than the width).
  var rowPadding = 0
  var accumulate = false

  var description: String {
    "\(m)×\(k)·\(k)×\(n)\(transposeA ? " Aᵀ" : "")\(transposeB ? " Bᵀ" : "")\(transposeC ? " Cᵀ" : "")"
      + "\(rowPadding > 0 ? " pad \(rowPadding)" : "")\(accumulate ? " +=" : "")"
  }

  /// (storage size, row stride, column stride) of an r×c matrix, stored transposed or not.
  func layout(rows r: Int, columns c: Int, transposed: Bool) -> (count: Int, row: Int, column: Int) {
    transposed
      ? (c * (r + rowPadding), 1, r + rowPadding)
      : (r * (c + rowPadding), c + rowPadding, 1)
  }

  typealias Layout = (count: Int, row: Int, column: Int)

  /// The layouts of A (m×k), B (k×n) and C (m×n), and normal random values for them
  /// (`start`: C's contents before the product), drawn from a generator seeded by the sizes.
  func randomOperands() -> (la: Layout, lb: Layout, lc: Layout, a: [Float], b: [Float], start: [Float]) {
    var rng = SeededGenerator(seed: UInt64(m * 10_000 + n * 100 + k))
    let la = layout(rows: m, columns: k, transposed: transposeA)
    let lb = layout(rows: k, columns: n, transposed: transposeB)
    let lc = layout(rows: m, columns: n, transposed: transposeC)
    let a = Tensor.randomNormal(shape: [la.count], using: &rng).storage
    let b = Tensor.randomNormal(shape: [lb.count], using: &rng).storage
    let start = Tensor.randomNormal(shape: [lc.count], using: &rng).storage
    return (la, lb, lc, a, b, start)
  }
}

@Suite("Matrix multiply")
struct MatrixMultiplyTests {
  /// [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[1·5 + 2·7, 1·6 + 2·8], [3·5 + 4·7, 3·6 + 4·8]].
  @Test func twoByTwoByHand() {
    let a: [Float] = [1, 2, 3, 4]
    let b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: -1, count: 4)
    c.withUnsafeMutableBufferPointer { out in
      MatrixMultiply.multiply(
        m: 2, n: 2, k: 2, a: a, aRowStride: 2, b: b, bRowStride: 2,
        c: out.baseAddress!, cRowStride: 2)
    }
    #expect(c == [19, 22, 43, 50])
    // Accumulating adds the same product again.
    c.withUnsafeMutableBufferPointer { out in
      MatrixMultiply.multiply(
        m: 2, n: 2, k: 2, a: a, aRowStride: 2, b: b, bRowStride: 2,
        c: out.baseAddress!, cRowStride: 2, accumulate: true)
    }
    #expect(c == [38, 44, 86, 100])
  }

  static let cases: [MatrixCase] = [
    MatrixCase(m: 1, n: 1, k: 1),
    MatrixCase(m: 2, n: 3, k: 1),
    MatrixCase(m: 7, n: 13, k: 5),
    MatrixCase(m: 8, n: 32, k: 16),
    MatrixCase(m: 9, n: 33, k: 17),
    MatrixCase(m: 33, n: 65, k: 17),
    MatrixCase(m: 16, n: 40, k: 300),  // more than one block of the sum
    MatrixCase(m: 150, n: 20, k: 9),  // more than one block of rows
    MatrixCase(m: 5, n: 600, k: 7),  // more than one block of columns
    MatrixCase(m: 7, n: 13, k: 5, transposeA: true),
    MatrixCase(m: 33, n: 65, k: 40, transposeA: true),
    MatrixCase(m: 33, n: 65, k: 40, transposeB: true),
    MatrixCase(m: 19, n: 70, k: 37, transposeA: true, transposeB: true),
    MatrixCase(m: 21, n: 35, k: 18, transposeC: true),
    MatrixCase(m: 24, n: 64, k: 50, rowPadding: 3),
    MatrixCase(m: 17, n: 45, k: 33, transposeB: true, rowPadding: 5, accumulate: true),
    MatrixCase(m: 33, n: 65, k: 17, accumulate: true),
    MatrixCase(m: 12, n: 48, k: 70, accumulate: true),  // a last panel of exactly 16 columns
    MatrixCase(m: 40, n: 3, k: 520, transposeA: true, transposeB: true, accumulate: true),
  ]

  @Test(arguments: cases, [1, 2])
  func matchesNaiveLoop(_ shape: MatrixCase, threads: Int) {
    let (m, n, k) = (shape.m, shape.n, shape.k)
    let (la, lb, lc, a, b, start) = shape.randomOperands()
    var fast = start
    var naive = start
    fast.withUnsafeMutableBufferPointer { c in
      MatrixMultiply.multiply(
        m: m, n: n, k: k, a: a, aRowStride: la.row, aColumnStride: la.column,
        b: b, bRowStride: lb.row, bColumnStride: lb.column,
        c: c.baseAddress!, cRowStride: lc.row, cColumnStride: lc.column,
        accumulate: shape.accumulate, threads: threads)
    }
    naive.withUnsafeMutableBufferPointer { c in
      MatrixMultiply.multiplyNaive(
        m: m, n: n, k: k, a: a, aRowStride: la.row, aColumnStride: la.column,
        b: b, bRowStride: lb.row, bColumnStride: lb.column,
        c: c.baseAddress!, cRowStride: lc.row, cColumnStride: lc.column,
        accumulate: shape.accumulate)
    }
    // Padding floats between rows are never written.
    expectClose(
      Tensor(shape: [lc.count], storage: fast), Tensor(shape: [lc.count], storage: naive),
      atol: 1e-4 * Float(k).squareRoot(), rtol: 1e-4)
  }

  /// An empty sum: C becomes zero, or stays as it is when accumulating.
  @Test func emptySum() {
    var c: [Float] = [1, 2, 3, 4, 5, 6]
    let none: [Float] = [0]
    c.withUnsafeMutableBufferPointer { out in
      MatrixMultiply.multiply(
        m: 2, n: 3, k: 0, a: none, aRowStride: 0, b: none, bRowStride: 0,
        c: out.baseAddress!, cRowStride: 3, accumulate: true)
    }
    #expect(c == [1, 2, 3, 4, 5, 6])
    c.withUnsafeMutableBufferPointer { out in
      MatrixMultiply.multiply(
        m: 2, n: 3, k: 0, a: none, aRowStride: 0, b: none, bRowStride: 0,
        c: out.baseAddress!, cRowStride: 3)
    }
    #expect(c == [0, 0, 0, 0, 0, 0])
  }

  /// Splitting C between threads leaves every element's sum unchanged, bit for bit.
  @Test func threadsDoNotChangeTheBits() {
    var rng = SeededGenerator(seed: 7)
    let (m, n, k) = (40, 300, 70)
    let a = Tensor.randomNormal(shape: [m * k], using: &rng).storage
    let b = Tensor.randomNormal(shape: [k * n], using: &rng).storage
    var results: [[Float]] = []
    for threads in [1, 2, 2] {
      var c = [Float](repeating: 0, count: m * n)
      c.withUnsafeMutableBufferPointer { out in
        MatrixMultiply.multiply(
          m: m, n: n, k: k, a: a, aRowStride: k, b: b, bRowStride: n,
          c: out.baseAddress!, cRowStride: n, threads: threads)
      }
      results.append(c)
    }
    #expect(results[0] == results[1])
    #expect(results[1] == results[2])
  }
}
