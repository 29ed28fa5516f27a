// dsdc-bench: how fast the kernels and the whole network run on this machine.
//
//   swift run -c release dsdc-bench            a table
//   swift run -c release dsdc-bench --json     the same numbers as JSON
//   swift run -c release dsdc-bench throughput --mode train|infer --batch N
//                                              whole-network images/s as JSON (Throughput.swift)
//   swift run -c release dsdc-bench convolutions --variant standard
//                                              lesson 9's standard convolutions alone (ConvolutionLayers.swift)
//   swift run -c release dsdc-bench gemm       the matrix multiply alone, JSON lines (MatrixProducts.swift)
//   swift run -c release dsdc-bench roofline   each layer against the machine's FMA peak and memory
//                                              bandwidth (RooflineCommand.swift)
//
// Five parts:
// 1. the machine's peak: twelve independent SIMD16 fused multiply-add chains on one core;
// 2. the matrix multiply at the shapes of DSDC-Net's pointwise layers for a batch of 64
//    (forward, input gradient, weight gradient), 1 and 2 threads;
// 3. every DSDC-Net convolution at batch 64, forward and backward: the reference loops
//    (timed on one image and scaled to 64) against the fast kernels on 1 and 2 threads;
// 4. the whole network on 2 threads: training steps at batch 64 and 128, inference at
//    batch 1 and 1000, images/s and peak memory (Throughput.swift);
// 5. one training step at batch 64 on 2 threads, layer by layer (`LayerClock`).
// Each figure is the best of a few repeats. One-thread runs are timed in the thread's
// own CPU time and two-thread runs in wall-clock time, so on a machine busy with other
// work the two-thread figures suffer and the one-thread ones much less. The matrix
// multiply's register tile is the CPU's (8×32 with AVX-512, else 6×16) unless
// `DSDC_GEMM_TILE=8x32` or `6x16` forces one, to time one against the other.

import DSDC
import Foundation

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "throughput" { runThroughput(Array(arguments.dropFirst())) }
if arguments.first == "convolutions" { runConvolutionLayers(Array(arguments.dropFirst())) }
if arguments.first == "gemm" { runGEMM(Array(arguments.dropFirst())) }
if arguments.first == "roofline" { runRoofline(Array(arguments.dropFirst())) }
if arguments.contains("--help") || arguments.contains("-h") {
  print(
    """
    usage: dsdc-bench [--json]
             Times the matrix multiply and DSDC-Net's convolutions (a few seconds).
           dsdc-bench throughput [--mode train|infer|layers] [--batch N] [--threads T] [--steps S]
                                 [--warmup W] [--variant NAME]
             Whole-network images/s (training step or inference) as one line of JSON, or one
             training step layer by layer; --variant: one of lesson 9's networks.
           dsdc-bench convolutions [--variant NAME] [--batch N] [--threads T] [--repeats R]
             The network's standard (im2col) convolutions alone: forward and backward ms and
             GFLOP/s per block (one thread: the thread's CPU time), one JSON line each.
           dsdc-bench gemm [--repeats R]
             The matrix multiply alone at the table's shapes, one JSON line each.
           dsdc-bench roofline [--batch N] [--threads T] [--steps S] [--variant NAME] [--json]
             The FMA peak, STREAM copy/triad bandwidth, and each layer's forward and backward
             pass of a training step and an inference batch against them (a table, or JSON).
           DSDC_GEMM_TILE=8x32 or 6x16 forces the matrix multiply's register tile.
    """)
  exit(0)
}
if let unknown = arguments.first(where: { $0 != "--json" }) {
  FileHandle.standardError.write("dsdc-bench: unknown option '\(unknown)' (try --help)\n".data(using: .utf8)!)
  exit(1)
}
let json = arguments.contains("--json")
let batch = 64

// The clocks and `bestTime`: BenchTiming.swift; `format`, `pad` and JSON: BenchOutput.swift.

// MARK: - 1. Peak

// `fmaChains` and `peakGigaflops`: Peak.swift.

// MARK: - 2. Matrix multiply

// `timeGEMM` and the shapes: MatrixProducts.swift.

// MARK: - 3. DSDC-Net's convolutions

struct Layer {
  var name: String
  var geometry: Conv2DGeometry
  var size: Int
  /// The first layer needs no input gradient.
  var needsInputGradient = true
}

struct LayerResult: Codable {
  var name: String
  var geometry: String
  var megaMACsPerImage: Double
  /// Milliseconds for a batch of 64; the reference is timed on one image and scaled.
  var referenceForward: Double, referenceBackward: Double
  var forward1: Double, backward1: Double
  var forward2: Double, backward2: Double
}

