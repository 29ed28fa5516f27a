import DSDC
import Testing

@Suite("Augmentation and normalisation")
struct AugmentationTests {
  @Test func normalisationTable() {
    let n = Normalization.mnist
    let table = n.table
    #expect(table.count == 256)
    expectClose(table[0], -0.1307 / 0.3081, atol: 1e-6)
    expectClose(table[255], (1 - 0.1307) / 0.3081, atol: 1e-6)
    #expect(n.background == table[0])
  }

  /// The measured statistics of the real training set are the quoted ones.
  @Test func mnistStatistics() throws {
    let train = try MNISTDataset.loadSplit(.train, directory: repositoryRoot.appendingPathComponent("Data/mnist"))
    let measured = Normalization(DatasetStatistics(train))
    expectClose(measured.mean, Normalization.mnist.mean, atol: 1e-4)
    expectClose(measured.std, Normalization.mnist.std, atol: 1e-4)
  }

  /// A shift moves the content by whole pixels and fills with background.
  @Test func shiftByHand() {
    var pixels = [UInt8](repeating: 0, count: 28 * 28)
    pixels[10 * 28 + 12] = 255
    let out = Self.apply(.init(rowShift: 2, columnShift: -1, angle: 0), pixels)
    // out[r, c] = in[r + 2, c − 1]: the dot moves to (8, 13).
    let table = Normalization.mnist.table
    #expect(out[8 * 28 + 13] == table[255])
    #expect(out.filter { $0 == table[255] }.count == 1)
    #expect(out.filter { $0 == table[0] }.count == 28 * 28 - 1)
  }

  /// Rotation by 0 is the identity; a small rotation keeps the ink near the centre.
  @Test func rotation() {
    var pixels = [UInt8](repeating: 0, count: 28 * 28)
    for c in 8..<20 { pixels[14 * 28 + c] = 200 }  // a horizontal bar
    let table = Normalization.mnist.table
    #expect(Self.apply(.init(rowShift: 0, columnShift: 0, angle: 0), pixels) == pixels.map { table[Int($0)] })
    let turned = Self.apply(.init(rowShift: 0, columnShift: 0, angle: 0.2), pixels)
    let ink = turned.map { ($0 - table[0]) * 0.3081 * 255 }
    let total = ink.reduce(0, +)
    expectClose(total, 200 * 12, atol: 0, rtol: 0.05)  // bilinear sampling keeps the mass, roughly
    #expect(ink[14 * 28 + 8] < 100)  // the bar's end moved off its row
  }

  /// Draws: two shifts in −s…s; an angle only when rotation is on (the generator then
  /// advances three times instead of two).
  @Test func draws() {
    var a = SeededGenerator(seed: 1)
    var b = SeededGenerator(seed: 1)
    let plain = Augmentation(maxShift: 2)
    let rotating = Augmentation(maxShift: 2, maxRotationDegrees: 10)
    var seen = Set<Int>()
    for _ in 0..<200 {
      let t = plain.draw(using: &a)
      #expect(abs(t.rowShift) <= 2 && abs(t.columnShift) <= 2 && t.angle == 0)
      seen.insert(t.rowShift)
      let r = rotating.draw(using: &b)
      #expect(abs(r.angle) <= 10 * Double.pi / 180)
    }
    #expect(seen == [-2, -1, 0, 1, 2])
    var c = SeededGenerator(seed: 1)
    _ = c.next(); _ = c.next(); _ = c.next()
    var d = SeededGenerator(seed: 1)
    _ = rotating.draw(using: &d)
    #expect(c == d)
  }

  static func apply(_ t: Augmentation.Transform, _ pixels: [UInt8]) -> [Float] {
    Augmentation.transformed(t, pixels: pixels, rows: 28, columns: 28, normalization: .mnist).storage
  }
}
