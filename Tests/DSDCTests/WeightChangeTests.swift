import DSDC
import Testing

@Suite("Weight change")
struct WeightChangeTests {
  @Test func absoluteAndRelativeChangeByHand() {
    let (before, after) = (TinyNet.model(), TinyNet.model())
    // block2.depthwise: every weight 0.5 before, 0.5 − 0.02 after: rms(w) = 0.5,
    // rms(Δw) = 0.02, relative 0.04.
    let kernel = { (model: DSDCNet) in model.parameters.first { $0.name == "block2.depthwise.weight" }! }
    let shape = kernel(before).shape
    kernel(before).assign(Tensor(shape: shape, repeating: 0.5))
    kernel(after).assign(Tensor(shape: shape, repeating: 0.48))
    // stem: scaled by 1.5, so Δw = 0.5·w: relative change 0.5 whatever w is.
    after.stem.weight.assign(
      Tensor(shape: after.stem.weight.shape, storage: before.stem.weight.value.storage.map { $0 * 1.5 }))

    let changes = WeightChange.convolutions(from: before, to: after)
    #expect(
      changes.map(\.name) == [
        "stem.weight", "block1.depthwise.weight", "block1.pointwise.weight",
        "block2.depthwise.weight", "block2.pointwise.weight",
        "block3.depthwise.weight", "block3.pointwise.weight",
      ])
    // Fan-in C_in/groups · K · K: the stem 1·3·3, depthwise 1·3·3, pointwise C_in·1·1.
    #expect(changes.map(\.fanIn) == [9, 9, 4, 9, 8, 9, 8])
    let block2 = changes[3]
    #expect(abs(block2.rmsBefore - 0.5) < 1e-7 && abs(block2.rmsDelta - 0.02) < 1e-6)
    #expect(abs(block2.relative - 0.04) < 1e-5)
    #expect(abs(changes[0].relative - 0.5) < 1e-6)
    #expect(changes[0].rmsDelta > 0 && abs(changes[0].rmsDelta - 0.5 * changes[0].rmsBefore) < 1e-7)
    for untouched in [1, 2, 4, 5, 6] { #expect(changes[untouched].rmsDelta == 0, "\(changes[untouched].name)") }
  }

  @Test func anAllZeroKernelHasNoRelativeChange() {
    #expect(WeightChange(name: "w", fanIn: 1, rmsBefore: 0, rmsDelta: 0.1).relative == 0)
  }
}
