import Foundation

/// How busy the machine was with *other* processes during a measurement, so timings
/// taken while something else ran can be flagged instead of reported as speed.
///
/// From Linux's `/proc/stat` (every CPU's busy and idle ticks) and this process's
/// own CPU time (`getrusage`):
/// ```
/// other share = (Δ busy ticks of the machine − Δ ticks of this process) / Δ all ticks
/// ```
/// 0 means the machine ran nothing else; 0.5 on two cores means one whole core was
/// taken by others. Where `/proc/stat` does not exist (macOS) nothing is measured.
public struct CPUActivity: Sendable, Equatable {
  /// Busy ticks (user, nice, system, irq, softirq, steal) of all CPUs.
  public var busy: Double
  /// All ticks, idle included, of all CPUs.
  public var total: Double
  /// This process's user + system CPU time, in ticks.
  public var own: Double

  public init(busy: Double, total: Double, own: Double) {
    self.busy = busy
    self.total = total
    self.own = own
  }

  /// The counters now, or nil where they cannot be read.
  public static func now() -> CPUActivity? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
      let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
    else { return nil }
    let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard fields.count >= 8 else { return nil }
    // user nice system idle iowait irq softirq steal [guest guest_nice, already in user]
    let busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
    let total = fields[0..<8].reduce(0, +)
    var usage = rusage()
    #if os(Linux)
      getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    let seconds =
      Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
      + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    return CPUActivity(busy: busy, total: total, own: seconds * ticksPerSecond)
  }

  /// The share of the machine's CPU capacity that other processes used between
  /// `start` and `end` (0…1), or nil if either is missing or no tick passed.
  public static func otherShare(from start: CPUActivity?, to end: CPUActivity?) -> Double? {
    guard let start, let end, end.total > start.total else { return nil }
    let others = (end.busy - start.busy) - (end.own - start.own)
    return Swift.min(1, Swift.max(0, others / (end.total - start.total)))
  }
}
