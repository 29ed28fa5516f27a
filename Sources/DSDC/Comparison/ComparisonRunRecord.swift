/// What one finished training run of the comparison (one network, one seed) measured,
/// as `ComparisonRunStore` keeps it between invocations of `dsdc compare`.
///
/// Every number is stored exactly (JSON writes the shortest decimal that reads back to
/// the same `Double` or `Float`), so a comparison assembled from kept runs prints the
/// very numbers an uninterrupted one would.
public struct ComparisonRunRecord: Codable, Sendable, Equatable {
  /// The network's `ComparisonVariant` name.
  public var variant: String
  /// The run's seed.
  public var seed: UInt64
  /// Final test accuracy, percent.
  public var accuracy: Double
  /// Test accuracy (percent) after each epoch on the curve subset.
  public var curve: [Double]
  /// Training images over training seconds, the whole run.
  public var trainImagesPerSecond: Double
  /// Seconds spent in training steps, the whole run.
  public var trainSeconds: Double
  /// The largest share of the machine other processes took while this run was timed;
  /// nil where `/proc/stat` could not be read.
  public var otherCPUShare: Double?
  /// The effective receptive field's map, `(rows, columns)` row by row.
  public var fieldMap: [Float]
  /// Rows (= columns) of the map.
  public var fieldSide: Int
  /// Digits the map averages.
  public var fieldImages: Int
  /// The theoretical field's input rows, `lower...upper`.
  public var fieldWindow: [Int]
  /// Inference timings of this run's model, taken for the comparison's first seed only.
  public var timing: Timing?

  /// Median inference timings of one model and the size of its file.
  public struct Timing: Codable, Sendable, Equatable {
    /// Milliseconds to classify one image.
    public var batch1Milliseconds: Double
    /// Images per second classifying 1,000 at a time.
    public var batch1000ImagesPerSecond: Double
    /// Bytes of the model's `.safetensors` file.
    public var fileBytes: Int

    public init(batch1Milliseconds: Double, batch1000ImagesPerSecond: Double, fileBytes: Int) {
      self.batch1Milliseconds = batch1Milliseconds
      self.batch1000ImagesPerSecond = batch1000ImagesPerSecond
      self.fileBytes = fileBytes
    }
  }

  public init(
    variant: ComparisonVariant, seed: UInt64, accuracy: Double, curve: [Double], trainImagesPerSecond: Double,
    trainSeconds: Double, otherCPUShare: Double?, field: EffectiveReceptiveField, timing: Timing? = nil
  ) {
    self.variant = variant.rawValue
    self.seed = seed
    self.accuracy = accuracy
    self.curve = curve
    self.trainImagesPerSecond = trainImagesPerSecond
    self.trainSeconds = trainSeconds
    self.otherCPUShare = otherCPUShare
    self.fieldMap = Array(field.map.storage)
    self.fieldSide = field.map.shape[0]
    self.fieldImages = field.images
    self.fieldWindow = [field.theoreticalWindow.lowerBound, field.theoreticalWindow.upperBound]
    self.timing = timing
  }

  /// The effective receptive field as measured; nil if the stored numbers do not make
  /// a square map with a window (a damaged record).
  public var field: EffectiveReceptiveField? {
    guard fieldSide > 0, fieldMap.count == fieldSide * fieldSide, fieldWindow.count == 2,
      fieldWindow[0] <= fieldWindow[1], fieldImages > 0
    else { return nil }
    return EffectiveReceptiveField(
      map: Tensor(shape: [fieldSide, fieldSide], storage: fieldMap), images: fieldImages,
      theoreticalWindow: fieldWindow[0]...fieldWindow[1])
  }
}
