import DSDC
import Foundation
import Testing

/// The whole network against PyTorch (`dsdcnet_batch.json`: `DSDCNet()` after
/// `torch.manual_seed(0)`, the first 8 MNIST test images, float32 throughout).
///
/// Tolerances follow llm.c's `test_gpt2`: logits and loss within 1e-4 absolute;
/// gradients within 1e-4 absolute + 1e-3 relative (different summation orders in
/// float32 accumulate differently); optimiser results within 1e-6 + 1e-5 relative.
/// (Measured: logits agree to 2e-7, the loss exactly, every gradient to 3e-6.)
@Suite("DSDC-Net vs PyTorch")
struct DSDCNetFixtureTests {
  let fixture: [String: Any]
  let input: Tensor
  let labels: [Int]

  init() throws { (fixture, input, labels) = try PyTorchFixture.batch("dsdcnet_batch.json") }

  func section(_ name: String) -> [String: Any] { fixture[name] as! [String: Any] }

  /// A model holding the fixture's initial `state_dict`.
  func model() throws -> DSDCNet {
    var rng = SeededGenerator(seed: 0)
    let model = DSDCNet(using: &rng)
    let stateDict = fixture["state_dict"] as! [String: Any]
    try model.load(namedTensors: stateDict.map { ($0.key, PyTorchFixture.tensor($0.value)) })
    return model
  }

  @Test func trainingModeLogitsLossAndGradients() throws {
    let train = section("train")
    let logits = try model().logits(input: input, training: true)
    expectClose(logits, PyTorchFixture.tensor(train["logits"]), atol: 1e-4, rtol: 0)

    let model = try model()
    let result = model.computeGradients(input: input, labels: labels)
    expectClose(result.loss, PyTorchFixture.float(train["loss"]), atol: 1e-4, rtol: 0)
    let grads = train["grads"] as! [String: Any]
    #expect(grads.count == model.parameters.count)
    for parameter in model.parameters {
      expectClose(parameter.gradient, PyTorchFixture.tensor(grads[parameter.name]), atol: 1e-4, rtol: 1e-3)
    }
    let stats = train["running_stats"] as! [String: Any]
    let tensors = Dictionary(uniqueKeysWithValues: model.namedTensors().map { ($0.name, $0.tensor) })
    for (name, value) in stats {
      expectClose(tensors[name]!, PyTorchFixture.tensor(value), atol: 1e-5, rtol: 1e-4)
    }
  }

  @Test func evalModeLogitsAndActivations() throws {
    let eval = section("eval")
    let model = try model()
    expectClose(model.logits(input: input), PyTorchFixture.tensor(eval["logits"]), atol: 1e-4, rtol: 0)
    let expected = eval["activations"] as! [String: Any]
    let maps = model.activations(image: input.slice(0))
    for (name, tensor) in maps where name != "logits" {
      expectClose(tensor, PyTorchFixture.tensor(expected[name]), atol: 1e-4, rtol: 1e-4)
    }
    #expect(Set(maps.map(\.name)).isSuperset(of: expected.keys))
  }

  /// The fixture's input is the first 8 test images normalised as dsdc normalises them.
  @Test func normalisationMatches() throws {
    let directory = repositoryRoot.appendingPathComponent("Data/mnist")
    let test = try MNISTDataset.loadSplit(.test, directory: directory)
    let normalization = section("normalization")
    #expect(
      Normalization.mnist
        == Normalization(
          mean: PyTorchFixture.float(normalization["mean"]),
          std: PyTorchFixture.float(normalization["std"])))
    #expect(Normalization.mnist.tensor(test, indices: 0..<8) == input)
    #expect(test.labels[0..<8].map(Int.init) == labels)
  }

  @Test(arguments: ["adamw", "sgd"])
  func optimiserSteps(kind: String) throws {
    let f = section(kind)
    let model = try model()
    let grads = section("train")["grads"] as! [String: Any]
    let lr = (f["lr"] as! NSNumber).doubleValue
    let weightDecay = (f["weight_decay"] as! NSNumber).doubleValue
    let optimizer: any Optimizer
    if kind == "adamw" {
      let betas = (f["betas"] as! [NSNumber]).map(\.doubleValue)
      optimizer = AdamW(
        parameters: model.parameters, learningRate: lr, beta1: betas[0], beta2: betas[1],
        epsilon: (f["eps"] as! NSNumber).doubleValue, weightDecay: weightDecay)
    } else {
      optimizer = SGD(
        parameters: model.parameters, learningRate: lr,
        momentum: (f["momentum"] as! NSNumber).doubleValue, nesterov: f["nesterov"] as! Bool,
        weightDecay: weightDecay)
    }
    for stepName in ["after_step1", "after_step2"] {
      for parameter in model.parameters { parameter.gradient = PyTorchFixture.tensor(grads[parameter.name]) }
      optimizer.step()
      let expected = f[stepName] as! [String: Any]
      for parameter in model.parameters where expected[parameter.name] != nil {
        expectClose(parameter.value, PyTorchFixture.tensor(expected[parameter.name]), atol: 1e-6, rtol: 1e-5)
      }
    }
  }
}
