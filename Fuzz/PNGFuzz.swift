// Fuzz target `png`: PNGFile.decode on arbitrary bytes, as gray and as RGB. An image
// that decodes must survive a round trip through encode and decode unchanged.
// Built into module DSDC by scripts/fuzz.sh; not part of the package.

/// Pixel limit while fuzzing: 2048 × 2048. Larger headers take the same refusal path
/// as at the default limit (10⁸) without allocating hundreds of megabytes per input.
private let fuzzPixelLimit = 1 << 22

@_cdecl("LLVMFuzzerTestOneInput")
public func pngFuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  let input = bytes.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
  for channels in [1, 3] {
    let image: RasterImage
    do {
      image = try PNGFile.decode(input, channels: channels, pixelLimit: fuzzPixelLimit, name: "fuzz.png")
    } catch let error as PNGError {
      let text = error.description
      guard text.contains("fuzz.png"),
        !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
      else {
        fatalError("error text is not one clean line naming the file: \(text.debugDescription)")
      }
      continue
    } catch {
      fatalError("PNGFile.decode threw a non-PNGError: \(error)")
    }
    guard image.channels == channels, image.width > 0, image.height > 0,
      image.width * image.height <= fuzzPixelLimit
    else { fatalError("decoded an inconsistent image \(image.width)×\(image.height)×\(image.channels)") }
    do {
      let back = try PNGFile.decode(try PNGFile.encode(image), channels: channels, name: "round trip")
      guard back == image else { fatalError("round trip changed a \(image.width)×\(image.height) image") }
    } catch {
      fatalError("a decoded image does not survive encode and decode: \(error)")
    }
  }
  return 0
}
