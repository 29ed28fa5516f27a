extension DSDCNet {
  /// Replaces every BatchNorm's running statistics by estimates from `images`, leaving
  /// every weight unchanged (PyTorch's `torch.optim.swa_utils.update_bn`: momentum
  /// `None`, a cumulative average). Batch `k = 0, 1, …` runs a training-mode forward
  /// pass with momentum `1/(k + 1)`, so after the last batch
  /// ```
  /// running_mean_c = (1/B) Σ_k μ_{k,c}          running_var_c = (1/B) Σ_k σ²_{k,c} · M_k/(M_k − 1)
  /// ```
  /// over the `B` batches, with `μ_{k,c}`, `σ²_{k,c}` the batch statistics of
  /// `BatchNorm2d` (`M_k = N_k·H·W` values per channel). One batch holding every image
  /// gives the images' own mean and unbiased variance.
  ///
  /// Each layer's `momentum` and `usesRunningStatistics` are restored afterwards.
  /// - Parameters:
  ///   - images: the new task's images (unaugmented; labels are not read)
  ///   - normalization: the input normalisation the network is used with
  ///   - batchSize: images per forward pass
  public func reestimateBatchNormStatistics(
    on images: LabeledImages, normalization: Normalization,
    batchSize: Int = 64
  ) {
    precondition(
      batchSize > 0 && images.count > 0,
      "BatchNorm re-estimation needs images and a positive batch size, got \(images.count), \(batchSize)")
    let saved = batchNorms.map { (momentum: $0.momentum, keeps: $0.usesRunningStatistics) }
    for bn in batchNorms { bn.usesRunningStatistics = false }
    var (start, k) = (0, 0)
    while start < images.count {
      let end = min(start + batchSize, images.count)
      for bn in batchNorms { bn.momentum = 1 / Float(k + 1) }
      _ = logits(input: normalization.tensor(images, indices: start..<end), training: true)
      (start, k) = (end, k + 1)
    }
    for (bn, old) in zip(batchNorms, saved) {
      bn.momentum = old.momentum
      bn.usesRunningStatistics = old.keeps
    }
  }
}
