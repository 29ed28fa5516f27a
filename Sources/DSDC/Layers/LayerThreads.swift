/// How the element-wise layers use threads: the work (channels, or planes) is cut
/// into `threads` contiguous slices, one per thread, through `Parallel`. Each slice is
/// a whole layer's share (milliseconds at training batch sizes), well above the cost
/// of waking a thread; tiny inputs run on the calling thread.
enum LayerThreads {
  /// Below this many floats a layer runs on one thread (waking one costs ~0.1 MB of work).
  static let minimumParallelWork = 1 << 15

  /// How many slices `forEachSlice` cuts.
  static func parts(_ count: Int, threads: Int, work: Int) -> Int {
    work < minimumParallelWork ? 1 : max(1, min(threads, count))
  }

  /// Runs `body(part, slice)` on the slices of `0..<count`, in parallel when
  /// `threads > 1` and the layer touches at least `minimumParallelWork` floats.
  static func forEachSlice(_ count: Int, threads: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
    let parts = parts(count, threads: threads, work: work)
    if parts == 1 {
      body(0, 0..<count)
      return
    }
    withoutActuallyEscaping(body) { body in
      let slices = UncheckedSendable(body)
      Parallel.forEachPart(parts) { part in
        slices.value(part, Parallel.slice(part, of: parts, count: count))
      }
    }
  }
}

/// A value the compiler cannot prove thread-safe, shared across the threads of one
/// `forEachSlice` call, each of which touches a disjoint slice of the memory behind it.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
