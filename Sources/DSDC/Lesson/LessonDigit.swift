import Foundation

/// The digit lessons 1–7 study: a test image (`--sample`) or the learner's own
/// picture (`--image`), preprocessed exactly as `dsdc predict` does.
public struct LessonDigit: Sendable {
  /// The 28×28 image as a `(1, 1, 28, 28)` tensor of raw values 0…255.
  public var image: Tensor
  /// The same 784 bytes, row-major, 0 = background.
  public var pixels: [UInt8]
  /// The test image's label; `nil` for a picture (nobody has labelled it).
  public var label: Int?
  /// How lessons name it mid-sentence: `test image 8 (labelled 5)` or `your picture 7.png`.
  public var name: String

  /// The name at the start of a sentence or a figure title: `Test image 8 (labelled 5)`.
  public var title: String { name.prefix(1).uppercased() + name.dropFirst() }

  /// Test image `index` of `test`, which must be a valid index.
  public init(test: LabeledImages, index: Int) {
    pixels = Array(test.image(index))
    image = test.rawTensor(index)
    label = Int(test.labels[index])
    name = "test image \(index) (labelled \(test.labels[index]))"
  }

  /// A picture file of one digit, read as gray and made MNIST-like by
  /// `DigitPreprocessor.mnistStyle` (the MNIST framing `dsdc predict` uses).
  /// Throws `PNGError` for a file that is not a readable PNG and
  /// `LessonError.noDigit` when nothing stands out from the background.
  public init(picture path: String, pixelLimit: Int = PNGFile.defaultPixelLimit) throws {
    let picture = try PNGFile.read(path, channels: 1, pixelLimit: pixelLimit)
    do {
      pixels = try DigitPreprocessor.mnistStyle(gray: picture.pixels, width: picture.width, height: picture.height)
    } catch {
      throw LessonError.noDigit(path: path)
    }
    image = Tensor(shape: [1, 1, 28, 28], storage: pixels.map { Float($0) })
    label = nil
    name = "your picture \(URL(fileURLWithPath: path).lastPathComponent)"
  }
}
