import Foundation

/// One convolution's output map as the report page's explorer needs it: the input,
/// the weights (and bias), the geometry and the program's output, so the page can
/// recompute any output it is asked about and compare:
/// ```
/// out[0, o, i, j] = b[o] + Σ_{c ∈ group(o)} Σ_{u,v} w[o, c − c0, u, v] · x[0, c, i·S + u·D − P, j·S + v·D − P]
/// ```
/// Tensors are stored once per lesson in `ExploreFile.arrays` and referred to by index.
public struct ExplorableMap: Codable, Sendable, Equatable {
  /// The symbols the page writes the formula with (lesson 5's `k`, `g`, `p`, …).
  public struct Names: Codable, Sendable, Equatable {
    /// The input tensor's letter, e.g. `x` or `g`.
    public var input: String
    /// The weight's letter, e.g. `w`, `k`, `p`.
    public var weight: String
    /// The bias's letter, e.g. `b` or `b'`.
    public var bias: String
    /// The output's letter, e.g. `out` or `g`.
    public var output: String

    public init(input: String = "x", weight: String = "w", bias: String = "b", output: String = "out") {
      self.input = input
      self.weight = weight
      self.bias = bias
      self.output = output
    }
  }

  /// A tensor of the map: its shape and the index of its data in `ExploreFile.arrays`.
  public struct Ref: Codable, Sendable, Equatable {
    /// `(C, H, W)` for maps, `(N, C/groups, K, K)` for the weight, `(N)` for the bias.
    public var shape: [Int]
    /// Index into `ExploreFile.arrays`.
    public var data: Int
  }

  /// A name unique in the lesson, e.g. `maps`; another map's `inputFrom` refers to it.
  public var name: String
  /// The heading shown above the explorer.
  public var title: String
  /// `[C, N, K, S, P, D, groups]`.
  public var geometry: [Int]
  /// The formula's symbols.
  public var names: Names
  public var input: Ref
  public var weight: Ref
  public var bias: Ref?
  public var output: Ref
  /// The map (of the same lesson) whose output is this map's input, to be shown as the step before.
  public var inputFrom: String?

  /// The geometry as `Conv2DGeometry`, `nil` if its numbers are out of bounds.
  public var convolution: Conv2DGeometry? {
    guard geometry.count == 7 else { return nil }
    let (c, n, k, s, p, d, groups) = (
      geometry[0], geometry[1], geometry[2], geometry[3], geometry[4], geometry[5],
      geometry[6]
    )
    let bounded =
      (1...ExploreFile.maxChannels).contains(c) && (1...ExploreFile.maxChannels).contains(n)
      && (1...15).contains(k) && (1...8).contains(s) && (0...64).contains(p) && (1...16).contains(d)
      && groups >= 1 && c % groups == 0 && n % groups == 0
    return bounded
      ? Conv2DGeometry(inChannels: c, outChannels: n, kernel: k, stride: s, padding: p, dilation: d, groups: groups)
      : nil
  }
}

/// The explorable maps one lesson recorded, saved as `explore.json` beside `lesson.json`.
public struct ExploreFile: Codable, Sendable, Equatable {
  /// The maps, in the order the lesson recorded them.
  public var maps: [ExplorableMap] = []
  /// Every tensor's values: little-endian Float32, base64.
  public var arrays: [String] = []

  /// The file name inside the lesson folder.
  public static let fileName = "explore.json"
  /// Largest channel count a map may have.
  public static let maxChannels = 512
  /// Largest map side.
  public static let maxSide = 256
  /// Largest file the report embeds (bytes).
  public static let maxBytes = 8_000_000

  public init() {}

