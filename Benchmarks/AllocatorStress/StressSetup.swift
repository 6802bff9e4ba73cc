/// What every stress test is built from: the allocator, the thread count, the number of ops in all,
/// and where to report corrupted data. Ops are spread evenly over the threads.
struct StressSetup<Memory: BlockAllocator>: Sendable {
    let memory: Memory
    let threads: Int
    let operations: Int
    let report: any CorruptionReport

    /// Thread `thread`'s share of the ops.
    @inline(__always)
    func share(_ thread: Int) -> Int {
        operations / threads + (thread < operations % threads ? 1 : 0)
    }

    /// Rounds of at most `perRound` ops per thread (at least one).
    func rounds(perRound: Int) -> Int {
        max(1, (share(0) + perRound - 1) / perRound)
    }

    /// Thread `thread`'s ops in `round` when each round takes at most `perRound` of its share.
    @inline(__always)
    func ops(_ thread: Int, round: Int, perRound: Int) -> Int {
        max(0, min(perRound, share(thread) - round * perRound))
    }
}
