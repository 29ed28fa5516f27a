// Lesson 1 — MNIST up close
//
// What it teaches: what the network will actually see. The raw bytes of the
// IDX file, one digit as a grid of numbers, the dataset's facts computed from
// all 70,000 images, and the normalisation every later lesson and the model use.
// Article: §1.2 (the MNIST dataset).
// Writes: Output/01-mnist/digit.png (the lesson digit enlarged, every pixel's
//         value written in it) and Output/01-mnist/first-100.png (the first 100
//         test digits with their labels); digit-values.txt only if the digit's ink is
//         too wide for its values to be printed.
// Code:   Sources/DSDC/Data/IDXFile.swift (the bytes above), MNISTDataset.swift,
//         DatasetStatistics.swift; Sources/DSDC/Training/Normalization.swift.
// Tests:  Tests/DSDCTests/MNISTDatasetTests.swift, ReaderLimitTests.swift.

import DSDC
import Foundation

public enum Lesson01MNIST: Lesson {
  public static let info = LessonInfo(
    number: 1, slug: "mnist", title: "MNIST up close", articleSection: "§1.2",
    summary: "IDX bytes, one digit as numbers, dataset facts, normalisation")

  public static func run(_ lesson: LessonContext) throws {
    // MARK: The file on disk
    // MNIST ships as IDX files: a tiny header, then one byte per pixel. Here are
    // the header bytes of the real test-image file, read through zlib.
    let imageURL = try MNISTDataset.locate(MNISTDataset.Split.test.imageFile, in: lesson.settings.dataDirectory)
    let imageFile = try IDXFile.read(imageURL, expectedMagic: MNISTDataset.imageMagic)
    let h = imageFile.header
    lesson.say("The first 16 bytes of \(imageURL.lastPathComponent):")
    lesson.say("  " + Format.hex(h))
    lesson.say("  bytes 0–1   \(Format.hex(h[0..<2]))          always zero")
    lesson.say("  byte  2     \(Format.hex(h[2..<3]))             data type: 0x08 = unsigned byte (0…255)")
    lesson.say("  byte  3     \(Format.hex(h[3..<4]))             number of dimensions: \(h[3])")
    lesson.say("  bytes 4–7   \(Format.hex(h[4..<8]))    dimension 1, big-endian: \(imageFile.dimensions[0]) images")
    lesson.say("  bytes 8–11  \(Format.hex(h[8..<12]))    dimension 2: \(imageFile.dimensions[1]) rows")
    lesson.say("  bytes 12–15 \(Format.hex(h[12..<16]))    dimension 3: \(imageFile.dimensions[2]) columns")
    lesson.say(
      "  then \(imageFile.data.count) bytes = \(imageFile.dimensions.map(String.init).joined(separator: " × ")), one per pixel"
    )
    lesson.check(imageFile.magic == 0x0000_0803, "magic number is 0x00000803 (unsigned bytes, 3 dimensions)")
    lesson.check(
      imageFile.data.count == imageFile.dimensions.reduce(1, *), "data length equals the product of the dimensions")
    lesson.say()

    // MARK: One digit as numbers
    // The lesson digit (change it with --sample, or study your own with --image: it is
    // preprocessed as `dsdc predict` does). Each pixel is 0 (paper) … 255 (ink).
    let digit = try lesson.lessonDigit()
    let plane = digit.image.plane(n: 0, c: 0)  // (28, 28)
    // Only the columns with ink fit on a line; digit.png shows all 28 with their values.
    let grid = TerminalPreview.inkValueGrid(plane)
    lesson.say("\(digit.title), as its 28×28 pixel values,")
    lesson.say("\(grid.caption):")
    try lesson.sayTable(grid.lines, indent: " ", file: "digit-values.txt")
    lesson.say()
    lesson.say("The same digit in shades (two characters per pixel):")
    for line in TerminalPreview.shaded(plane, range: (0, 255)) { lesson.say("  |" + line + "|") }
    // The same numbers as a picture: every pixel enlarged with its value written in it.
    let digitFigure = DigitValueFigure(
      title: "\(digit.title): 28x28 pixel values (0 = paper, 255 = ink)", pixels: digit.pixels)
    try lesson.write(digitFigure, as: "digit.png")
    lesson.say()

    // MARK: Dataset facts, computed from the data
    let train = try lesson.trainSet()
    let test = try lesson.testSet()
    let trainStats = DatasetStatistics(train)
    let testStats = DatasetStatistics(test)
    lesson.say("Images per class (train / test):")
    for c in 0..<MNISTDataset.classes {
      lesson.say("  \(c): \(trainStats.classCounts[c]) / \(testStats.classCounts[c])")
    }
    lesson.say(
      "Training pixels scaled to [0, 1]: mean μ = \(Format.fixed(trainStats.mean)), standard deviation σ = \(Format.fixed(trainStats.std))"
    )
    lesson.check(train.count == 60_000 && test.count == 10_000, "60,000 training and 10,000 test images")
    lesson.check(trainStats.classCounts.reduce(0, +) == train.count, "class counts add up to the training set")
    // The first 100 test digits with their labels: what "typical" looks like.
    let first100 = (0..<min(100, test.count)).map {
      GalleryFigure.Item(pixels: Array(test.image($0)), caption: "#\($0): \(test.labels[$0])")
    }
    try lesson.write(
      GalleryFigure(title: "The first 100 MNIST test digits with their labels", items: first100, columns: 10, scale: 2),
      as: "first-100.png")
    lesson.say()

    // MARK: Normalisation
    // Networks train best on inputs centred on 0 with unit spread, so every pixel
    // is rescaled with the training set's μ and σ:
    //     x̂ = (x/255 − μ) / σ
    // Work it through for the brightest pixel of the lesson digit.
    let brightest = plane.storage.indices.max { plane.storage[$0] < plane.storage[$1] }!
    let (row, column) = (brightest / 28, brightest % 28)
    let x = Double(plane.storage[brightest])
    let normalised = (x / 255 - trainStats.mean) / trainStats.std
    // μ and σ to 6 decimals here: rounded to 4 as above, they would give −0.4242 for
    // the background instead of the −0.4241 the normaliser computes.
    let (mu, sigma) = (Format.fixed(trainStats.mean, 6), Format.fixed(trainStats.std, 6))
    lesson.say("Normalisation: x̂ = (x/255 − μ) / σ, with μ = \(mu), σ = \(sigma) (6 decimals, as computed)")
    lesson.say("  pixel (\(row), \(column)) (row, column from 0): x = \(Int(x))")
    lesson.say("  x̂ = (\(Int(x))/255 − \(mu)) / \(sigma)")
    lesson.say("     = (\(Format.fixed(x / 255)) − \(mu)) / \(sigma) = \(Format.fixed(normalised))")
    let background = (0 - trainStats.mean) / trainStats.std
    lesson.say(
      "  and the background, x = 0, becomes (0 − \(mu)) / \(sigma) = \(Format.fixed(background)):"
        + " most of the input is this one negative number.")
    let normalization = Normalization(trainStats)
    let library = normalization.table[Int(x)]
    lesson.check(
      abs(Double(library) - normalised) < 1e-5,
      "the library's normaliser gives the same x̂ (\(Format.fixed(Double(library))))")

    // MARK: Next
    lesson.finish(
      open: [try lesson.path("digit.png"), try lesson.path("first-100.png")],
      try: [.sample(0), .image],
      next: Lesson02Standard.info)
  }
}
