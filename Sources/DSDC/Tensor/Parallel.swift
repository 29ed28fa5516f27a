import Dispatch

/// Coarse-grained threading for the kernels: a few large, independent parts of
/// the work (the two halves of a batch, the two halves of a matrix), never rows.
///
/// Two parts run on `ThreadPair.shared`: the caller takes part 0 and the pair's helper
/// thread, which polls for a while after each job before it sleeps, part 1. Between
/// the many short layers of a training step the helper is still awake, so a split
/// costs about a microsecond instead of the tens of microseconds of waking one of
/// Dispatch's threads, and part 1 of every layer runs on the same thread, whose core
/// still holds in cache what it wrote in the layer before. When the pair is busy (a
/// split inside a split, or another caller's) the parts go to Dispatch, as do three or
/// more. `parts ≤ 1` always runs on the calling thread.
public enum Parallel {
  /// Runs `body(part)` once for every `part` in `0..<parts`, on up to `parts` threads,
  /// and returns when all have finished.
  public static func forEachPart(_ parts: Int, _ body: @Sendable (Int) -> Void) {
    forEachPart(parts, pair: ThreadPair.hasTwoCores ? ThreadPair.shared : nil, body)
  }

  /// `forEachPart` with two parts on `pair` when it is free (tests pass their own).
  static func forEachPart(_ parts: Int, pair: ThreadPair?, _ body: @Sendable (Int) -> Void) {
    if parts <= 1 {
      if parts == 1 { body(0) }
      return
    }
    if parts == 2, let pair, pair.run({ part, _ in body(part) }) { return }
    DispatchQueue.concurrentPerform(iterations: parts, execute: body)
  }

  /// The `part`-th of `parts` contiguous slices of `0..<count`, as equal as possible
  /// (the first `count % parts` slices are one longer):
  /// ```
  /// slice(0, of: 2, count: 5) = 0..<3,   slice(1, of: 2, count: 5) = 3..<5
  /// ```
  public static func slice(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
    precondition(parts > 0 && part >= 0 && part < parts, "slice \(part) of \(parts)")
    let (base, extra) = count.quotientAndRemainder(dividingBy: parts)
    let start = part * base + Swift.min(part, extra)
    return start..<(start + base + (part < extra ? 1 : 0))
  }
}

/// A mutable raw pointer that may be captured by the closure each thread runs.
///
/// The kernels give every thread a disjoint region (its half of the batch, its own
/// partial gradient); the compiler cannot see that, so the wrapper states it.
public struct SendablePointer<Pointee>: @unchecked Sendable {
  public let base: UnsafeMutablePointer<Pointee>
  public init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
}

/// A read-only raw pointer that may be captured by the closure each thread runs.
public struct SendableConstPointer<Pointee>: @unchecked Sendable {
  public let base: UnsafePointer<Pointee>
  public init(_ base: UnsafePointer<Pointee>) { self.base = base }
}