let layers = [
  Layer(name: "stem 3×3 1→32", geometry: .standard(1, 32, kernel: 3), size: 28, needsInputGradient: false),
  Layer(name: "depthwise D2 32", geometry: .depthwise(32, kernel: 3, dilation: 2), size: 28),
  Layer(name: "pointwise 32→64", geometry: .pointwise(32, 64), size: 28),
  Layer(name: "depthwise D2 64", geometry: .depthwise(64, kernel: 3, dilation: 2), size: 14),
  Layer(name: "pointwise 64→128", geometry: .pointwise(64, 128), size: 14),
  Layer(name: "depthwise D1 128", geometry: .depthwise(128, kernel: 3), size: 7),
  Layer(name: "pointwise 128→128", geometry: .pointwise(128, 128), size: 7),
]

func timeLayer(_ layer: Layer) -> LayerResult {
  var rng = SeededGenerator(seed: 2)
  let g = layer.geometry
  let input = Tensor.randomNormal(shape: [batch, g.inChannels, layer.size, layer.size], using: &rng)
  let weight = Tensor.randomNormal(shape: g.weightShape, std: 0.1, using: &rng)
  let bias = Tensor.randomNormal(shape: [g.outChannels], std: 0.1, using: &rng)
  var output = Convolution.forward(input: input, weight: weight, bias: bias, geometry: g)
  let dOutput = Tensor.randomNormal(shape: output.shape, using: &rng)
  var dInput: Tensor? = layer.needsInputGradient ? Tensor(shape: input.shape) : nil
  var dWeight = Tensor(shape: weight.shape)
  var dBias: Tensor? = Tensor(shape: bias.shape)

  // The reference loops on one image, scaled to the batch.
  let one = input.slice(0)
  let dOne = dOutput.slice(0)
  var dInputOne = Tensor(shape: one.shape)
  let referenceForward = bestTime(repeats: 1) {
    _ = ReferenceConvolution.forward(input: one, weight: weight, bias: bias, geometry: g)
  }
  let referenceBackward = bestTime(repeats: 1) {
    ReferenceConvolution.backward(
      input: one, weight: weight, dOutput: dOne, geometry: g,
      dInput: &dInputOne, dWeight: &dWeight, dBias: &dBias)
  }

  var fast: [Double] = []
  for threads in [1, 2] {
    fast.append(
      bestTime(repeats: 5, threads: threads) {
        Convolution.forward(input: input, weight: weight, bias: bias, geometry: g, output: &output, threads: threads)
      })
    fast.append(
      bestTime(repeats: 5, threads: threads) {
        Convolution.backward(
          input: input, weight: weight, dOutput: dOutput, geometry: g,
          dInput: &dInput, dWeight: &dWeight, dBias: &dBias, threads: threads)
      })
  }
  return LayerResult(
    name: layer.name, geometry: g.description,
    megaMACsPerImage: Double(g.multiplyAdds(height: layer.size, width: layer.size)) / 1e6,
    referenceForward: referenceForward * 1e3 * Double(batch),
    referenceBackward: referenceBackward * 1e3 * Double(batch),
    forward1: fast[0] * 1e3, backward1: fast[1] * 1e3, forward2: fast[2] * 1e3, backward2: fast[3] * 1e3)
}

// MARK: - Run

struct Report: Codable {
  /// The 1-minute load average when the run started (other work skews the figures).
  var loadAverage: String
  /// The matrix multiply's register tile, e.g. "6×16 (SIMD8 accumulators)".
  var registerTile: String
  var peakGflopsPerCore: Double
  var gemm: [GEMMResult]
  var layers: [LayerResult]
  /// Forward + backward of all layers for one batch of 64, milliseconds.
  var totalMilliseconds1: Double, totalMilliseconds2: Double
  var referenceTotalMilliseconds: Double
  /// Whole-network images/s on 2 threads, in order of growing memory, so that each
  /// case's `peak_resident_mb` is the peak up to and including it.
  var throughput: [ThroughputResult]
  /// One training step at batch 64 on 2 threads, layer by layer (milliseconds).
  var stepLayers: [StepLayerTime]
  var stepMilliseconds: Double
}

let load = loadAverage()
let peak = peakGigaflops()
let gemms = timeGEMMShapes(batch: batch)
let results = layers.map(timeLayer)
let total1 = results.reduce(0) { $0 + $1.forward1 + $1.backward1 }
let total2 = results.reduce(0) { $0 + $1.forward2 + $1.backward2 }
let referenceTotal = results.reduce(0) { $0 + $1.referenceForward + $1.referenceBackward }
let throughput = [("infer", 1, 300), ("train", 64, 30), ("train", 128, 15), ("infer", 1000, 3)].map {
  measureThroughput(mode: $0.0, batch: $0.1, threads: 2, steps: $0.2, warmup: 2)
}
let (stepLayers, stepMilliseconds) = measureStepLayers(batch: batch, threads: 2, steps: 20)
let report = Report(
  loadAverage: load, registerTile: MatrixMultiply.registerTile, peakGflopsPerCore: peak, gemm: gemms, layers: results,
  totalMilliseconds1: total1, totalMilliseconds2: total2, referenceTotalMilliseconds: referenceTotal,
  throughput: throughput, stepLayers: stepLayers, stepMilliseconds: stepMilliseconds)

