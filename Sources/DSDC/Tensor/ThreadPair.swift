import Foundation
import Synchronization

/// Two threads on one short job, meeting between its steps: the caller and a helper
/// thread kept awake for the next job.
///
/// Dispatch's wake-up costs tens of microseconds (`Parallel`): fine for half a batch,
/// too much for one image, whose whole pass takes about 0.15 ms and must wait for the
/// other half of its channels several times. Here a thread that waits (the helper for
/// its next job, either part for the other at `PairBarrier.wait()`, the caller for the
/// helper's part) first polls a shared counter, which costs well under a microsecond
/// while both threads have cores, and only after a while (`idleSpin`, `meetingSpin`)
/// sleeps on a semaphore, to be woken by the other: on a busy machine the other thread
/// may have lost its core, and polling would only take time from it.
/// ```
/// ThreadPair.shared.run { part, barrier in
///   firstStep(half: part)     // part 0 on the caller, part 1 on the helper
///   barrier.wait()            // both halves of the first step are done
///   secondStep(half: part)
/// }
/// ```
/// One job runs at a time; `run` returns false without running anything when another
/// caller has the pair (the caller then does the work on its own), and for the next
/// `backoff` calls when a part has had to sleep at a barrier in more than half of the
/// last 32 jobs, this one included: the machine is then too busy for threads that meet
/// every few microseconds, and a job split that finely would run several times slower
/// than on one thread. (On quiet cores about 4% of one image's jobs see such a sleep,
/// when one thread is held up for a moment.) The 32 jobs are any callers' jobs: one
/// image's passes and the two-part splits of `Parallel.forEachPart`, which have no
/// barrier and so never sleep at one; a mix of both backs off only when most of the
/// recent jobs were one image's, and most of those slept.
public final class ThreadPair: @unchecked Sendable {
  /// The pair `Parallel.forEachPart` runs two parts on, and the fused eval pass one
  /// image: its helper thread starts on first use.
  public static let shared = ThreadPair()

  /// Whether the process may run on two cores at once (with one, the two threads
  /// would only take turns).
  public static let hasTwoCores = ProcessInfo.processInfo.activeProcessorCount >= 2

  /// How long the helper polls for its next job, and a part for the other, before
  /// it sleeps.
  static let idleSpin = Duration.microseconds(200)
  static let meetingSpin = Duration.microseconds(50)

  /// Jobs posted and jobs the helper has finished (the helper's part).
  private let posted = Atomic<Int>(0)
  private let finished = Atomic<Int>(0)
  /// Arrivals at the barriers of the current job (two per barrier).
  fileprivate let arrivals = Atomic<Int>(0)
  /// Bit `part` set while part 0 (the caller) or part 1 (the helper) sleeps, or is
  /// about to, on its semaphore: set before the part checks its condition one last time.
  private let asleep = Atomic<Int>(0)
  private let wake = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
  /// Set for the length of a job (taken with acquiring and given back with releasing
  /// ordering, which the thread sanitizer sees; it does not see inside `Mutex`).
  private let busy = Atomic<Bool>(false)
  /// The current job, written before `posted` grows and cleared after the helper is done.
  private var job: ((Int, inout PairBarrier) -> Void)?

  /// Barrier waits that ended in a sleep.
  private let barrierSleeps = Atomic<Int>(0)
  /// Under `busy`: bit `i` set when a part slept at a barrier in the `i`-th last job,
  /// and the calls of `run` still to refuse.
  private var recentSleeps: UInt32 = 0
  private var refusals = 0
  /// Calls refused once most recent jobs have slept at a barrier.
  let backoff: Int

  /// Jobs the pair has run to the end.
  public var jobsRun: Int { finished.load(ordering: .acquiring) }

  /// A pair with its own helper thread, which lives as long as the process (tests make
  /// their own to count their jobs; everything else uses `shared`).
  init(backoff: Int = 64) {
    self.backoff = backoff
    let thread = Thread { [unowned self] in self.helperLoop() }
    thread.name = "dsdc-pair"
    thread.start()
  }

