import CPNG

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads and writes PNG files with libpng's simplified API (`png_image`), which catches
/// libpng's internal errors itself and reports them in `png_image.message`.
///
/// ```
/// try PNGFile.write(image, to: "Output/01-pixels/digit.png")
/// let back = try PNGFile.read("Output/01-pixels/digit.png", channels: 1)
/// ```
/// Writing produces an 8-bit gray or 8-bit RGB PNG and is atomic (see `AtomicFile`): the
/// final path holds either its previous content or the complete new image, never a part.
///
/// Reading accepts any PNG — gray, gray+alpha, RGB, RGBA, palette, 1…16 bits — and converts
/// it to the 8 bits per channel the caller asks for, with libpng's conversions:
/// - **colour → gray**: libpng's Rec. 709 luminance on linear light. Gray pixels `(v, v, v)`
///   read as `v`; otherwise each 8-bit channel goes to 8-bit linear light (power 2.2) and
///   ```
///   Y = ⌊(6968 R + 23434 G + 2366 B + 16384) / 32768⌋,   gray = round(255 · (Y / 255)^(1/2.2))
///   ```
///   so pure red reads as 126, green as 219, blue as 76.
/// - **gray → colour**: `v` becomes `(v, v, v)`.
/// - **alpha**: composited over white (`(255, 255, 255)`): alpha 0 reads as white, alpha 255 as
///   the pixel's own colour, partial alpha is blended in linear light (black at alpha 128
///   reads as about 186, not 128).
/// - **16 bits**: samples of a file without gAMA/sRGB chunks are taken as sRGB-encoded, so
///   `v16` reads as `round(v16 / 257)`; files with gamma information are converted accordingly.
public enum PNGFile {
  /// Images with more pixels than this are refused by default: 10,000 × 10,000 = 10⁸.
  public static let defaultPixelLimit = 100_000_000

  /// Saves `image` as an 8-bit gray (1 channel) or RGB (3 channels) PNG, atomically.
  ///
  /// The parent folder must exist. Throws `PNGError.writeFailed(path:message:)` with the
  /// operating system's or libpng's message; nothing is left behind on failure.
  public static func write(_ image: RasterImage, to path: String) throws {
    let bytes = try encode(image, path: path)
    do {
      try AtomicFile.replace(path, with: bytes)
    } catch {
      throw PNGError.writeFailed(path: path, message: error.message)
    }
  }

  /// The complete PNG file for `image` as bytes (8-bit gray or RGB), without touching disk.
  public static func encode(_ image: RasterImage) throws -> [UInt8] {
    try encode(image, path: "(memory)")
  }

  /// Loads a PNG file as 8-bit gray (`channels: 1`) or 8-bit RGB (`channels: 3`).
  ///
  /// Throws `PNGError.notPNG` when the file lacks the PNG signature (empty, text, another
  /// format), `.tooLarge` when the header declares more than `pixelLimit` pixels (checked
  /// before any pixel memory is allocated), `.readFailed` when the file cannot be opened or
  /// decoded (missing, truncated, corrupt).
  public static func read(
    _ path: String, channels: Int = 3, pixelLimit: Int = defaultPixelLimit
  ) throws -> RasterImage {
    try checkSignature(path)
    return try decode(channels: channels, pixelLimit: pixelLimit, path: path) { png in
      png_image_begin_read_from_file(&png, path)
    }
  }

  /// Decodes PNG bytes held in memory, with the same conversions and limits as `read`;
  /// `name` only labels errors.
  public static func decode(
    _ bytes: [UInt8], channels: Int = 3, pixelLimit: Int = defaultPixelLimit,
    name: String = "(memory)"
  ) throws -> RasterImage {
    guard bytes.count >= 8, Array(bytes.prefix(8)) == signature else {
      throw PNGError.notPNG(path: name)
    }
    try checkChunkLengths(size: bytes.count, path: name) { Array(bytes[$0..<$0 + 8]) }
    // libpng keeps reading from this buffer until finish_read, so all of it happens inside.
    return try bytes.withUnsafeBytes { raw in
      try decode(channels: channels, pixelLimit: pixelLimit, path: name) { png in
        png_image_begin_read_from_memory(&png, raw.baseAddress, raw.count)
      }
    }
  }

  /// The 8 bytes every PNG file starts with: `\x89 P N G \r \n \x1a \n`.
  public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  // MARK: - libpng calls

  private static func encode(_ image: RasterImage, path: String) throws -> [UInt8] {
    precondition(
      image.width > 0 && image.height > 0,
      "cannot encode an empty \(image.width)×\(image.height) image as PNG")
    var png = png_image()
    png.version = png_uint_32(PNG_IMAGE_VERSION)
    png.width = png_uint_32(image.width)
    png.height = png_uint_32(image.height)
    png.format = image.channels == 1 ? png_uint_32(PNG_FORMAT_GRAY) : png_uint_32(PNG_FORMAT_RGB)
    let stride = png_int_32(image.width * image.channels)

    // First pass measures the compressed size, second pass writes into a buffer of that size.
    var size: png_alloc_size_t = 0
    var ok = image.pixels.withUnsafeBytes { src in
      png_image_write_to_memory(&png, nil, &size, 0, src.baseAddress, stride, nil)
    }
    guard ok != 0 else {
      let text = message(of: &png)
      png_image_free(&png)
      throw PNGError.writeFailed(path: path, message: text)
    }
    var out = [UInt8](repeating: 0, count: Int(size))
    ok = out.withUnsafeMutableBytes { dst in
      image.pixels.withUnsafeBytes { src in
        png_image_write_to_memory(&png, dst.baseAddress, &size, 0, src.baseAddress, stride, nil)
      }
    }
    guard ok != 0 else {
      let text = message(of: &png)
      png_image_free(&png)
      throw PNGError.writeFailed(path: path, message: text)
    }
    out.removeLast(out.count - Int(size))
    return out
  }

