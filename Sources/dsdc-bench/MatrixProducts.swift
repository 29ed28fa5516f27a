// `dsdc-bench gemm [--repeats R]`: the matrix multiply alone at the shapes of DSDC-Net's
// pointwise layers for a batch of 64 (and a square 512), one line of JSON per shape:
// GFLOP/s on 1 thread (the thread's CPU time) and 2 threads (wall-clock time), best of
// `--repeats`, with the register tile in use (`DSDC_GEMM_TILE=8x32` or `6x16` forces
// one) and the 1-minute load average when the line was measured.

import DSDC
import Foundation

struct GEMMResult: Codable {
  var name: String
  var m: Int, k: Int, n: Int
  var gflops1: Double, gflops2: Double
}

/// A product as a pointwise layer runs it: `transposeA` reads A as the transposed weight,
/// `transposeB` reads B as xᵀ (the weight gradient).
func timeGEMM(
  _ name: String, m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false, repeats: Int = 4
) -> GEMMResult {
  var rng = SeededGenerator(seed: 1)
  let a = Tensor.randomNormal(shape: [m * k], using: &rng).storage
  let b = Tensor.randomNormal(shape: [k * n], using: &rng).storage
  var c = [Float](repeating: 0, count: m * n)
  var gflops: [Double] = []
  c.withUnsafeMutableBufferPointer { out in
    for threads in [1, 2] {
      let seconds = bestTime(repeats: repeats, threads: threads) {
        MatrixMultiply.multiply(
          m: m, n: n, k: k, a: a, aRowStride: transposeA ? 1 : k, aColumnStride: transposeA ? m : 1,
          b: b, bRowStride: transposeB ? 1 : n, bColumnStride: transposeB ? k : 1,
          c: out.baseAddress!, cRowStride: n, threads: threads)
      }
      gflops.append(2 * Double(m * n * k) / seconds / 1e9)
    }
  }
  return GEMMResult(name: name, m: m, k: k, n: n, gflops1: gflops[0], gflops2: gflops[1])
}

/// The products of DSDC-Net's pointwise layers for a batch of `batch`, and a square 512.
func timeGEMMShapes(batch b: Int, repeats: Int = 4, each: (GEMMResult) -> Void = { _ in }) -> [GEMMResult] {
  let shapes: [() -> GEMMResult] = [
    { timeGEMM("pw 32→64 forward", m: 64, k: 32, n: b * 784, repeats: repeats) },
    { timeGEMM("pw 64→128 forward", m: 128, k: 64, n: b * 196, repeats: repeats) },
    { timeGEMM("pw 128→128 forward", m: 128, k: 128, n: b * 49, repeats: repeats) },
    { timeGEMM("pw 32→64 dInput (wᵀ)", m: 32, k: 64, n: b * 784, transposeA: true, repeats: repeats) },
    { timeGEMM("pw 64→128 dInput (wᵀ)", m: 64, k: 128, n: b * 196, transposeA: true, repeats: repeats) },
    { timeGEMM("pw 32→64 dWeight (xᵀ)", m: 64, k: b * 784, n: 32, transposeB: true, repeats: repeats) },
    { timeGEMM("pw 64→128 dWeight (xᵀ)", m: 128, k: b * 196, n: 64, transposeB: true, repeats: repeats) },
    { timeGEMM("pw 128→128 dWeight (xᵀ)", m: 128, k: b * 49, n: 128, transposeB: true, repeats: repeats) },
    { timeGEMM("square 512", m: 512, k: 512, n: 512, repeats: repeats) },
  ]
  return shapes.map { time in
    let result = time()
    each(result)
    return result
  }
}

struct GEMMLine: Codable {
  var registerTile: String
  var loadAverage: String
  var result: GEMMResult
}

func runGEMM(_ arguments: [String]) -> Never {
  let fail = BenchCommand(name: "gemm").fail
  var repeats = 4
  var rest = arguments[...]
  while let name = rest.popFirst() {
    guard name == "--repeats" else { fail("unknown option '\(name)' (--repeats)") }
    guard let value = rest.popFirst(), let count = Int(value), (1...100).contains(count) else {
      fail("--repeats must be 1…100")
    }
    repeats = count
  }
  _ = timeGEMMShapes(batch: 64, repeats: repeats) { result in
    let line = GEMMLine(registerTile: MatrixMultiply.registerTile, loadAverage: loadAverage(), result: result)
    printJSON(line)
  }
  exit(0)
}
