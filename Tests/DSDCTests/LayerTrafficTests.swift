import DSDC
import Testing

@Suite("Layer traffic")
struct LayerTrafficTests {
  @Test func depthwiseLayerByHand() {
    // Depthwise 3×3 on 2 channels of 5×5 (padding 1): 2·5·5·9 = 450 multiply-adds an image,
    // 18 weights; a batch of 3 reads 3·50 = 150 numbers and writes 150.
    #expect(Conv2DGeometry.depthwise(2, kernel: 3).multiplyAdds(height: 5, width: 5) == 450)
    let layer = LayerTraffic(
      name: "dw", inputElements: 50, outputElements: 50, parameters: 18, multiplyAdds: 450, batch: 3,
      inputGradient: true)
    #expect(layer.forwardFLOPs == 2 * 3 * 450)  // 2,700
    #expect(layer.forwardBytes == 4 * (150 + 18 + 150))  // 1,272
    // Backward: weight and input gradient, each as many multiply-adds as the forward pass;
    // reads dOutput 150, input 150, weights 18; writes weight gradient 18, dInput 150.
    #expect(layer.backwardFLOPs == 5_400)
    #expect(layer.backwardBytes == 4 * 486)
    let first = LayerTraffic(
      name: "dw", inputElements: 50, outputElements: 50, parameters: 18, multiplyAdds: 450, batch: 3,
      inputGradient: false)
    #expect(first.backwardFLOPs == 2_700)  // the weight gradient alone
    #expect(first.backwardBytes == 4 * (150 + 150 + 18))  // dOutput, input; weight gradient
  }

  @Test func layerWithoutParametersNeitherReadsItsInputBackward() {
    // Global average pooling of 2 channels of 5×5, batch 3: 150 in, 6 out; backward reads
    // dOutput (6) and writes dInput (150).
    let pool = LayerTraffic(
      name: "pool", inputElements: 50, outputElements: 2, parameters: 0, multiplyAdds: 0, batch: 3,
      inputGradient: true)
    #expect(pool.forwardFLOPs == 0 && pool.backwardFLOPs == 0)
    #expect(pool.forwardBytes == 4 * 156 && pool.backwardBytes == 4 * 156)
  }

  @Test func miniatureNetworkByHand() {
    // 8×8 images, stem 1→3, block1 3→4 (D2, pools to 4×4), block2 4→5, classifier 5→3;
    // a batch of 2.
    let model = TinyNet.model(TinyNet.miniature)
    let traffic = Dictionary(uniqueKeysWithValues: model.traffic(batch: 2).map { ($0.name, $0) })
    // stem: 3·64·9 = 1,728 multiply-adds, 27 weights; 64 in, 192 out; no input gradient.
    #expect(traffic["stem"]?.forwardFLOPs == 6_912 && traffic["stem"]?.backwardFLOPs == 6_912)
    #expect(traffic["stem"]?.forwardBytes == 4 * (128 + 27 + 384))
    #expect(traffic["stem"]?.backwardBytes == 4 * (384 + 128 + 27))
    // block1.depthwise: 3·64·9 = 1,728, 27 weights, 192 in and out.
    #expect(traffic["block1.depthwise"]?.backwardFLOPs == 13_824)
    #expect(traffic["block1.depthwise"]?.backwardBytes == 4 * (384 + 411 + 411))
    // block1.pointwise: 4·64·3 = 768, 12 weights, 192 in, 256 out.
    #expect(traffic["block1.pointwise"]?.forwardFLOPs == 3_072)
    #expect(traffic["block1.pointwise"]?.forwardBytes == 4 * (384 + 12 + 512))
    // block1.bn with its max-pool: 256 in, 64 out, γ and β of 4 channels; no FLOPs counted.
    #expect(traffic["block1.bn"]?.forwardFLOPs == 0 && traffic["block1.bn"]?.backwardFLOPs == 0)
    #expect(traffic["block1.bn"]?.forwardBytes == 4 * (512 + 8 + 128))
    #expect(traffic["block1.bn"]?.backwardBytes == 4 * (128 + 520 + 520))
    #expect(traffic["block1.pool"] == nil)
    // block2.bn, no pool: 5·4·4 = 80 in and out, 10 parameters.
    #expect(traffic["block2.bn"]?.forwardBytes == 4 * (160 + 10 + 160))
    // classifier: 5·3 = 15 multiply-adds, 15 + 3 parameters.
    #expect(traffic["classifier"]?.forwardFLOPs == 60 && traffic["classifier"]?.backwardFLOPs == 120)
    #expect(traffic["classifier"]?.backwardBytes == 4 * (6 + 28 + 28))
  }

  @Test func layersAreTheOnesTheClockTimes() {
    let model = TinyNet.model(TinyNet.miniature)
    let clock = LayerClock()
    model.layerClock = clock
    var rng = SeededGenerator(seed: 4)
    _ = model.computeGradients(
      input: Tensor.randomNormal(shape: model.inputShape(batch: 2), using: &rng), labels: [0, 2])
    #expect(model.traffic(batch: 2).map(\.name) == clock.layers)
  }

  @Test func dsdcNetTrainingImageByHand() {
    // Forward 2·4,636,288 FLOP an image; backward twice that, less the stem's input
    // gradient (2·28·28·32·9 = 451,584 FLOP): 27,366,144 FLOP a training image.
    let traffic = TinyNet.model(DSDCNetConfig()).traffic(batch: 1)
    #expect(traffic.reduce(0) { $0 + $1.forwardFLOPs } == 9_272_576)
    #expect(traffic.reduce(0) { $0 + $1.forwardFLOPs + $1.backwardFLOPs } == 27_366_144)
  }
}