  /// Adds one map; tensors already stored (the output of one map is often the next one's input) are reused.
  public mutating func append(
    name: String, title: String, input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2DGeometry,
    output: Tensor, names: ExplorableMap.Names, inputFrom: String?
  ) {
    precondition(
      input.shape.count == 4 && input.shape[0] == 1 && output.shape.count == 4 && output.shape[0] == 1,
      "explorable maps are one image, (1, C, H, W): input \(input.shape), output \(output.shape)")
    precondition(
      weight.shape == g.weightShape && input.shape[1] == g.inChannels
        && output.shape == [1, g.outChannels, g.outputLength(input.shape[2]), g.outputLength(input.shape[3])],
      "explorable \(name): shapes input \(input.shape), weight \(weight.shape), output \(output.shape) do not fit \(g)")
    precondition(!maps.contains { $0.name == name }, "explorable map \(name) recorded twice")
    precondition(
      inputFrom == nil || maps.contains { $0.name == inputFrom }, "inputFrom \(inputFrom!) is not recorded yet")
    maps.append(
      ExplorableMap(
        name: name, title: title,
        geometry: [g.inChannels, g.outChannels, g.kernel, g.stride, g.padding, g.dilation, g.groups], names: names,
        input: ref(input, shape: Array(input.shape.dropFirst())), weight: ref(weight, shape: weight.shape),
        bias: bias.map { ref($0, shape: [$0.count]) }, output: ref(output, shape: Array(output.shape.dropFirst())),
        inputFrom: inputFrom))
  }

  private mutating func ref(_ tensor: Tensor, shape: [Int]) -> ExplorableMap.Ref {
    let encoded = Self.encode(tensor.storage)
    if let index = arrays.firstIndex(of: encoded) { return .init(shape: shape, data: index) }
    arrays.append(encoded)
    return .init(shape: shape, data: arrays.count - 1)
  }

  /// Values as little-endian Float32 bytes, base64.
  public static func encode(_ values: [Float]) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * 4)
    for value in values {
      let bits = value.bitPattern.littleEndian
      for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * k))) }
    }
    return Data(bytes).base64EncodedString()
  }

  /// The values `encode` wrote, or `nil` if `text` is not base64 of whole Float32s.
  public static func decode(_ text: String) -> [Float]? {
    guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
    let bytes = [UInt8](data)
    return stride(from: 0, to: bytes.count, by: 4).map { k in
      Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[k + $1]) << (8 * $1) })
    }
  }

  /// Reads a file a lesson wrote, checking everything the page relies on (it is outside input).
  public static func load(from url: URL) throws -> ExploreFile {
    let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    guard size <= maxBytes else { throw ExploreError.invalid("the file is \(size) bytes, more than \(maxBytes)") }
    let file = try JSONDecoder().decode(ExploreFile.self, from: Data(contentsOf: url))
    try file.validate()
    return file
  }

  /// Throws `ExploreError.invalid` unless every map's shapes fit its geometry and its arrays.
  public func validate() throws {
    var counts: [Int: Int] = [:]
    func count(_ ref: ExplorableMap.Ref, _ what: String, _ map: String) throws -> Int {
      guard arrays.indices.contains(ref.data) else { throw ExploreError.invalid("\(map): \(what) refers to no array") }
      guard ref.shape.count <= 4, ref.shape.allSatisfy({ (1...Self.maxSide * Self.maxSide).contains($0) }) else {
        throw ExploreError.invalid("\(map): \(what) has shape \(ref.shape)")
      }
      if counts[ref.data] == nil {
        guard let values = Self.decode(arrays[ref.data]) else {
          throw ExploreError.invalid("\(map): \(what) is not base64 Float32 data")
        }
        counts[ref.data] = values.count
      }
      guard counts[ref.data] == ref.shape.reduce(1, *) else {
        throw ExploreError.invalid(
          "\(map): \(what) holds \(counts[ref.data]!) values, its shape \(ref.shape) needs \(ref.shape.reduce(1, *))")
      }
      return ref.shape.count
    }
    for (index, map) in maps.enumerated() {
      guard let g = map.convolution else { throw ExploreError.invalid("\(map.name): bad geometry \(map.geometry)") }
      guard try count(map.input, "input", map.name) == 3, try count(map.output, "output", map.name) == 3,
        try count(map.weight, "weight", map.name) == 4, try map.bias.map({ try count($0, "bias", map.name) }) ?? 1 == 1
      else { throw ExploreError.invalid("\(map.name): a tensor has the wrong rank") }
      let (h, w) = (map.input.shape[1], map.input.shape[2])
      guard h <= Self.maxSide, w <= Self.maxSide, map.input.shape[0] == g.inChannels, map.weight.shape == g.weightShape,
        map.output.shape == [g.outChannels, g.outputLength(h), g.outputLength(w)],
        map.bias == nil || map.bias!.shape == [g.outChannels]
      else { throw ExploreError.invalid("\(map.name): shapes do not fit the geometry \(g)") }
      if let from = map.inputFrom {
        guard let earlier = maps[..<index].first(where: { $0.name == from }), earlier.output == map.input else {
          throw ExploreError.invalid("\(map.name): inputFrom \(from) is not an earlier map whose output is its input")
        }
      }
    }
  }
}

