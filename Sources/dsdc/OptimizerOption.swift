import ArgumentParser
import DSDC

/// `--optimizer`: the optimisers a recipe can name on the command line, each with its
/// own default learning rate and weight decay (`OptimizerKind.defaultLearningRate`).
enum OptimizerOption: String, CaseIterable, ExpressibleByArgument {
  /// AdamW, the default recipe's.
  case adamw
  /// SGD with Nesterov momentum.
  case sgd

  /// The optimiser with its constants, as the recipe stores it.
  var kind: OptimizerKind {
    switch self {
    case .adamw: return .adamW()
    case .sgd: return .sgd()
    }
  }

  /// The option that names a recipe's optimiser (what `--resume` compares with).
  init(_ kind: OptimizerKind) {
    switch kind {
    case .adamW: self = .adamw
    case .sgd: self = .sgd
    }
  }

  /// The optimiser for help: `AdamW`, `SGD+Nesterov with momentum 0.9`.
  var help: String {
    switch kind {
    case .adamW: return kind.name
    case .sgd(let momentum, _): return "\(kind.name) with momentum \(momentum)"
    }
  }
}
