// Fuzz target `safetensors`: SafetensorsFile(bytes:) on arbitrary bytes, plus the
// header's JSON parser on the raw input. A file that reads must survive a round
// trip: encoded() and read again gives the same tensors, metadata and bytes.
// Built into module DSDC by scripts/fuzz.sh; not part of the package.

@_cdecl("LLVMFuzzerTestOneInput")
public func safetensorsFuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  let input = bytes.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []

  // The parser alone, so JSON shapes are explored without a valid length prefix.
  _ = try? HeaderJSONParser.parse(input)

  let file: SafetensorsFile
  do {
    file = try SafetensorsFile(bytes: input, path: "fuzz.safetensors")
  } catch {
    let text = error.description
    guard text.contains("fuzz.safetensors"),
      !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      fatalError("error text is not one clean line naming the file: \(text.debugDescription)")
    }
    return 0
  }
  let encoded = file.encoded()
  let again: SafetensorsFile
  do {
    again = try SafetensorsFile(bytes: encoded, path: "round trip")
  } catch {
    fatalError("a file that was read cannot be read back after encoded(): \(error)")
  }
  guard again.layoutOrder == file.layoutOrder, again.metadata == file.metadata, again.encoded() == encoded else {
    fatalError("round trip changed the file: \(file.names) → \(again.names)")
  }
  return 0
}
