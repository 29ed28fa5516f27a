import DSDC
import Foundation
import Testing

/// The convolution (reference loop and fast kernels, forward and backward) against
/// PyTorch's `conv2d` on the cases in `Fixtures/conv_cases.json` (computed in float64
/// from float32-exact inputs by `scripts/pytorch_reference.py fixtures`).
@Suite("Convolution vs PyTorch")
struct ConvolutionFixtureTests {
  struct Case: Sendable, CustomStringConvertible {
    var name: String
    var geometry: Conv2DGeometry
    var input, weight, output, dOutput, dInput, dWeight: Tensor
    var bias, dBias: Tensor?
    var description: String { name }
  }

  static let cases: [Case] = {
    guard let data = try? Data(contentsOf: fixturesDirectory.appendingPathComponent("conv_cases.json")),
      let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    return list.map { c in
      func int(_ key: String) -> Int { (c[key] as! NSNumber).intValue }
      func optional(_ key: String) -> Tensor? {
        c[key] is NSNull || c[key] == nil ? nil : PyTorchFixture.tensor(c[key])
      }
      return Case(
        name: c["name"] as! String,
        geometry: Conv2DGeometry(
          inChannels: int("in_channels"), outChannels: int("out_channels"), kernel: int("kernel"),
          stride: int("stride"), padding: int("padding"), dilation: int("dilation"), groups: int("groups")),
        input: PyTorchFixture.tensor(c["input"]), weight: PyTorchFixture.tensor(c["weight"]),
        output: PyTorchFixture.tensor(c["output"]), dOutput: PyTorchFixture.tensor(c["d_output"]),
        dInput: PyTorchFixture.tensor(c["d_input"]), dWeight: PyTorchFixture.tensor(c["d_weight"]),
        bias: optional("bias_value"), dBias: optional("d_bias"))
    }
  }()

  @Test func fixtureFileHasTheCases() {
    #expect(Self.cases.count == 15)
  }

  @Test(arguments: cases)
  func referenceMatchesPyTorch(_ c: Case) {
    let y = ReferenceConvolution.forward(input: c.input, weight: c.weight, bias: c.bias, geometry: c.geometry)
    expectClose(y, c.output, atol: 1e-5, rtol: 1e-5)
    var dInput = Tensor(shape: c.input.shape)
    var dWeight = Tensor(shape: c.weight.shape)
    var dBias: Tensor? = c.bias.map { Tensor(shape: $0.shape) }
    ReferenceConvolution.backward(
      input: c.input, weight: c.weight, dOutput: c.dOutput, geometry: c.geometry,
      dInput: &dInput, dWeight: &dWeight, dBias: &dBias)
    expectClose(dInput, c.dInput, atol: 1e-4, rtol: 1e-4)
    expectClose(dWeight, c.dWeight, atol: 1e-4, rtol: 1e-4)
    if let expected = c.dBias, let dBias { expectClose(dBias, expected, atol: 1e-4, rtol: 1e-4) }
  }

  @Test(arguments: cases, [1, 2])
  func fastMatchesPyTorch(_ c: Case, threads: Int) {
    let y = Convolution.forward(input: c.input, weight: c.weight, bias: c.bias, geometry: c.geometry, threads: threads)
    expectClose(y, c.output, atol: 1e-5, rtol: 1e-5)
    var dInput: Tensor? = Tensor(shape: c.input.shape)
    var dWeight = Tensor(shape: c.weight.shape)
    var dBias: Tensor? = c.bias.map { Tensor(shape: $0.shape) }
    Convolution.backward(
      input: c.input, weight: c.weight, dOutput: c.dOutput, geometry: c.geometry,
      dInput: &dInput, dWeight: &dWeight, dBias: &dBias, threads: threads)
    expectClose(dInput!, c.dInput, atol: 1e-4, rtol: 1e-4)
    expectClose(dWeight, c.dWeight, atol: 1e-4, rtol: 1e-4)
    if let expected = c.dBias, let dBias { expectClose(dBias, expected, atol: 1e-4, rtol: 1e-4) }
  }
}
