// `dsdc-bench convolutions --variant standard [--batch 64] [--threads 1]`: the
// standard (im2col) convolutions of one of lesson 9's networks, one line of JSON
// per block: forward and backward milliseconds for the whole batch (best of
// `--repeats`; the thread's CPU time on one thread, wall-clock time on more) and
// the GFLOP/s they reach (2 FLOP per multiply-add; the backward pass does twice the
// forward's work, the input and the weight gradient). The first line is the core's
// FMA peak measured the same way, to set the figures against, and the matrix
// multiply's register tile.

import DSDC
import Foundation

struct ConvolutionLayerTime: Codable {
  var name: String
  var geometry: String
  var size: Int
  var forwardMilliseconds: Double
  var backwardMilliseconds: Double
  var forwardGflops: Double
  var backwardGflops: Double
}

func runConvolutionLayers(_ arguments: [String]) -> Never {
  let command = BenchCommand(name: "convolutions")
  let (options, _) = command.options(
    arguments, defaults: ["--variant": "standard", "--batch": "64", "--threads": "1", "--repeats": "3"],
    usage: "--variant, --batch, --threads, --repeats")
  let fail = command.fail
  guard let variant = ComparisonVariant(rawValue: options["--variant"]!) else {
    fail("--variant must be one of \(ComparisonVariant.allCases.map(\.rawValue).joined(separator: ", "))")
  }
  guard let batch = Int(options["--batch"]!), batch >= 1 else { fail("--batch must be ≥ 1") }
  guard let threads = Int(options["--threads"]!), (1...64).contains(threads) else { fail("--threads must be 1…64") }
  guard let repeats = Int(options["--repeats"]!), (1...100).contains(repeats) else { fail("--repeats must be 1…100") }
  let config = variant.config()
  // The core's FMA peak right now (CPU time): other work on the machine lowers it too.
  print("{\"peakGflops\":\(peakGigaflops()),\"registerTile\":\"\(MatrixMultiply.registerTile)\"}")
  for (index, block) in config.blocks.enumerated() where block.convolution == .standard {
    let g = config.standardGeometry(index)
    let size = config.featureSize(beforeBlock: index)
    let result = timeConvolution(
      name: "block\(index + 1).conv", geometry: g, size: size, batch: batch, threads: threads, repeats: repeats)
    printJSON(result)
  }
  exit(0)
}

func timeConvolution(
  name: String, geometry g: Conv2DGeometry, size: Int, batch: Int, threads: Int, repeats: Int
) -> ConvolutionLayerTime {
  var rng = SeededGenerator(seed: 2)
  let input = Tensor.randomNormal(shape: [batch, g.inChannels, size, size], using: &rng)
  let weight = Tensor.randomNormal(shape: g.weightShape, std: 0.1, using: &rng)
  let bias = Tensor.randomNormal(shape: [g.outChannels], std: 0.1, using: &rng)
  var output = Convolution.forward(input: input, weight: weight, bias: bias, geometry: g)
  let dOutput = Tensor.randomNormal(shape: output.shape, using: &rng)
  var dInput: Tensor? = Tensor(shape: input.shape)
  var dWeight = Tensor(shape: weight.shape)
  var dBias: Tensor? = Tensor(shape: bias.shape)
  let forward = bestTime(repeats: repeats, threads: threads) {
    Convolution.forward(input: input, weight: weight, bias: bias, geometry: g, output: &output, threads: threads)
  }
  let backward = bestTime(repeats: repeats, threads: threads) {
    Convolution.backward(
      input: input, weight: weight, dOutput: dOutput, geometry: g,
      dInput: &dInput, dWeight: &dWeight, dBias: &dBias, threads: threads)
  }
  let flops = 2 * Double(g.multiplyAdds(height: size, width: size)) * Double(batch)
  return ConvolutionLayerTime(
    name: name, geometry: g.description, size: size,
    forwardMilliseconds: forward * 1e3, backwardMilliseconds: backward * 1e3,
    forwardGflops: flops / forward / 1e9, backwardGflops: 2 * flops / backward / 1e9)
}
