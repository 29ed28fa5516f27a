import DSDC
import Testing

@Suite("Network reach")
struct NetworkReachTests {
  /// By hand for the default DSDC-Net (lesson 6's table): stem r = 3; block 1 D 2:
  /// 3 + 2·2 = 7; pool 8 (j 2); block 2 D 2: 8 + 2·2·2 = 16; pool 18 (j 4); block 3
  /// D 1: 18 + 1·2·4 = 26. Without dilation: 3, 5, 6, 10, 12, 20.
  @Test func defaultNetworkReaches26And20WithoutDilation() {
    let config = DSDCNetConfig()
    let field = NetworkReach.lastBlock(config)
    #expect(field == ReceptiveField(size: 26, jump: 4, start: -11))
    #expect(NetworkReach.lastBlock(NetworkReach.undilated(config)).size == 20)
    #expect(NetworkReach.outputLength(config) == 7)
    #expect(NetworkReach.layers(config).count == 1 + 3 * 2 + 2)
  }

  /// The model's own summary agrees with the walk after every block.
  @Test func agreesWithTheModelSummary() {
    var generator = SeededGenerator(seed: 0)
    let summary = DSDCNet(using: &generator).summary
    let walk = ReceptiveField.trace(NetworkReach.layers(DSDCNetConfig()))
    let names = NetworkReach.layers(DSDCNetConfig()).map(\.name)
    for (name, field) in zip(names, walk) {
      #expect(summary.rows.first { $0.name == name }?.receptiveField == field.size, "\(name)")
    }
  }

  /// Output i of block 3 reads −11 + 4i … 14 + 4i. By hand, inside 0…27: i = 0 reads
  /// 0…14 (15), i = 1 0…18 (19), i = 2 0…22 (23), i = 3 1…26 (26), then symmetric.
  @Test func realPixelsPerPosition() {
    let field = NetworkReach.lastBlock(DSDCNetConfig())
    #expect((0..<7).map { NetworkReach.coverage(field, index: $0, length: 28) } == [15, 19, 23, 26, 23, 19, 15])
    #expect(NetworkReach.coverage(ReceptiveField(size: 3, jump: 1, start: -1), index: 0, length: 5) == 2)
    #expect(NetworkReach.coverage(ReceptiveField(size: 3, jump: 1, start: -10), index: 0, length: 5) == 0)
  }

  /// Together the 7 windows cover all 28 pixels; one window alone (the centre) does not.
  @Test func globalPoolSeesTheWholeImage() {
    let field = NetworkReach.lastBlock(DSDCNetConfig())
    #expect(NetworkReach.wholeImage(field, outputs: 7, length: 28))
    #expect(!NetworkReach.wholeImage(ReceptiveField(size: 26, jump: 4, start: 1), outputs: 1, length: 28))
  }
}
