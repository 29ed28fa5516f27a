import DSDC
import Foundation
import Lessons
import Testing

/// The data behind the report page's explorer: what lessons record, how it is stored,
/// and that a file that does not describe recomputable maps is refused.
@Suite("Explorable maps", .removesTemporaryFolders)
struct ExplorableMapTests {
  /// A 1→2 dilated convolution on a 6×6 ramp, then a 2→3 pointwise step on its output.
  static func twoSteps() -> ExploreFile {
    let x = Tensor(shape: [1, 1, 6, 6], storage: (0..<36).map { Float($0) / 7 - 2 })
    let first = Conv2DGeometry.standard(1, 2, kernel: 3, dilation: 2)
    let w = Tensor(shape: first.weightShape, storage: (0..<18).map { Float($0 % 5) - 1.5 })
    let g = Convolution.forward(input: x, weight: w, geometry: first)
    let second = Conv2DGeometry.pointwise(2, 3)
    let p = Tensor(shape: second.weightShape, storage: [0.5, -1, 2, 0.25, -0.75, 1])
    let bias = Tensor(shape: [3], storage: [0.1, -0.2, 0.3])
    let out = Convolution.forward(input: g, weight: p, bias: bias, geometry: second)
    var file = ExploreFile()
    file.append(
      name: "g", title: "step 1", input: x, weight: w, bias: nil, geometry: first, output: g,
      names: .init(output: "g"), inputFrom: nil)
    file.append(
      name: "out", title: "step 2", input: g, weight: p, bias: bias, geometry: second, output: out,
      names: .init(input: "g", weight: "p"), inputFrom: "g")
    return file
  }

  @Test func valuesRoundTripThroughBase64LittleEndian() {
    let values: [Float] = [0, -0.0, 1, -1.5, .pi, 1e-30, -3.4e38, .infinity]
    let text = ExploreFile.encode(values)
    #expect(ExploreFile.decode(text)!.map(\.bitPattern) == values.map(\.bitPattern))
    // 1.0 is 0x3F800000: little-endian bytes 00 00 80 3F.
    #expect(ExploreFile.encode([1]) == Data([0, 0, 0x80, 0x3F]).base64EncodedString())
    #expect(ExploreFile.decode("AAA=") == nil)  // 2 bytes: not whole Float32s
  }

  @Test func aTensorSharedByTwoMapsIsStoredOnce() throws {
    let file = Self.twoSteps()
    #expect(file.maps[1].input == file.maps[0].output)
    #expect(file.arrays.count == 6)  // x, w, g, p, bias, out
    #expect(file.maps[1].convolution == .pointwise(2, 3))
    try file.validate()
  }

  @Test func filesThatDoNotFitTheirGeometryAreRefused() throws {
    var badShape = Self.twoSteps()
    badShape.maps[0].output.shape = [2, 5, 6]
    var badData = Self.twoSteps()
    badData.arrays[0] = ExploreFile.encode([1, 2, 3])
    var badGeometry = Self.twoSteps()
    badGeometry.maps[0].geometry = [1, 2, 3, 1, 2, 2, 2]  // groups 2 does not divide C = 1
    var badChain = Self.twoSteps()
    badChain.maps[1].inputFrom = "nowhere"
    var hugeKernel = Self.twoSteps()
    hugeKernel.maps[0].geometry[2] = 1_000_000
    for file in [badShape, badData, badGeometry, badChain, hugeKernel] {
      #expect(throws: ExploreError.self) { try file.validate() }
    }
  }

  @Test func thePageEmbedsTheMapsOrSaysWhyNot() throws {
    let root = try ReportFixture.outputFolder()
    let url = root.appendingPathComponent("01-mnist/\(ExploreFile.fileName)")
    try JSONEncoder().encode(Self.twoSteps()).write(to: url)
    let html = ReportFixture.page(root)
    #expect(html.contains("<script type=\"application/json\" id=\"explore-data-lesson-1\">"))
    #expect(html.contains("data-source=\"explore-data-lesson-1\""))
    #expect(html.contains("2 maps of this lesson"))
    var broken = Self.twoSteps()
    broken.maps[1].weight.shape = [3, 2, 1, 2]
    try JSONEncoder().encode(broken).write(to: url)
    let refused = ReportFixture.page(root)
    #expect(!refused.contains("explore-data-lesson-1\">"))
    #expect(refused.contains("The explorer cannot be shown: explore.json is not valid: out: weight holds 6 values"))
  }

  @Test func aNetworksFirstLayersAreRecordedOnItsOwnActivations() throws {
    var generator = SeededGenerator(seed: 3)
    let model = DSDCNet(using: &generator)
    let image = Tensor.randomNormal(shape: [1, 1, 28, 28], std: 1, using: &generator)
    let context = LessonContext(
      settings: LessonSettings(
        dataDirectory: URL(fileURLWithPath: "/nonexistent"), outputDirectory: try makeTemporaryDirectory()))
    context.recordExplorableFirstLayers(of: model, image: image)
    let file = context.explorables
    try file.validate()
    #expect(file.maps.map(\.name) == ["stem", "block1-depthwise", "block1-pointwise"])
    #expect(file.maps.map(\.output.shape) == [[32, 28, 28], [32, 28, 28], [64, 28, 28]])
    #expect(file.maps[2].inputFrom == "block1-depthwise")
    // The depthwise step reads the network's own stem activations (after BatchNorm and ReLU).
    let stem = try #require(model.activations(image: image).first { $0.name == "stem" }?.tensor)
    #expect(ExploreFile.decode(file.arrays[file.maps[1].input.data]) == stem.storage)
    #expect(file.maps[1].convolution == model.blocks[0].depthwise?.geometry)
  }

  @Test(arguments: [(2, 2), (3, 1), (4, 1), (5, 2), (6, 3), (7, 2)])
  func lessonsRecordEveryOutputMap(number: Int, maps: Int) throws {
    let lesson = try #require(LessonOutputTests.lessons[number])
    let output = try makeTemporaryDirectory()
    _ = try runLesson(lesson, .mnist(output: output))
    let file = try ExploreFile.load(
      from: output.appendingPathComponent(lesson.info.folderName).appendingPathComponent(ExploreFile.fileName))
    #expect(file.maps.count == maps)
    // Every stored output is what the reference loops compute from the stored input and weights.
    for map in file.maps {
      let g = try #require(map.convolution)
      let input = Tensor(shape: [1] + map.input.shape, storage: ExploreFile.decode(file.arrays[map.input.data])!)
      let weight = Tensor(shape: map.weight.shape, storage: ExploreFile.decode(file.arrays[map.weight.data])!)
      let bias = map.bias.map { Tensor(shape: $0.shape, storage: ExploreFile.decode(file.arrays[$0.data])!) }
      let stored = Tensor(shape: [1] + map.output.shape, storage: ExploreFile.decode(file.arrays[map.output.data])!)
      expectClose(ReferenceConvolution.forward(input: input, weight: weight, bias: bias, geometry: g), stored)
    }
  }
}
