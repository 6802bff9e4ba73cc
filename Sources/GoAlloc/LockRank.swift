// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// The order of GoAlloc's locks, written once (Go's runtime/lockrank.go): every lock has a rank,
/// and a thread takes locks in increasing rank only. Debug and test builds check it on every
/// `lock()` and stop the process, naming both locks, when a thread takes a lock while it holds one
/// of the same or a higher rank; release builds check nothing and pay nothing.
///
/// | rank | lock | guards |
/// |---|---|---|
/// | 0 `initialization` | `goalloc_init_lock` (C, ``InitLock``) | the one-time set-up of the heap |
/// | 1 `gcCycle` | `GC.cycleLock` | one collection at a time; a thread leaving the collector's registry |
/// | 2 `explicitCentral` | each `MCentral.lock` of the explicit heap | its span lists, transfer batches and kept empty spans, its spans' allocBits and allocCount |
/// | 3 `heap` | `MHeap.lock` | pages, span tables, arenas, FixAllocs, the stack pool, the collector's registry and pacer, the trace |
/// | 4 `managedCentral` | each `MCentral.lock` of the collected heap | as the explicit ones, and its unswept lists |
///
/// Why this order: an explicit central frees emptied spans to the heap after dropping its lock,
/// but fork's handler and the invariant checks hold every explicit central while they take the
/// heap lock; a collection holds the heap lock while it sweeps the managed centrals; the cycle
/// lock is taken before the heap by a collection and by a thread leaving the registry; the init
/// lock is taken first by fork's handler. The two central ranks are the only ones a thread may
/// hold several of at once (fork, a collection and the invariant checks lock a whole rank, in
/// size-class order). The thread stacks' pool has no lock of its own: the heap lock guards it.
enum LockRank: UInt8, CaseIterable {
    case initialization = 0
    case gcCycle = 1
    case explicitCentral = 2
    case heap = 3
    case managedCentral = 4

    /// Whether a thread may hold several locks of this rank at once.
    var nests: Bool { self == .explicitCentral || self == .managedCentral }

    /// Checks, before the calling thread takes a lock of this rank, that it holds none of the same
    /// or a higher rank (but another of a rank that nests), and stops the process if it does.
    /// Debug and test builds.
    @inline(__always)
    func checkOrder() {
        #if DEBUG
        let held = goalloc_held_ranks()!
        var rank = Int(rawValue)
        while rank < LockRank.allCases.count {
            if held[rank] > 0, rank != Int(rawValue) || !nests {
                LockRank(rawValue: UInt8(rank))!.violated(taking: self)
            }
            rank += 1
        }
        #endif
    }

    /// Counts a lock of this rank taken (`by` 1) or released (`by` -1) by the calling thread.
    @inline(__always)
    func record(_ change: Int16) {
        #if DEBUG
        let held = goalloc_held_ranks()!
        held[Int(rawValue)] = UInt16(truncatingIfNeeded: Int16(truncatingIfNeeded: held[Int(rawValue)]) &+ change)
        #endif
    }

    /// Stops the process: a lock of rank `taking` was asked for while one of this rank was held.
    @inline(never)
    private func violated(taking: LockRank) -> Never {
        // fatal takes a StaticString: one message per pair, spelled out (nothing may allocate here).
        switch (self, taking) {
        case (.heap, .explicitCentral): fatal("lock order: an explicit MCentral lock (rank 2) taken while holding the heap lock (rank 3); see LockRank.swift")
        case (.heap, .gcCycle): fatal("lock order: the GC cycle lock (rank 1) taken while holding the heap lock (rank 3); see LockRank.swift")
        case (.heap, .heap): fatal("lock order: the heap lock taken while holding it (rank 3 does not nest); see LockRank.swift")
        case (.managedCentral, .heap): fatal("lock order: the heap lock (rank 3) taken while holding a managed MCentral lock (rank 4); see LockRank.swift")
        case (.managedCentral, _): fatal("lock order: a lock taken while holding a managed MCentral lock (rank 4); see LockRank.swift")
        case (.explicitCentral, _): fatal("lock order: a lock of rank 0-1 taken while holding an explicit MCentral lock (rank 2); see LockRank.swift")
        case (.gcCycle, _): fatal("lock order: a lock of rank 0-1 taken while holding the GC cycle lock (rank 1); see LockRank.swift")
        case (.initialization, _): fatal("lock order: the init lock taken while holding it (rank 0); see LockRank.swift")
        default: fatal("lock order: a lock taken against its rank; see LockRank.swift")
        }
    }
}

/// The init lock (`goalloc_init_lock`, a C mutex usable before anything is set up), taken through
/// its rank like every ``Mutex``.
enum InitLock {
    @inline(__always)
    static func lock() {
        LockRank.initialization.checkOrder()
        goalloc_lock_init()
        LockRank.initialization.record(1)
    }

    @inline(__always)
    static func unlock() {
        LockRank.initialization.record(-1)
        goalloc_unlock_init()
    }
}
