import BenchKit

/// Threads that come and go: every round starts fresh threads, each of which allocates 1000
/// objects of 16 to 128 bytes, keeps every 8th in a long-lived pool (freeing the pool entry it
/// replaces, which a thread of an earlier round made), frees the others, and exits. The
/// allocator must take back what a thread cached when it exits and serve frees of objects whose
/// thread is gone; one that strands memory at thread exit shows it in peak RSS. One op is one
/// object allocated (and, sooner or later, freed). Creating the threads is not timed; their exit is.
final class ThreadChurn<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    static var freshThreadsEachRound: Bool { true }
    static var objectsPerThread: Int { 1000 }
    static var keepEvery: Int { 8 }
    static var poolPerThread: Int { 4096 }
    static var sizes: ClosedRange<Int> { 16...128 }

    let setup: StressSetup<Memory>
    let rounds: Int
    /// Thread index `t`'s long-lived objects are slots `t * poolPerThread` and up; `cursors[t]` is
    /// where its next one goes. Threads of later rounds with the same index carry on.
    private let pool: StampedSlots<Memory>
    private let cursors: UnsafeMutablePointer<Int>
    /// Thread index `t`'s short-lived objects of the current round.
    private let shortLived: StampedSlots<Memory>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        rounds = setup.rounds(perRound: Self.objectsPerThread)
        pool = StampedSlots(setup, count: setup.threads * Self.poolPerThread) { _, size in
            "ThreadChurn: a long-lived \(size)-byte object lost its stamp"
        }
        shortLived = StampedSlots(setup, count: setup.threads * Self.objectsPerThread) { _, size in
            "ThreadChurn: a short-lived \(size)-byte object lost its stamp"
        }
        cursors = .allocate(capacity: setup.threads)
        cursors.initialize(repeating: 0, count: setup.threads)
    }

    deinit {
        pool.deallocate()
        shortLived.deallocate()
        cursors.deallocate()
    }

    func work(thread: Int, round: Int) {
        var random = XorShift(seed: UInt64(thread + 1) << 32 | UInt64(round + 1))
        let ops = setup.ops(thread, round: round, perRound: Self.objectsPerThread)
        let base = thread * Self.objectsPerThread
        for op in 0..<ops {
            let size = random.next(in: Self.sizes)
            let tag = Stamp.tag(thread, round * Self.objectsPerThread + op)
            if op % Self.keepEvery == 0 {
                pool.replace(thread * Self.poolPerThread + cursors[thread], size: size, tag: tag)
                cursors[thread] = (cursors[thread] + 1) % Self.poolPerThread
            } else {
                shortLived.fill(base + op, size: size, tag: tag)
            }
        }
        for op in 0..<ops where op % Self.keepEvery != 0 { shortLived.empty(base + op) }
    }

    func finish() {
        pool.emptyAll()
    }
}
