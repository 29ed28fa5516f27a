// Fuzz target `idx`: IDXFile.read on arbitrary bytes, plain or gzip-compressed.
//
// The reader takes a path (zlib's gzopen decides between gzip and plain bytes), so
// each input is written to a file in /dev/shm (memory), unlinked as soon as it is
// opened, and read back through its /proc/self/fd path: the real code path, and
// nothing left behind however the run ends.
// Built into module DSDC by scripts/fuzz.sh; not part of the package.

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The in-memory file each input is written to, and the path that opens it.
private let scratch: (descriptor: Int32, url: URL) = {
  let path = "/dev/shm/dsdc-fuzz-idx-\(getpid())"
  let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
  precondition(descriptor >= 0, "cannot create \(path): \(String(cString: strerror(errno)))")
  unlink(path)
  return (descriptor, URL(fileURLWithPath: "/proc/self/fd/\(descriptor)"))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func idxFuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  let (descriptor, url) = scratch
  precondition(ftruncate(descriptor, 0) == 0, "ftruncate failed")
  var written = 0
  while written < count, let bytes {
    let n = pwrite(descriptor, bytes + written, count - written, off_t(written))
    precondition(n > 0, "pwrite failed")
    written += n
  }
  readChecked(url, expectedMagic: MNISTDataset.imageMagic, retry: true)
  return 0
}

/// Reads `url` and checks what a successful read promises; on a wrong magic number,
/// reads once more expecting the magic the file has, so every rank and data type
/// reaches the dimension and data checks.
private func readChecked(_ url: URL, expectedMagic: UInt32, retry: Bool) {
  do {
    let file = try IDXFile.read(url, expectedMagic: expectedMagic)
    // A zero extent makes the product 0 whatever the other extents (which may overflow).
    let byteCount = file.dimensions.contains(0) ? 0 : file.dimensions.reduce(1, *)
    guard file.magic == expectedMagic, file.data.count == byteCount,
      file.header.count == 4 + 4 * file.dimensions.count,
      file.dimensions.count == Int(expectedMagic & 0xFF), byteCount <= IDXFile.defaultByteLimit
    else {
      fatalError(
        "IDXFile.read returned an inconsistent file: magic \(file.magic), dimensions \(file.dimensions), "
          + "\(file.data.count) data bytes")
    }
  } catch .badMagic(_, _, let found) where retry && found != expectedMagic {
    readChecked(url, expectedMagic: found, retry: false)
  } catch {
    checkOneLine(error.description)
  }
}

/// Every error the tool prints must be a single line without control characters.
private func checkOneLine(_ text: String) {
  guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
    fatalError("error text is not one clean line: \(text.debugDescription)")
  }
}