  private static func decode(
    channels: Int, pixelLimit: Int, path: String, begin: (inout png_image) -> Int32
  ) throws -> RasterImage {
    precondition(channels == 1 || channels == 3, "PNG read channels must be 1 or 3, got \(channels)")
    var png = png_image()
    png.version = png_uint_32(PNG_IMAGE_VERSION)
    defer { png_image_free(&png) }
    guard begin(&png) != 0 else {
      throw PNGError.readFailed(path: path, message: message(of: &png))
    }
    let (width, height) = (Int(png.width), Int(png.height))
    guard width * height <= pixelLimit, width * channels <= Int(Int32.max) else {
      throw PNGError.tooLarge(path: path, width: width, height: height, limit: pixelLimit)
    }
    png.format = channels == 1 ? png_uint_32(PNG_FORMAT_GRAY) : png_uint_32(PNG_FORMAT_RGB)
    png.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
    var white = png_color(red: 255, green: 255, blue: 255)
    var pixels = [UInt8](repeating: 0, count: width * height * channels)
    let ok = pixels.withUnsafeMutableBytes { dst in
      png_image_finish_read(&png, &white, dst.baseAddress, png_int_32(width * channels), nil)
    }
    guard ok != 0 else {
      throw PNGError.readFailed(path: path, message: message(of: &png))
    }
    return RasterImage(width: width, height: height, channels: channels, pixels: pixels)
  }

  /// Opens `path` and compares its first 8 bytes with the PNG signature.
  private static func checkSignature(_ path: String) throws {
    if let problem = InputFile.problem(path) { throw PNGError.readFailed(path: path, message: problem) }
    guard let file = fopen(path, "rb") else {
      throw PNGError.readFailed(path: path, message: AtomicFile.systemMessage(errno))
    }
    defer { fclose(file) }
    var head = [UInt8](repeating: 0, count: 8)
    let count = head.withUnsafeMutableBytes { fread($0.baseAddress, 1, 8, file) }
    if count < 8 && ferror(file) != 0 {
      throw PNGError.readFailed(path: path, message: AtomicFile.systemMessage(errno))
    }
    guard count == 8, head == signature else { throw PNGError.notPNG(path: path) }
    guard fseek(file, 0, SEEK_END) == 0 else { return }
    try checkChunkLengths(size: ftell(file), path: path) { offset in
      var header = [UInt8](repeating: 0, count: 8)
      guard fseek(file, offset, SEEK_SET) == 0,
        header.withUnsafeMutableBytes({ fread($0.baseAddress, 1, 8, file) }) == 8
      else { return nil }
      return header
    }
  }

  /// Refuses a chunk that claims more bytes than follow it in the input. libpng allocates
  /// and zeroes a chunk's claimed length (up to 2 GiB) before reading its data, so without
  /// this an 82-byte file with a damaged tEXt length costs 2 GB of memory.
  /// A chunk whose 8-byte header is there but whose data and CRC are cut off counts
  /// too (the file ends inside it: libpng would still allocate the claimed length).
  /// `header(offset)` returns the 8 bytes (length, type) of the chunk at `offset`.
  private static func checkChunkLengths(size: Int, path: String, header: (Int) -> [UInt8]?) throws {
    var offset = 8
    while offset + 8 <= size, let head = header(offset) {
      let length = head.prefix(4).reduce(0) { $0 << 8 | Int($1) }
      let type = String(
        decoding: head.suffix(4).map { (0x21...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
      guard length <= size - offset - 12 else {
        throw PNGError.readFailed(
          path: path,
          message: "\(type): chunk length \(length) exceeds the \(max(0, size - offset - 12)) bytes that follow")
      }
      if type == "IEND" { return }
      offset += 12 + length
    }
  }

  /// libpng's error text from the 64-byte, NUL-terminated `message` field.
  private static func message(of png: inout png_image) -> String {
    let text = withUnsafeBytes(of: &png.message) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    return text.isEmpty ? "libpng reported an error without a message" : text
  }
}

extension RasterImage {
  /// Saves the image as a PNG file, atomically: `try image.writePNG(to: "Output/x.png")`.
  /// Throws `PNGError` (see `PNGFile.write`).
  public func writePNG(to path: String) throws {
    try PNGFile.write(self, to: path)
  }

  /// Loads a PNG file as 8-bit gray (`channels: 1`) or RGB (`channels: 3`), converting as
  /// `PNGFile` documents: `let digit = try RasterImage(pngFile: "digit.png", channels: 1)`.
  public init(pngFile path: String, channels: Int = 3, pixelLimit: Int = PNGFile.defaultPixelLimit)
    throws
  {
    self = try PNGFile.read(path, channels: channels, pixelLimit: pixelLimit)
  }
}
