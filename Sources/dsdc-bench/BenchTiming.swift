// The clocks and timing rules every dsdc-bench command uses: one-thread runs in the
// thread's own CPU time (time other programs hold the core is not counted), runs on more
// threads in wall-clock time; the best or the median of a few repeats.

import Foundation

/// Seconds of CPU time the calling thread has used (not counting time other
/// programs held the core, which wall-clock time would include on a busy machine).
func threadCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Seconds of CPU time used by the whole process (all threads).
func processCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Wall-clock seconds since an arbitrary start.
func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// The times of `repeats` runs of `body` after one warm-up run, in seconds: the
/// calling thread's CPU time when `threads` is 1, wall-clock time otherwise.
func runTimes(repeats: Int, threads: Int = 1, _ body: () -> Void) -> [Double] {
  precondition(repeats > 0, "runTimes needs at least one repeat, got \(repeats)")
  body()
  var times: [Double] = []
  for _ in 0..<repeats {
    let clock = threads == 1 ? threadCPUSeconds : wallSeconds
    let start = clock()
    body()
    times.append(clock() - start)
  }
  return times
}

/// The best (least) time of `repeats` runs of `body` after a warm-up run (see `runTimes`).
func bestTime(repeats: Int, threads: Int = 1, _ body: () -> Void) -> Double {
  runTimes(repeats: repeats, threads: threads, body).min()!
}

/// The middle value of `values` (the mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
  precondition(!values.isEmpty, "the median of no values")
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The 1-minute load average (other work on the machine skews the figures).
func loadAverage() -> String {
  (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
}
