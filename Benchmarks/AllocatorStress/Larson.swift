import BenchKit

/// Larson and Krishnan's server simulation ("Memory allocation for long-running server
/// applications", ISMM 1998), written from its description: each thread owns a set of 1000 live
/// blocks of 8 to 1000 bytes and, per op, frees a random one and allocates a new one of random
/// size in its place. After every round of 4096 ops per thread the sets move on to the next
/// thread, so blocks are freed by a thread other than the one that allocated them, as when a
/// server hands a request's memory from one worker to another.
final class Larson<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    static var blocksPerSet: Int { 1000 }
    static var sizes: ClosedRange<Int> { 8...1000 }
    static var opsPerRound: Int { 4096 }

    let setup: StressSetup<Memory>
    let rounds: Int
    /// Set `s`, slot `i` is slot `s * blocksPerSet + i`.
    private let slots: StampedSlots<Memory>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        rounds = setup.rounds(perRound: Self.opsPerRound)
        slots = StampedSlots(setup, count: setup.threads * Self.blocksPerSet) { slot, size in
            "Larson: block \(slot % Self.blocksPerSet) of set \(slot / Self.blocksPerSet) (\(size) bytes) lost its stamp"
        }
        var random = XorShift(seed: 0x1A25_0)
        for slot in 0..<slots.count {
            slots.fill(slot, size: random.next(in: Self.sizes), tag: Stamp.tag(setup.threads, slot))
        }
    }

    deinit {
        slots.deallocate()
    }

    func work(thread: Int, round: Int) {
        let set = (thread + round) % setup.threads
        var random = XorShift(seed: UInt64(thread + 1) << 32 | UInt64(round + 1))
        for op in 0..<setup.ops(thread, round: round, perRound: Self.opsPerRound) {
            slots.replace(set * Self.blocksPerSet + random.next(below: Self.blocksPerSet),
                          size: random.next(in: Self.sizes), tag: Stamp.tag(thread, round * Self.opsPerRound + op))
        }
    }

    func finish() {
        slots.emptyAll()
    }
}
