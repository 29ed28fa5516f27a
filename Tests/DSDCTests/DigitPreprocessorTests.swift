import DSDC
import Testing

@Suite("Preprocessing a user's picture the MNIST way")
struct DigitPreprocessorTests {
  /// A white 60×40 picture with a black 10-wide, 30-tall bar near its top-left corner.
  func darkOnLight() -> [UInt8] {
    var pixels = [UInt8](repeating: 255, count: 60 * 40)
    for y in 4..<34 { for x in 6..<16 { pixels[y * 60 + x] = 0 } }
    return pixels
  }

  @Test func darkOnLightLandsCentredAndFitsTwentyPixels() throws {
    let image = try DigitPreprocessor.mnistStyle(gray: darkOnLight(), width: 60, height: 40)
    #expect(image.count == 784)
    // The bar's centre of mass moves to (14, 14), within half a pixel.
    let centre = DigitPreprocessor.centreOfMass(image)
    #expect(abs(centre.row - 14) <= 0.5 && abs(centre.column - 14) <= 0.5)
    // Its longer side (30 px tall) is scaled to 20 rows; 10 wide → 20·10/30 ≈ 7 columns.
    let inkRows = (0..<28).filter { r in (0..<28).contains { image[r * 28 + $0] > 127 } }
    let inkColumns = (0..<28).filter { c in (0..<28).contains { image[$0 * 28 + c] > 127 } }
    #expect(inkRows.count == 20)
    #expect(inkColumns.count == 7)
    // The light background became 0 and the ink 255.
    #expect(image[0] == 0 && image.max() == 255)
  }

  /// Fashion-MNIST's framing: the 30-tall bar fills all 28 rows, its width becomes
  /// 28·10/30 = 9.3 → 9 columns, and the box is centred: columns (28 − 9)/2 = 9 …17.
  @Test func objectFramingFillsTheSquareAndCentresTheBox() throws {
    let image = try DigitPreprocessor.mnistStyle(gray: darkOnLight(), width: 60, height: 40, framing: .object)
    let inkRows = (0..<28).filter { r in (0..<28).contains { image[r * 28 + $0] > 127 } }
    let inkColumns = (0..<28).filter { c in (0..<28).contains { image[$0 * 28 + c] > 127 } }
    #expect(inkRows == Array(0..<28))
    #expect(inkColumns == Array(9..<18))
    #expect(FineTuningTask.fashionMNIST.framing == .object)
  }

  @Test func lightOnDarkIsNotInverted() throws {
    let inverted = darkOnLight().map { 255 - $0 }
    let a = try DigitPreprocessor.mnistStyle(gray: inverted, width: 60, height: 40)
    let b = try DigitPreprocessor.mnistStyle(gray: darkOnLight(), width: 60, height: 40)
    #expect(a == b)
  }

  @Test func blankPictureHasNoInk() {
    #expect(throws: DigitPreprocessor.Failure.noInk) {
      _ = try DigitPreprocessor.mnistStyle(gray: [UInt8](repeating: 200, count: 100), width: 10, height: 10)
    }
    #expect(throws: DigitPreprocessor.Failure.empty) {
      _ = try DigitPreprocessor.mnistStyle(gray: [], width: 0, height: 0)
    }
  }
}
