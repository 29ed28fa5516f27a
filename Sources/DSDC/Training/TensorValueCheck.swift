extension TrainingState {
  /// The first tensor holding a value no trained network or optimiser has: NaN or
  /// ±∞ anywhere, or a negative running variance or second moment (both are means
  /// of squares), or an optimiser step count that is not a whole number 0…10⁹. A model with such a value would evaluate to "loss nan" and predict
  /// with "nan%"; such a checkpoint is refused by name instead.
  public func firstImpossibleValue() -> (name: String, reason: String)? {
    for (name, tensor) in tensors {
      if let index = tensor.storage.firstIndex(where: { !$0.isFinite }) {
        return (name, "element \(index) is \(tensor.storage[index])")
      }
      let isSquareMean = name.hasSuffix(".running_var") || name.hasSuffix(".exp_avg_sq")
      if isSquareMean, let index = tensor.storage.firstIndex(where: { $0 < 0 }) {
        return (name, "element \(index) is \(tensor.storage[index]), and a variance cannot be negative")
      }
      // An optimiser's step count is read back as an integer.
      if name.hasPrefix(OptimizerState.prefix) && name.hasSuffix(".step"),
        let index = tensor.storage.firstIndex(where: { !($0 >= 0 && $0 <= 1e9 && $0.rounded() == $0) })
      {
        return (name, "element \(index) is \(tensor.storage[index]), not a step count 0…10⁹")
      }
    }
    return nil
  }
}
