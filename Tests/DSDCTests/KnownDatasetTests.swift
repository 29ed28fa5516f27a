import DSDC
import Testing

@Suite("Recognising a test set")
struct KnownDatasetTests {
  @Test("MNIST's test split is recognised as MNIST")
  func mnistIsRecognised() throws {
    let test = try RealMNISTTests.dataset.get().test
    #expect(KnownDataset.identify(test: test) == .mnist)
  }

  @Test("other data is not recognised: other labels, or another count")
  func otherDataIsNot() throws {
    let test = try RealMNISTTests.dataset.get().test
    var changed = test
    changed.labels[0] = (changed.labels[0] + 1) % 10
    #expect(KnownDataset.identify(test: changed) == nil)
    let half = LabeledImages(
      count: 5_000, rows: 28, columns: 28, pixels: Array(test.pixels.prefix(5_000 * 784)),
      labels: Array(test.labels.prefix(5_000)))
    #expect(KnownDataset.identify(test: half) == nil)
  }
}