/// Why `explore.json` cannot be shown.
public enum ExploreError: Error, CustomStringConvertible {
  /// The file decodes but does not describe maps the page can recompute.
  case invalid(String)

  public var description: String {
    switch self {
    case .invalid(let reason):
      return "explore.json is not valid: \(reason) — HINT: run the lesson again to rewrite it"
    }
  }
}

extension LessonContext {
  /// Records an output map for the report page's explorer, where any of its pixels can be
  /// clicked to see its formula filled in and recomputed. One call per map; `inputFrom`
  /// names the earlier map (of this lesson) whose output `input` is, shown as the step before.
  public func recordExplorable(
    _ name: String, title: String, input: Tensor, weight: Tensor, bias: Tensor? = nil, geometry: Conv2DGeometry,
    output: Tensor, names: ExplorableMap.Names = .init(), inputFrom: String? = nil
  ) {
    explorables.append(
      name: name, title: title, input: input, weight: weight, bias: bias, geometry: geometry, output: output,
      names: names, inputFrom: inputFrom)
  }
}

extension LessonContext {
  /// Records a trained network's first convolutions on one image for the explorer: the
  /// stem on the normalised image, then block 1's depthwise step on the stem's activated
  /// maps and its pointwise step on that (shown with the depthwise sums it reads).
  /// - Parameter image: `(1, 1, 28, 28)`, normalised as the network was trained
  public func recordExplorableFirstLayers(of model: DSDCNet, image: Tensor) {
    let stem = model.stem
    let stemOutput = Convolution.forward(
      input: image, weight: stem.weight.value, bias: stem.bias?.value, geometry: stem.geometry)
    recordExplorable(
      "stem", title: "The trained stem: \(stem.geometry) on the normalised digit x̂", input: image,
      weight: stem.weight.value, bias: stem.bias?.value, geometry: stem.geometry, output: stemOutput,
      names: .init(input: "x̂", output: "stem"))
    guard let block = model.blocks.first, let depthwise = block.depthwise, let pointwise = block.pointwise,
      let activated = model.activations(image: image).first(where: { $0.name == "stem" })?.tensor
    else { return }
    let input = activated.reshaped([1] + activated.shape)  // (1, 32, 28, 28): after BatchNorm and ReLU
    let g = Convolution.forward(
      input: input, weight: depthwise.weight.value, bias: depthwise.bias?.value, geometry: depthwise.geometry)
    recordExplorable(
      "\(block.name)-depthwise", title: "Trained \(block.name), depthwise step: \(depthwise.geometry)", input: input,
      weight: depthwise.weight.value, bias: depthwise.bias?.value, geometry: depthwise.geometry, output: g,
      names: .init(input: "a", weight: "k", output: "g"))
    let out = Convolution.forward(
      input: g, weight: pointwise.weight.value, bias: pointwise.bias?.value, geometry: pointwise.geometry)
    recordExplorable(
      "\(block.name)-pointwise", title: "Trained \(block.name), pointwise step: \(pointwise.geometry)", input: g,
      weight: pointwise.weight.value, bias: pointwise.bias?.value, geometry: pointwise.geometry, output: out,
      names: .init(input: "g", weight: "p"), inputFrom: "\(block.name)-depthwise")
  }
}
