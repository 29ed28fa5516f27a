import Foundation

/// The register tile of `MatrixMultiply`'s microkernel: the `rows × columns` block of C
/// whose sums stay in vector registers over a whole block of the sum.
///
/// ```
/// tile8x32:  8 rows × 32 columns, 16 SIMD16<Float> accumulators + 2 of B + 1 of A = 19 zmm  (AVX-512: 32)
/// tile6x16:  6 rows × 16 columns, 12 SIMD8<Float>  accumulators + 2 of B + 1 of A = 15 ymm  (AVX2: 16)
/// ```
/// A tile needing more vector registers than the CPU has spills accumulators to memory
/// on every step of the sum: without AVX-512 each SIMD16 takes two 256-bit registers,
/// 38 for the 8×32 tile, which then runs at about half the 6×16 tile's speed or less
/// (docs/speed.md has the figures).
///
/// Both tiles give the same bits. For every element of C, each block of the sum (at
/// most `kcMax` steps of `p`, cut at the same places whatever the tile) is summed from
/// zero with fused multiply-adds in order of `p`; then the bias is added (first block
/// only), then the C already there (blocks after the first, or all when accumulating):
/// ```
/// C[i, j] ← ((Σ_{p in block} A[i, p]·B[p, j]) + bias[i]) + C[i, j]
/// ```
enum RegisterTile: String, CaseIterable, Sendable, CustomStringConvertible {
  case tile8x32 = "8x32"
  case tile6x16 = "6x16"

  /// Rows of A (and C) per tile, `mr`.
  var rows: Int { self == .tile8x32 ? 8 : 6 }
  /// Columns of B (and C) per tile, `nr`.
  var columns: Int { self == .tile8x32 ? 32 : 16 }
  /// Floats in one vector register of the CPU the tile is built for: 16 (AVX-512) or 8.
  var vectorFloats: Int { self == .tile8x32 ? 16 : 8 }
  /// Rows of A packed at a time, `mcMax`: whole tiles, at most 128 rows.
  var rowBlock: Int { 128 / rows * rows }

  var description: String {
    self == .tile8x32 ? "8×32 (SIMD16 accumulators)" : "6×16 (SIMD8 accumulators)"
  }

  /// The tile of this process, chosen once: `DSDC_GEMM_TILE` (`8x32` or `6x16`) when
  /// set, for timing one tile against the other; otherwise the CPU's (`forCPU`).
  static let selected: RegisterTile = {
    let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
    let (tile, warning) = choose(
      override: ProcessInfo.processInfo.environment["DSDC_GEMM_TILE"], cpuinfo: cpuinfo)
    if let warning { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
    return tile
  }()

  /// `override` when it names a tile, else `forCPU(cpuinfo:)` and a one-line warning
  /// when `override` was set to something else.
  static func choose(override: String?, cpuinfo: String?) -> (RegisterTile, warning: String?) {
    let cpu = forCPU(cpuinfo: cpuinfo)
    guard let override else { return (cpu, nil) }
    if let tile = RegisterTile(rawValue: override) { return (tile, nil) }
    let fix = "set one of them or unset it"
    return (cpu, "⚠ DSDC_GEMM_TILE=\(override) is not 8x32 or 6x16 (\(fix)); using \(cpu.rawValue)")
  }

  /// 8×32 on an x86_64 CPU whose `/proc/cpuinfo` flags list `avx512f` (32 vector
  /// registers of 512 bits); 6×16 otherwise: AVX2 has 16 registers of 256 bits, and
  /// where nothing is known (no `/proc/cpuinfo`, another architecture) 6×16 is the
  /// tile that fits 16 vector registers of 256 bits.
  static func forCPU(cpuinfo: String?) -> RegisterTile {
    #if arch(x86_64)
      guard let cpuinfo else { return .tile6x16 }
      let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }
      let hasAVX512 = flags?.split(separator: " ").contains("avx512f") ?? false
      return hasAVX512 ? .tile8x32 : .tile6x16
    #else
      return .tile6x16
    #endif
  }
}
