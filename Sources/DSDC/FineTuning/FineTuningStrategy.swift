/// How much of a trained DSDC-Net a fine-tuning run may change, from nothing reused
/// to everything trained:
///
/// | strategy           | trained                                   | frozen                          |
/// |--------------------|-------------------------------------------|---------------------------------|
/// | `scratch`          | everything, from a random initialisation  | —                               |
/// | `head`             | the classifier (a linear probe)           | stem, blocks, every BatchNorm   |
/// | `head-bn`          | as `head`, after BatchNorm statistics are re-estimated on the new images | as `head` |
/// | `pointwise`        | pointwise 1×1 kernels, BatchNorms, head   | stem 3×3 and depthwise kernels  |
/// | `pointwise-random` | as `pointwise`                            | stem and depthwise kernels, drawn at random from the seed |
/// | `full`             | everything, backbone at 0.5× the rate     | —                               |
///
/// Frozen means no gradient is computed or applied (`Parameter.isFrozen`), and the
/// backward pass stops below the earliest trainable layer — `head` runs no backward
/// pass through the backbone at all, which is where its speed comes from.
///
/// In `head` the BatchNorms also keep their MNIST running statistics
/// (`BatchNorm2d.usesRunningStatistics`): a frozen backbone is a fixed function, and
/// batch statistics from the new images would change its features (and its stored
/// statistics) without any weight moving. In `pointwise` and `full` BatchNorm trains
/// as usual: its `γ`, `β` are trainable, and renormalising to the new images is the
/// cheapest adaptation there is.
///
/// `pointwise` freezes the stem too: it is a standard 3×3 convolution, i.e. spatial
/// filters like the depthwise ones, so the strategy asks one clean question — can new
/// channel mixing on top of MNIST's spatial filters learn the new task?
///
/// Two controls separate what the parent's weights contribute from what the trainable
/// set can do on its own:
/// - `pointwise-random` trains exactly `pointwise`'s parameters, but its frozen stem and
///   depthwise kernels are redrawn from the seed (PyTorch's default initialisation,
///   as `scratch` draws them) instead of MNIST's: the difference between the two is
///   what MNIST's spatial filtering is worth.
/// - `head-bn` is `head` with every BatchNorm's running statistics first re-estimated
///   on the new task's training images (`DSDCNet.reestimateBatchNormStatistics`), then
///   kept fixed: a linear probe of the same frozen weights on features normalised for
///   clothes instead of digits.
public enum FineTuningStrategy: String, Sendable, CaseIterable, Codable {
  /// The same network, randomly initialised: the baseline that reuses nothing.
  case scratch
  /// Only the classifier learns; the backbone is a fixed feature extractor.
  case head
  /// `head` after re-estimating the BatchNorm running statistics on the new images.
  case headBN = "head-bn"
  /// Spatial filters (stem, depthwise) frozen; channel mixing, BatchNorm and head learn.
  case pointwise
  /// `pointwise` on frozen random spatial filters (drawn from the seed): the control.
  case pointwiseRandom = "pointwise-random"
  /// Everything learns, the pretrained backbone at `backboneLearningRateScale`.
  case full

  /// The backbone's learning rate in `full`, as a fraction of the head's. The head
  /// starts from scratch (its MNIST weights name digits, not clothes) and gets the
  /// full rate; discriminative fine-tuning moves the pretrained backbone more slowly.
  /// One seed of each setting was measured (Fashion-MNIST, the default MNIST parent,
  /// the fine-tuning lesson's budget of 1,000 images × 5 epochs, seed 0; test
  /// accuracy): 0.1× 66.5%, 0.3× 71.5%, 0.5× 73.1%, 0.7× 74.2%, 1× 74.9% (pointwise
  /// 74.4%, scratch 71.6%) — single runs, without the seed spread a verdict needs.
  /// 0.5× keeps the backbone slower than the head, as the strategy asks;
  /// `dsdc finetune --backbone-lr-scale` tries others.
  public static let backboneLearningRateScale = 0.5

  /// Whether `parent`'s weights are loaded (false only for `scratch`).
  public var reusesParent: Bool { self != .scratch }

  /// Whether the stem and depthwise kernels are redrawn from the seed instead of the
  /// parent's (true only for `pointwise-random`).
  public var randomizesSpatialFilters: Bool { self == .pointwiseRandom }

  /// Whether the BatchNorm running statistics are re-estimated on the new task's
  /// training images before training (true only for `head-bn`).
  public var reestimatesBatchNormStatistics: Bool { self == .headBN }

  /// Whether the BatchNorms keep their running statistics during training instead of
  /// normalising with each batch's (the frozen-backbone strategies).
  public var keepsBatchNormStatistics: Bool { self == .head || self == .headBN }

  /// One line for tables and help.
  public var summary: String {
    switch self {
    case .scratch: return "same network, random initialisation, everything trained"
    case .head: return "backbone frozen (BatchNorm statistics too), classifier trained: a linear probe"
    case .headBN: return "head, BatchNorm statistics first re-estimated on the new training images"
    case .pointwise: return "stem and depthwise kernels frozen; pointwise, BatchNorm and classifier trained"
    case .pointwiseRandom: return "pointwise, but the frozen stem and depthwise kernels random (from the seed)"
    case .full: return "everything trained, backbone at \(Self.backboneLearningRateScale)× the classifier's rate"
    }
  }

  /// Whether the parameter named `name` (a `state_dict` name) is frozen.
  public func freezes(_ name: String) -> Bool {
    switch self {
    case .scratch, .full: return false
    case .head, .headBN: return !name.hasPrefix("classifier.")
    case .pointwise, .pointwiseRandom: return name.hasPrefix("stem.") || name.contains(".depthwise.")
    }
  }

  /// Sets every parameter's `isFrozen` and `learningRateScale`, and each BatchNorm's
  /// use of running statistics, for this strategy (undoing any earlier strategy).
  /// `backboneScale` is the backbone's rate in `full` (ignored by the others).
  public func apply(to model: DSDCNet, backboneScale: Double = Self.backboneLearningRateScale) {
    for parameter in model.parameters {
      parameter.isFrozen = freezes(parameter.name)
      parameter.learningRateScale = self == .full && !parameter.name.hasPrefix("classifier.") ? backboneScale : 1
    }
    for bn in model.batchNorms { bn.usesRunningStatistics = keepsBatchNormStatistics }
  }
}
