import Foundation
import Testing

@testable import DSDC

@Suite("Two threads on one job")
struct ThreadPairTests {
  /// Part 0 runs on the caller and part 1 on another thread, once each per job.
  @Test func eachPartRunsOnceOnItsOwnThread() {
    let pair = ThreadPair(backoff: 0)
    let caller = pthread_self()
    var runs = [0, 0]
    var onCaller = [false, false]
    runs.withUnsafeMutableBufferPointer { runs in
      onCaller.withUnsafeMutableBufferPointer { onCaller in
        let (r, c) = (SendablePointer(runs.baseAddress!), SendablePointer(onCaller.baseAddress!))
        for _ in 0..<50 {
          #expect(
            pair.run { part, _ in
              r.base[part] += 1
              c.base[part] = pthread_equal(pthread_self(), caller) != 0
            })
        }
      }
    }
    #expect(runs == [50, 50] && onCaller == [true, false] && pair.jobsRun == 50)
  }

  /// Each part writes its slot, meets the other, and reads the other's slot: after
  /// every barrier it holds the other part's latest value. Some jobs start after the
  /// helper has gone to sleep (a pause longer than `idleSpin`).
  @Test func theBarrierOrdersTheTwoParts() {
    let pair = ThreadPair(backoff: 0)
    let rounds = 2_000
    var slots = [0, 0]
    var mismatches = [0, 0]
    slots.withUnsafeMutableBufferPointer { slots in
      mismatches.withUnsafeMutableBufferPointer { mismatches in
        let (s, m) = (SendablePointer(slots.baseAddress!), SendablePointer(mismatches.baseAddress!))
        for job in 0..<6 {
          if job % 2 == 1 { Thread.sleep(forTimeInterval: 0.005) }
          let ran = pair.run { part, barrier in
            for round in 1...rounds {
              s.base[part] = job * rounds + round
              barrier.wait()
              if s.base[1 - part] != job * rounds + round { m.base[part] += 1 }
              barrier.wait()
            }
          }
          #expect(ran)
        }
      }
    }
    #expect(mismatches == [0, 0] && pair.jobsRun == 6)
  }

  /// A job started while the pair is busy is refused and runs nothing.
  @Test func aBusyPairRefusesASecondJob() {
    let pair = ThreadPair()
    var inner: Bool? = nil
    var innerRuns = 0
    withUnsafeMutablePointer(to: &inner) { innerResult in
      withUnsafeMutablePointer(to: &innerRuns) { runs in
        let (i, r) = (SendablePointer(innerResult), SendablePointer(runs))
        _ = pair.run { part, _ in
          guard part == 0 else { return }
          i.base.pointee = pair.run { _, _ in r.base.pointee += 1 }
        }
      }
    }
    #expect(inner == false && innerRuns == 0 && pair.jobsRun == 1)
  }

  /// A job in which a part waits at a barrier for much longer than `meetingSpin`
  /// (its partner sleeps 3 ms first) sleeps there. After 17 such jobs in a row, more
  /// than half of the last 32, the pair refuses the next `backoff` jobs and then takes
  /// them again; after 16 it refuses none.
  @Test(arguments: [(16, 3), (17, 3), (17, 0)])
  func mostJobsSleepingAtABarrierRefuseTheNextOnes(sleepingJobs: Int, backoff: Int) {
    let pair = ThreadPair(backoff: backoff)
    for _ in 0..<sleepingJobs {
      let ran = pair.run { part, barrier in
        if part == 1 { Thread.sleep(forTimeInterval: 0.003) }
        barrier.wait()
      }
      #expect(ran)
    }
    let next = (0...backoff + 1).map { _ in pair.run { _, _ in } }
    let refused = sleepingJobs > 16 ? backoff : 0
    #expect(next == Array(repeating: false, count: refused) + Array(repeating: true, count: backoff + 2 - refused))
  }
}

@Suite("Parallel parts on a thread pair")
struct ParallelPairTests {
  /// Two parts run as one job of the pair: part 0 on the caller, part 1 on the helper.
  /// A split inside a part finds the pair busy and runs on Dispatch, each part once.
  @Test func twoPartsRunOnThePairAndANestedSplitOnDispatch() {
    let pair = ThreadPair(backoff: 0)
    let caller = pthread_self()
    var runs = [Int](repeating: 0, count: 4)
    var onCaller = [Bool](repeating: false, count: 2)
    runs.withUnsafeMutableBufferPointer { runs in
      onCaller.withUnsafeMutableBufferPointer { onCaller in
        let (r, c) = (SendablePointer(runs.baseAddress!), SendablePointer(onCaller.baseAddress!))
        Parallel.forEachPart(2, pair: pair) { part in
          r.base[part] += 1
          c.base[part] = pthread_equal(pthread_self(), caller) != 0
          guard part == 0 else { return }
          Parallel.forEachPart(2, pair: pair) { inner in r.base[2 + inner] += 1 }
        }
      }
    }
    #expect(runs == [1, 1, 1, 1] && onCaller == [true, false] && pair.jobsRun == 1)
    // Without a pair, or with three parts, Dispatch runs them.
    var counts = [0, 0, 0]
    counts.withUnsafeMutableBufferPointer { counts in
      let slots = SendablePointer(counts.baseAddress!)
      Parallel.forEachPart(2, pair: nil) { slots.base[$0] += 1 }
      Parallel.forEachPart(3, pair: pair) { slots.base[$0] += 1 }
    }
    #expect(counts == [2, 2, 1] && pair.jobsRun == 1)
  }
}
