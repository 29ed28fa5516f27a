import DSDC
import Foundation
import Testing

/// Reads the JSON fixtures written by `scripts/pytorch_reference.py fixtures`.
enum PyTorchFixture {
  /// The parsed top-level object of `Fixtures/<name>`.
  static func load(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent(name))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  /// A `{"shape": [...], "data": [...]}` entry as a tensor.
  static func tensor(_ object: Any?) -> Tensor {
    let entry = object as! [String: Any]
    let shape = (entry["shape"] as! [NSNumber]).map(\.intValue)
    let data = (entry["data"] as! [NSNumber]).map(\.floatValue)
    return Tensor(shape: shape, storage: data)
  }

  /// A number entry.
  static func float(_ object: Any?) -> Float { (object as! NSNumber).floatValue }

  /// A network fixture's top-level object with its `input` batch and `labels`.
  static func batch(_ name: String) throws -> (fixture: [String: Any], input: Tensor, labels: [Int]) {
    let fixture = try load(name)
    return (fixture, tensor(fixture["input"]), (fixture["labels"] as! [NSNumber]).map(\.intValue))
  }
}

/// Each layer against PyTorch (float64 references from float32-representable inputs).
/// Tolerances are those of llm.c's `test_gpt2`, scaled for float32 arithmetic: values
/// within 1e-5 absolute plus 1e-5 relative, gradients within 1e-4 + 1e-4 relative.
@Suite("Layers vs PyTorch")
struct LayerFixtureTests {
  let fixture: [String: Any]

  init() throws { fixture = try PyTorchFixture.load("layers.json") }

  func entry(_ name: String) -> [String: Any] { fixture[name] as! [String: Any] }

  @Test(arguments: ["batchnorm_train", "batchnorm_eval"])
  func batchNorm(name: String) {
    let f = entry(name)
    let training = name == "batchnorm_train"
    let x = PyTorchFixture.tensor(f["input"])
    let bn = BatchNorm2d(name: "bn", channels: x.shape[1])
    bn.weight.value = PyTorchFixture.tensor(f["weight"])
    bn.bias.value = PyTorchFixture.tensor(f["bias"])
    bn.runningMean = PyTorchFixture.tensor(f[training ? "running_mean_before" : "running_mean"])
    bn.runningVar = PyTorchFixture.tensor(f[training ? "running_var_before" : "running_var"])
    var y = Tensor(shape: x.shape)
    bn.forward(input: x, output: &y, training: training)
    expectClose(y, PyTorchFixture.tensor(f["output"]), atol: 1e-5, rtol: 1e-5)
    if training {
      expectClose(bn.runningMean, PyTorchFixture.tensor(f["running_mean_after"]), atol: 1e-6, rtol: 1e-6)
      expectClose(bn.runningVar, PyTorchFixture.tensor(f["running_var_after"]), atol: 1e-6, rtol: 1e-6)
    }
    var dx = Tensor(shape: x.shape)
    bn.backward(input: x, dOutput: PyTorchFixture.tensor(f["d_output"]), dInput: &dx)
    expectClose(dx, PyTorchFixture.tensor(f["d_input"]), atol: 1e-4, rtol: 1e-4)
    expectClose(bn.weight.gradient, PyTorchFixture.tensor(f["d_weight"]), atol: 1e-4, rtol: 1e-4)
    expectClose(bn.bias.gradient, PyTorchFixture.tensor(f["d_bias"]), atol: 1e-4, rtol: 1e-4)
  }

  @Test(arguments: ["maxpool2d", "maxpool2d_odd"])
  func maxPool(name: String) {
    let f = entry(name)
    let x = PyTorchFixture.tensor(f["input"])
    let pool = MaxPool2d()
    var y = Tensor(shape: pool.outputShape(input: x.shape))
    var argmax = [UInt8](repeating: 0, count: y.count)
    pool.forward(input: x, output: &y, argmax: &argmax)
    #expect(y == PyTorchFixture.tensor(f["output"]))
    var dx = Tensor(shape: x.shape)
    pool.backward(dOutput: PyTorchFixture.tensor(f["d_output"]), argmax: argmax, dInput: &dx)
    expectClose(dx, PyTorchFixture.tensor(f["d_input"]), atol: 1e-6, rtol: 0)
  }

  @Test func globalAveragePool() {
    let f = entry("global_avg_pool")
    let x = PyTorchFixture.tensor(f["input"])
    var y = Tensor(shape: [x.shape[0], x.shape[1]])
    GlobalAveragePool().forward(input: x, output: &y)
    expectClose(y, PyTorchFixture.tensor(f["output"]), atol: 1e-6, rtol: 1e-5)
    var dx = Tensor(shape: x.shape)
    GlobalAveragePool().backward(dOutput: PyTorchFixture.tensor(f["d_output"]), dInput: &dx)
    expectClose(dx, PyTorchFixture.tensor(f["d_input"]), atol: 1e-6, rtol: 1e-5)
  }

  @Test func linear() {
    let f = entry("linear")
    let x = PyTorchFixture.tensor(f["input"])
    let weight = PyTorchFixture.tensor(f["weight"])
    var rng = SeededGenerator(seed: 0)
    let fc = Linear(name: "fc", inFeatures: weight.shape[1], outFeatures: weight.shape[0], using: &rng)
    fc.weight.value = weight
    fc.bias.value = PyTorchFixture.tensor(f["bias"])
    var y = Tensor(shape: [x.shape[0], weight.shape[0]])
    fc.forward(input: x, output: &y)
    expectClose(y, PyTorchFixture.tensor(f["output"]), atol: 1e-5, rtol: 1e-5)
    var dx: Tensor? = Tensor(shape: x.shape)
    fc.backward(input: x, dOutput: PyTorchFixture.tensor(f["d_output"]), dInput: &dx)
    expectClose(dx!, PyTorchFixture.tensor(f["d_input"]), atol: 1e-5, rtol: 1e-5)
    expectClose(fc.weight.gradient, PyTorchFixture.tensor(f["d_weight"]), atol: 1e-5, rtol: 1e-5)
    expectClose(fc.bias.gradient, PyTorchFixture.tensor(f["d_bias"]), atol: 1e-5, rtol: 1e-5)
  }

  @Test func crossEntropy() {
    let f = entry("cross_entropy")
    let logits = PyTorchFixture.tensor(f["logits"])
    let labels = (f["labels"] as! [NSNumber]).map(\.intValue)
    var p = Tensor(shape: logits.shape)
    let result = SoftmaxCrossEntropy.forward(logits: logits, labels: labels, probabilities: &p)
    expectClose(result.loss, PyTorchFixture.float(f["loss"]), atol: 1e-5, rtol: 1e-5)
    var dz = Tensor(shape: logits.shape)
    SoftmaxCrossEntropy.backward(probabilities: p, labels: labels, dLogits: &dz)
    expectClose(dz, PyTorchFixture.tensor(f["d_logits"]), atol: 1e-6, rtol: 1e-5)
  }
}
