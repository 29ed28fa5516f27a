// `dsdc-bench throughput`: whole-network images per second, through the code paths
// `dsdc train` and `dsdc evaluate` use, in the JSON shape of the PyTorch reference's
// `bench` command so that scripts/bench-side-by-side.sh can set them side by side.
//
//   dsdc-bench throughput --mode train --batch 64      forward, backward, AdamW step
//   dsdc-bench throughput --mode infer --batch 1000    forward in evaluation mode
//   dsdc-bench throughput --mode layers --variant standard
//                                                      one training step layer by layer
// `--variant` times one of lesson 9's sibling networks instead of DSDC-Net.
//
// A training step is `DSDCNet.computeGradients` (forward, softmax cross-entropy,
// backward into reused buffers) followed by `AdamW.step()`, exactly as `Trainer` runs
// it for each batch (batch assembly and augmentation, a few percent of an epoch, are
// left out, as the PyTorch side leaves out its data loading). Inference is
// `DSDCNet.logits`, as `Evaluation` runs it.

import DSDC
import Foundation

struct ThroughputResult: Codable {
  var implementation = "dsdc"
  var layout = "nchw"
  var mode: String
  var batch: Int
  var threads: Int
  var steps: Int
  var seconds: Double
  var cpu_seconds: Double
  var images_per_s: Double
  var images_per_cpu_s: Double
  /// Peak resident memory of the process so far (`VmHWM`), megabytes.
  var peak_resident_mb: Double
}

/// `VmHWM` from /proc/self/status in megabytes (0 where there is no /proc).
func peakResidentMegabytes() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
  else { return 0 }
  return kilobytes / 1024
}

func runThroughput(_ arguments: [String]) -> Never {
  let command = BenchCommand(name: "throughput")
  let (options, _) = command.options(
    arguments,
    defaults: [
      "--mode": "train", "--batch": "64", "--threads": "2", "--steps": "0", "--warmup": "3",
      "--variant": "dsdc",
    ],
    usage: "--mode train|infer|layers, --batch, --threads, --steps, --warmup, --variant")
  let fail = command.fail
  let mode = options["--mode"]!
  guard ["train", "infer", "layers"].contains(mode) else { fail("--mode must be train, infer or layers, got \(mode)") }
  guard let variant = ComparisonVariant(rawValue: options["--variant"]!) else {
    fail("--variant must be one of \(ComparisonVariant.allCases.map(\.rawValue).joined(separator: ", "))")
  }
  guard let batch = Int(options["--batch"]!), batch >= (mode == "train" ? 2 : 1) else {
    fail("--batch must be a positive count (≥ 2 to train)")
  }
  guard let threads = Int(options["--threads"]!), (1...64).contains(threads) else { fail("--threads must be 1…64") }
  guard let stepsOption = Int(options["--steps"]!), stepsOption >= 0 else { fail("--steps must be ≥ 0") }
  guard let warmup = Int(options["--warmup"]!), warmup >= 0 else { fail("--warmup must be ≥ 0") }
  let steps = stepsOption > 0 ? stepsOption : (mode == "infer" ? 10 : 20)
  if mode == "layers" {
    let (layers, step) = measureStepLayers(batch: batch, threads: threads, steps: steps, config: variant.config())
    for layer in layers { printJSON(layer) }
    print("{\"step_ms\":\(step)}")
    exit(0)
  }
  let result = measureThroughput(
    mode: mode, batch: batch, threads: threads, steps: steps, warmup: warmup,
    config: variant.config())
  printJSON(result)
  exit(0)
}

/// Times `steps` training steps (`mode` "train") or inference passes ("infer") of
/// DSDC-Net on `batch` random images after `warmup` untimed ones.
func measureThroughput(
  mode: String, batch: Int, threads: Int, steps: Int, warmup: Int, config: DSDCNetConfig = DSDCNetConfig()
) -> ThroughputResult {
  let (model, input, labels, optimizer) = benchmarkSetup(batch: batch, threads: threads, config: config)

  let step: () -> Void
  if mode == "train" {
    step = {
      _ = model.computeGradients(input: input, labels: labels)
      optimizer.step()
    }
  } else {
    step = { _ = model.logits(input: input) }
  }
  for _ in 0..<warmup { step() }
  let (start, startCPU) = (wallSeconds(), processCPUSeconds())
  for _ in 0..<steps { step() }
  let (seconds, cpuSeconds) = (wallSeconds() - start, processCPUSeconds() - startCPU)
  return ThroughputResult(
    mode: mode, batch: batch, threads: threads, steps: steps, seconds: seconds, cpu_seconds: cpuSeconds,
    images_per_s: Double(batch * steps) / seconds, images_per_cpu_s: Double(batch * steps) / cpuSeconds,
    peak_resident_mb: peakResidentMegabytes())
}

/// One layer's share of a training step.
struct StepLayerTime: Codable {
  var name: String
  var forwardMilliseconds: Double
  var backwardMilliseconds: Double
}

/// Where one training step's time goes: each layer's forward and backward pass
/// (mean over `steps` steps, wall clock, `threads` threads), and the whole step
/// (layers, loss, gradient zeroing and the AdamW update).
func measureStepLayers(
  batch: Int, threads: Int, steps: Int, config: DSDCNetConfig = DSDCNetConfig()
) -> (layers: [StepLayerTime], stepMilliseconds: Double) {
  let (model, input, labels, optimizer) = benchmarkSetup(batch: batch, threads: threads, config: config)
  let clock = LayerClock()
  model.layerClock = clock
  for _ in 0..<2 {
    _ = model.computeGradients(input: input, labels: labels)
    optimizer.step()
  }
  clock.reset()
  let start = wallSeconds()
  for _ in 0..<steps {
    _ = model.computeGradients(input: input, labels: labels)
    optimizer.step()
  }
  let step = (wallSeconds() - start) * 1e3 / Double(steps)
  let layers = clock.layers.map {
    StepLayerTime(
      name: $0, forwardMilliseconds: clock.forward[$0]! * 1e3 / Double(steps),
      backwardMilliseconds: clock.backward[$0]! * 1e3 / Double(steps))
  }
  return (layers, step)
}

/// A DSDC-Net (or `config`'s network) with seed-0 weights on `threads` threads, a
/// batch of `batch` random inputs and labels, and an AdamW optimiser over its parameters.
func benchmarkSetup(batch: Int, threads: Int, config: DSDCNetConfig = DSDCNetConfig())
  -> (model: DSDCNet, input: Tensor, labels: [Int], optimizer: AdamW)
{
  var generator = SeededGenerator(seed: 0)
  let model = DSDCNet(config: config, using: &generator)
  model.threads = threads
  var input = Tensor(shape: model.inputShape(batch: batch))
  for i in input.storage.indices { input.storage[i] = Float.random(in: -1...1, using: &generator) }
  let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
  let optimizer = AdamW(parameters: model.parameters, learningRate: 1e-3)
  return (model, input, labels, optimizer)
}