if json {
  printJSON(report, pretty: true)
  exit(0)
}

print("Load average when started: \(load) (other work on the machine slows the 2-thread figures most)")
print("Peak (12 SIMD16 FMA chains, one core): \(format(peak)) GFLOP/s\n")
print("Matrix multiply, shapes of a batch of \(batch), register tile \(MatrixMultiply.registerTile)")
print("                                                         GFLOP/s   % of peak")
print("  product                      M ×     K ×      N    1 thread  2 threads   (1 thread)")
for r in gemms {
  print(
    "  \(r.name.padding(toLength: 25, withPad: " ", startingAt: 0))\(pad("\(r.m)", 4)) ×\(pad("\(r.k)", 6)) ×\(pad("\(r.n)", 7))"
      + "\(pad(format(r.gflops1), 12))\(pad(format(r.gflops2), 11))\(pad(format(100 * r.gflops1 / peak, 0) + "%", 12))")
}
print("\nConvolutions, batch \(batch), milliseconds (reference timed on 1 image ×\(batch))")
print(
  "  layer               MMAC/img   reference fwd+bwd |  1 thread fwd   bwd |  2 threads fwd   bwd |  vs ref (1T)  GFLOP/s (1T)  2T vs 1T"
)
for r in results {
  let ref = r.referenceForward + r.referenceBackward
  let fast1 = r.forward1 + r.backward1
  let flops = 2 * r.megaMACsPerImage * 1e6 * Double(batch) * (r.name.hasPrefix("stem") ? 2 : 3)
  print(
    "  \(r.name.padding(toLength: 18, withPad: " ", startingAt: 0))\(pad(format(r.megaMACsPerImage, 3), 9))\(pad(format(ref, 0), 20)) |"
      + "\(pad(format(r.forward1, 2), 13))\(pad(format(r.backward1, 2), 7)) |\(pad(format(r.forward2, 2), 14))\(pad(format(r.backward2, 2), 7)) |"
      + "\(pad(format(ref / fast1, 0) + "×", 13))\(pad(format(flops / (fast1 * 1e-3) / 1e9), 14))"
      + "\(pad(format(fast1 / (r.forward2 + r.backward2), 2) + "×", 10))")
}
print(
  "  total forward+backward: reference \(format(referenceTotal, 0)) ms, fast \(format(total1, 2)) ms (1 thread), \(format(total2, 2)) ms (2 threads)"
    + " → \(format(referenceTotal / total1, 0))× / \(format(referenceTotal / total2, 0))×; 2 threads \(format(total1 / total2, 2))× 1 thread"
)
print(
  "  convolutions alone would allow \(format(Double(batch) / (total2 * 1e-3), 0)) images/s of training on 2 threads")

print("\nWhole network, 2 threads (a training step is forward, backward and an AdamW update, as dsdc train runs it)")
print("  case                   images/s   ms per batch   peak memory so far")
for r in throughput {
  let name = (r.mode == "train" ? "training, batch " : "inference, batch ") + "\(r.batch)"
  print(
    "  \(name.padding(toLength: 21, withPad: " ", startingAt: 0))\(pad(format(r.images_per_s, 0), 10))"
      + "\(pad(format(1e3 * r.seconds / Double(r.steps), 2), 15))\(pad(format(r.peak_resident_mb, 0) + " MB", 21))")
}

print(
  "\nOne training step, batch \(batch), 2 threads, by layer (BatchNorm rows include the ReLU, and max-pooling where the block pools)"
)
print("  layer               forward ms   backward ms   share of the step")
for r in stepLayers {
  print(
    "  \(r.name.padding(toLength: 18, withPad: " ", startingAt: 0))\(pad(format(r.forwardMilliseconds, 2), 11))"
      + "\(pad(format(r.backwardMilliseconds, 2), 14))\(pad(format(100 * (r.forwardMilliseconds + r.backwardMilliseconds) / stepMilliseconds, 1) + "%", 20))"
  )
}
let layerTotal = stepLayers.reduce(0) { $0 + $1.forwardMilliseconds + $1.backwardMilliseconds }
print(
  "  loss, zeroing gradients, AdamW\(pad(format(stepMilliseconds - layerTotal, 2), 25))\(pad(format(100 * (stepMilliseconds - layerTotal) / stepMilliseconds, 1) + "%", 20))"
)
print(
  "  whole step \(format(stepMilliseconds, 2)) ms = \(format(Double(batch) / (stepMilliseconds * 1e-3), 0)) images/s")