  /// Runs `body(0, …)` on the calling thread and `body(1, …)` on the helper, and
  /// returns true when both have finished; returns false at once, running nothing,
  /// when another job holds the pair or the pair is backing off.
  public func run(_ body: (Int, inout PairBarrier) -> Void) -> Bool {
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
    defer { busy.store(false, ordering: .releasing) }
    if refusals > 0 {
      refusals -= 1
      return false
    }
    let sleepsBefore = barrierSleeps.load(ordering: .relaxed)
    defer {
      let slept = barrierSleeps.load(ordering: .relaxed) != sleepsBefore
      recentSleeps = recentSleeps << 1 | (slept ? 1 : 0)
      if slept && recentSleeps.nonzeroBitCount > UInt32.bitWidth / 2 { refusals = backoff }
    }
    return withoutActuallyEscaping(body) { body in
      job = body
      arrivals.store(0, ordering: .relaxed)
      let ticket = posted.add(1, ordering: .sequentiallyConsistent).newValue
      wakeUp(1)
      var barrier = PairBarrier(pair: self, part: 0)
      body(0, &barrier)
      waitUntil(part: 0, spin: Self.meetingSpin) { finished.load(ordering: .sequentiallyConsistent) >= ticket }
      job = nil
      return true
    }
  }

  private func helperLoop() {
    var done = 0
    while true {
      waitUntil(part: 1, spin: Self.idleSpin) { posted.load(ordering: .sequentiallyConsistent) > done }
      done += 1
      var barrier = PairBarrier(pair: self, part: 1)
      job?(1, &barrier)
      finished.store(done, ordering: .sequentiallyConsistent)
      wakeUp(0)
    }
  }

  /// Returns once `condition` holds (it only ever turns true, by the other part's
  /// hand, which then calls `wakeUp(part)`): polls it for `spin`, then sleeps.
  /// Returns whether it slept.
  @discardableResult
  fileprivate func waitUntil(part: Int, spin: Duration, _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let start = clock.now
    var polls = 0
    while !condition() {
      polls &+= 1
      guard polls % 64 == 0, clock.now - start > spin else { continue }
      // Announce the sleep, then look once more: either this look sees the other
      // part's change, or the other part sees the announcement and signals.
      asleep.bitwiseOr(1 << part, ordering: .sequentiallyConsistent)
      while !condition() { wake[part].wait() }
      asleep.bitwiseAnd(~(1 << part), ordering: .sequentiallyConsistent)
      return true
    }
    return false
  }

  /// Counts a barrier wait that ended in a sleep.
  fileprivate func barrierSlept() { barrierSleeps.add(1, ordering: .relaxed) }

  /// Signals `part` if it sleeps or is about to (a signal it no longer needs only
  /// makes one later sleep look at its condition once more).
  fileprivate func wakeUp(_ part: Int) {
    if asleep.load(ordering: .sequentiallyConsistent) & (1 << part) != 0 { wake[part].signal() }
  }
}

/// Where the two parts of a `ThreadPair` job wait for each other.
public struct PairBarrier: ~Copyable {
  fileprivate unowned(unsafe) let pair: ThreadPair  // outlives every job
  /// This part's number, and the barriers it has passed.
  private let part: Int
  private var passed = 0

  fileprivate init(pair: ThreadPair, part: Int) { (self.pair, self.part) = (pair, part) }

  /// Returns when both parts have called `wait()` as many times as this one.
  public mutating func wait() {
    passed += 1
    let target = 2 * passed
    if pair.arrivals.add(1, ordering: .sequentiallyConsistent).newValue >= target {
      pair.wakeUp(1 - part)
      return
    }
    let pair = self.pair
    let slept = pair.waitUntil(part: part, spin: ThreadPair.meetingSpin) {
      pair.arrivals.load(ordering: .sequentiallyConsistent) >= target
    }
    if slept { pair.barrierSlept() }
  }
}
