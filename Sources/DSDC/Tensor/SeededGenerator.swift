/// A small, fast, seedable random number generator (xoshiro256**), so that every
/// random choice in dsdc — weight initialisation, shuffling, augmentation — is
/// reproduced exactly from `--seed`.
///
/// The 256-bit state is public so that a checkpoint can store it and a resumed
/// run continues the very same sequence.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
  /// The generator's four state words (never all zero).
  public var state: (UInt64, UInt64, UInt64, UInt64)

  /// A generator whose state is expanded from `seed` with SplitMix64.
  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  /// A generator resumed from a saved state.
  public init(state: [UInt64]) {
    precondition(state.count == 4, "SeededGenerator state has 4 words, got \(state.count)")
    self.state = (state[0], state[1], state[2], state[3])
  }

  /// The state as four words, for saving.
  public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

  public mutating func next() -> UInt64 {
    let result = rotl(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotl(state.3, 45)
    return result
  }

  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool {
    a.stateWords == b.stateWords
  }
}

extension RandomNumberGenerator {
  /// A standard normal sample (Box–Muller), using two uniform draws.
  public mutating func nextGaussian() -> Double {
    // u1 in (0, 1] so that log(u1) is finite.
    let u1 = 1.0 - Double(next() >> 11) * 0x1.0p-53
    let u2 = Double(next() >> 11) * 0x1.0p-53
    return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
