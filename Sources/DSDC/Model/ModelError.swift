/// What can go wrong loading named tensors (from a checkpoint) into a model. Each
/// description is one line naming the tensor, with a hint.
public enum ModelError: Error, CustomStringConvertible, Equatable {
  /// A tensor the model needs is not in the file.
  case missingTensor(name: String)
  /// The file holds a tensor the model does not have.
  case unexpectedTensor(name: String)
  /// The same name appears twice.
  case duplicateTensor(name: String)
  /// A tensor has the wrong shape for this model's configuration.
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  /// A configuration (read from a checkpoint) describes no network dsdc builds.
  case invalidConfig(reason: String)

  public var description: String {
    let hint =
      "HINT: the checkpoint was written by a DSDC-Net with another configuration (widths, blocks), or is not a DSDC-Net checkpoint"
    switch self {
    case .missingTensor(let name):
      return "tensor \(name) is missing — \(hint)"
    case .unexpectedTensor(let name):
      return "tensor \(name) is not part of this model — \(hint)"
    case .duplicateTensor(let name):
      return "tensor \(name) appears more than once — HINT: the file is damaged; save it again"
    case .shapeMismatch(let name, let expected, let found):
      return "tensor \(name) has shape \(found), this model needs \(expected) — \(hint)"
    case .invalidConfig(let reason):
      return
        "the model configuration is invalid: \(reason) — HINT: the checkpoint's dsdc.config is damaged; use a checkpoint written by `dsdc train`"
    }
  }
}
