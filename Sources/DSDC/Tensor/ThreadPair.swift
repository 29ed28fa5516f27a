import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Two threads on one short job, meeting between its steps: the caller and a helper
/// thread kept awake for the next job.
///
/// `Parallel.forEachPart` hands its parts to Dispatch, whose wake-up costs tens of
/// microseconds: fine for half a batch, too much for one image, whose whole pass takes
/// about 0.15 ms and must wait for the other half of its channels several times. Here
/// the helper, after each job, keeps polling for the next one for `spinTime` before it
/// sleeps, and the two threads meet at `PairBarrier.wait()` by polling a shared counter:
/// both cost well under a microsecond while the two threads have cores.
/// ```
/// ThreadPair.shared.run { part, barrier in
///   firstStep(half: part)     // part 0 on the caller, part 1 on the helper
///   barrier.wait()            // both halves of the first step are done
///   secondStep(half: part)
/// }
/// ```
/// One job runs at a time; `run` returns false without running anything when another
/// caller has the pair (the caller then does the work on its own).
public final class ThreadPair: @unchecked Sendable {
  /// The pair every kernel shares: its helper thread starts on first use.
  public static let shared = ThreadPair()

  /// Whether the process may run on two cores at once (with one, the two threads
  /// would only take turns, each polling away the other's time).
  public static let hasTwoCores = ProcessInfo.processInfo.activeProcessorCount >= 2

  /// How long the helper polls for the next job before it sleeps.
  public static let spinTime = Duration.microseconds(500)

  /// Jobs posted and jobs the helper has finished (the helper's part).
  private let posted = Atomic<Int>(0)
  private let finished = Atomic<Int>(0)
  /// Arrivals at the barriers of the current job (two per barrier).
  fileprivate let arrivals = Atomic<Int>(0)
  /// Whether the helper waits on `wake` (set before it checks for a job one last time).
  private let sleeping = Atomic<Bool>(false)
  private let wake = DispatchSemaphore(value: 0)
  /// Held for the length of a job.
  private let busy = Mutex(())
  /// The current job, written before `posted` grows and cleared after the helper is done.
  private var job: ((Int, inout PairBarrier) -> Void)?

  /// Jobs the pair has run to the end.
  public var jobsRun: Int { finished.load(ordering: .acquiring) }

  /// A pair with its own helper thread, which lives as long as the process (tests make
  /// their own to count their jobs; everything else uses `shared`).
  init() {
    let thread = Thread { [unowned self] in self.helperLoop() }
    thread.name = "dsdc-pair"
    thread.start()
  }

  /// Runs `body(0, …)` on the calling thread and `body(1, …)` on the helper, and
  /// returns true when both have finished; returns false at once, running nothing,
  /// when another job holds the pair.
  public func run(_ body: (Int, inout PairBarrier) -> Void) -> Bool {
    let ran: Void? = busy.withLockIfAvailable { (_: inout Void) -> Void in
      withoutActuallyEscaping(body) { body in
        job = body
        arrivals.store(0, ordering: .relaxed)
        let ticket = posted.add(1, ordering: .sequentiallyConsistent).newValue
        if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
        var barrier = PairBarrier(pair: self)
        body(0, &barrier)
        ThreadPair.poll { finished.load(ordering: .acquiring) >= ticket }
        job = nil
      }
    }
    return ran != nil
  }

  private func helperLoop() {
    let clock = ContinuousClock()
    var done = 0
    while true {
      var idleSince = clock.now
      var polls = 0
      while posted.load(ordering: .acquiring) == done {
        polls &+= 1
        guard polls % 256 == 0, clock.now - idleSince > Self.spinTime else { continue }
        sleeping.store(true, ordering: .sequentiallyConsistent)
        if posted.load(ordering: .sequentiallyConsistent) == done { wake.wait() }
        sleeping.store(false, ordering: .relaxed)
        idleSince = clock.now
      }
      done += 1
      var barrier = PairBarrier(pair: self)
      job?(1, &barrier)
      finished.store(done, ordering: .releasing)
    }
  }

  /// Polls `condition` until it holds, yielding the core after the first few thousand
  /// polls (the other thread may have lost its core).
  @inline(__always)
  fileprivate static func poll(_ condition: () -> Bool) {
    var polls = 0
    while !condition() {
      polls &+= 1
      if polls > 1 << 15 { sched_yield() }
    }
  }
}

/// Where the two parts of a `ThreadPair` job wait for each other.
public struct PairBarrier: ~Copyable {
  fileprivate unowned(unsafe) let pair: ThreadPair  // outlives every job
  /// Barriers this part has passed.
  private var passed = 0

  fileprivate init(pair: ThreadPair) { self.pair = pair }

  /// Returns when both parts have called `wait()` as many times as this one.
  public mutating func wait() {
    passed += 1
    let target = 2 * passed
    pair.arrivals.add(1, ordering: .acquiringAndReleasing)
    ThreadPair.poll { pair.arrivals.load(ordering: .acquiring) >= target }
  }
}
