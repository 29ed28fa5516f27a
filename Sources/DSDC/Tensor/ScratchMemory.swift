import Foundation

/// Reusable, 64-byte aligned scratch memory for the fast kernels: packed matrix
/// panels, im2col columns, zero-bordered planes, per-thread partial gradients.
///
/// A kernel borrows one block for the length of a call and gives it back, so a
/// training loop allocates only during its first steps. Any number of threads
/// may borrow at once; each gets its own block.
///
/// `@unchecked Sendable`: the list of free blocks is only touched under `lock`.
final class ScratchPool: @unchecked Sendable {
  /// The pool every kernel in the library borrows from.
  static let shared = ScratchPool()

  private let lock = NSLock()
  private var free: [ScratchBlock] = []
  /// At most this many idle blocks are kept; beyond it the smallest are released.
  private let maximumKept = 16

  /// Lends a block of at least `layout.byteCount` bytes to `body`.
  func withScratch<R>(_ layout: ScratchLayout, _ body: (inout ScratchCarver) -> R) -> R {
    let block = borrow(bytes: layout.byteCount)
    defer { giveBack(block) }
    var carver = ScratchCarver(base: block.base, byteCount: block.byteCount)
    return body(&carver)
  }

  private func borrow(bytes: Int) -> ScratchBlock {
    lock.lock()
    // The smallest idle block that is large enough.
    var best: Int? = nil
    for (i, block) in free.enumerated() where block.byteCount >= bytes {
      if best == nil || block.byteCount < free[best!].byteCount { best = i }
    }
    if let best {
      let block = free.remove(at: best)
      lock.unlock()
      return block
    }
    lock.unlock()
    return ScratchBlock(byteCount: Swift.max(bytes, 64))
  }

  private func giveBack(_ block: ScratchBlock) {
    lock.lock()
    free.append(block)
    if free.count > maximumKept {
      free.sort { $0.byteCount > $1.byteCount }
      free.removeLast(free.count - maximumKept)
    }
    lock.unlock()
  }
}

/// One aligned allocation owned by the pool.
final class ScratchBlock {
  let base: UnsafeMutableRawPointer
  let byteCount: Int

  init(byteCount: Int) {
    self.byteCount = byteCount
    base = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
  }

  deinit { base.deallocate() }
}

/// The sizes a kernel will carve out of a block, listed in the same order it carves them.
struct ScratchLayout {
  private(set) var byteCount = 0

  mutating func floats(_ count: Int) { byteCount += ScratchCarver.rounded(count * 4) }
  mutating func ints(_ count: Int) { byteCount += ScratchCarver.rounded(count * 8) }
}

/// Hands out consecutive 64-byte aligned pieces of a borrowed block.
struct ScratchCarver {
  private var next: UnsafeMutableRawPointer
  private var remaining: Int

  init(base: UnsafeMutableRawPointer, byteCount: Int) {
    next = base
    remaining = byteCount
  }

  static func rounded(_ bytes: Int) -> Int { (Swift.max(bytes, 0) + 63) & ~63 }

  /// `count` floats, set to zero when `zeroed`.
  mutating func floats(_ count: Int, zeroed: Bool = false) -> UnsafeMutablePointer<Float> {
    let p = take(count * 4).bindMemory(to: Float.self, capacity: count)
    if zeroed { p.initialize(repeating: 0, count: count) }
    return p
  }

  /// `count` integers (uninitialised).
  mutating func ints(_ count: Int) -> UnsafeMutablePointer<Int> {
    take(count * 8).bindMemory(to: Int.self, capacity: count)
  }

  private mutating func take(_ bytes: Int) -> UnsafeMutableRawPointer {
    let size = Self.rounded(bytes)
    precondition(size <= remaining, "scratch block too small: need \(size) more bytes, \(remaining) left")
    defer {
      next += size
      remaining -= size
    }
    return next
  }
}
