// `dsdc-bench roofline [--batch 64] [--threads 2] [--steps 20] [--variant dsdc] [--json]`:
// each layer of DSDC-Net (or of one of lesson 9's networks) against the machine's own
// limits. It measures the FMA peak (`Peak.swift`) and STREAM's copy and triad bandwidth
// (`MemoryBandwidth.swift`) on one thread and on `--threads`, then times one training step
// and one eval-mode inference batch layer by layer (`LayerClock`, median of `--steps`) and
// sets each pass's FLOPs and least bytes (`LayerTraffic`) against the roofline of the
// `--threads` peak and triad bandwidth. A table, or (`--json`) the same as JSON.

import DSDC
import Foundation

/// Everything `dsdc-bench roofline` measured.
struct RooflineReport: Codable {
  var variant: String
  var batch: Int
  var threads: Int
  /// Timed training steps and inference batches (each layer's median is shown).
  var steps: Int
  /// The 1-minute load average when the run started.
  var loadAverage: String
  /// The share of the machine's CPU time other processes used during the run (0…1), or
  /// nil where `/proc/stat` cannot be read.
  var otherCPUShare: Double?
  /// The FMA peak on one thread (its CPU time) and on `threads` threads (wall clock), GFLOP/s.
  var peakGflops1: Double, peakGflopsThreads: Double
  var bandwidth: MemoryBandwidth
  /// The `threads`-thread peak and triad bandwidth.
  var roofline: Roofline
  /// One training step: each layer's forward and backward pass, and the two totals.
  var training: [RooflineRow], trainingTotals: [RooflineRow]
  /// One eval-mode inference batch: each layer's forward pass, and the total.
  var inference: [RooflineRow], inferenceTotals: [RooflineRow]
}

func runRoofline(_ arguments: [String]) -> Never {
  let command = BenchCommand(name: "roofline")
  let (options, flags) = command.options(
    arguments, defaults: ["--batch": "64", "--threads": "2", "--steps": "20", "--variant": "dsdc"],
    flags: ["--json"], usage: "--batch, --threads, --steps, --variant, --json")
  guard let variant = ComparisonVariant(rawValue: options["--variant"]!) else {
    command.fail("--variant must be one of \(ComparisonVariant.allCases.map(\.rawValue).joined(separator: ", "))")
  }
  guard let batch = Int(options["--batch"]!), (2...4096).contains(batch) else {
    command.fail("--batch must be 2…4096 (a training step needs 2 images for BatchNorm)")
  }
  guard let threads = Int(options["--threads"]!), (1...64).contains(threads) else {
    command.fail("--threads must be 1…64")
  }
  guard let steps = Int(options["--steps"]!), (1...1000).contains(steps) else { command.fail("--steps must be 1…1000") }
  let report = measureRoofline(variant: variant, batch: batch, threads: threads, steps: steps)
  if flags.contains("--json") {
    printJSON(report, pretty: true)
  } else {
    for line in rooflineTable(report) { print(line) }
  }
  exit(0)
}

/// Measures the machine, then the network's layers (see the file's header).
func measureRoofline(variant: ComparisonVariant, batch: Int, threads: Int, steps: Int) -> RooflineReport {
  let load = loadAverage()
  let start = CPUActivity.now()
  let peak1 = peakGigaflops()
  let peakThreads = threads == 1 ? peak1 : peakGigaflops(threads: threads)
  let bandwidth = measureMemoryBandwidth(threads: threads)
  let roof = Roofline(peakGflops: peakThreads, bandwidthGBps: bandwidth.triadThreads)

  let (model, input, labels, optimizer) = benchmarkSetup(batch: batch, threads: threads, config: variant.config())
  let traffic = model.traffic(batch: batch)
  let clock = LayerClock()
  model.layerClock = clock
  let step = medianLayerSeconds(clock: clock, runs: steps) {
    _ = model.computeGradients(input: input, labels: labels)
    optimizer.step()
  }
  model.inferenceSlice = batch  // the whole batch in one pass, as the training step runs it
  let inference = medianLayerSeconds(clock: clock, runs: steps) { _ = model.logits(input: input) }
  let otherShare = CPUActivity.otherShare(from: start, to: CPUActivity.now())

  let training = rooflineRows(traffic, forward: step.forward, backward: step.backward, roof: roof)
  let inferenceRows = rooflineRows(traffic, forward: inference.forward, backward: nil, roof: roof)
  return RooflineReport(
    variant: variant.rawValue, batch: batch, threads: threads, steps: steps, loadAverage: load,
    otherCPUShare: otherShare, peakGflops1: peak1, peakGflopsThreads: peakThreads, bandwidth: bandwidth,
    roofline: roof, training: training,
    trainingTotals: ["forward", "backward"].map { pass in
      RooflineRow(total: training.filter { $0.pass == pass }, pass: pass)
    },
    inference: inferenceRows, inferenceTotals: [RooflineRow(total: inferenceRows, pass: "forward")])
}
