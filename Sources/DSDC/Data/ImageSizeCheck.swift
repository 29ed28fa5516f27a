import Foundation

extension MNISTDataset {
  /// Checks that a loaded split holds `expected`×`expected` images, the size of the
  /// model that will see them, naming its image file otherwise.
  public static func checkImageSize(
    _ images: LabeledImages, split: Split, directory: URL, expected: Int
  ) throws(MNISTError) {
    guard images.rows != expected || images.columns != expected else { return }
    let path =
      (try? locate(split.imageFile, in: directory).path)
      ?? directory.appendingPathComponent(split.imageFile).path
    throw .imageSize(path: path, rows: images.rows, columns: images.columns, expected: expected)
  }
}
