import BenchKit

/// An alloc-test style size mix: each thread keeps a window of 1024 live blocks and, per op, frees
/// a random one and allocates a new one whose size follows a Pareto distribution (shape 1, scale
/// 8 bytes, capped at 1 KiB): half the requests are 8 to 16 bytes, one in 16 is over 128, one in
/// 128 is the full 1 KiB. Real programs' sizes look like this: many tiny, few large.
final class ParetoMix<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    static var windowBlocks: Int { 1024 }
    static var largest: Int { 1024 }
    /// Sizes drawn in setup, so that an op spends no time on logarithms.
    static var tableSize: Int { 4096 }

    let setup: StressSetup<Memory>
    private let sizeTable: UnsafeMutablePointer<Int>
    /// Thread `t`'s window is slots `t * windowBlocks` and up.
    private let slots: StampedSlots<Memory>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        sizeTable = .allocate(capacity: Self.tableSize)
        var random = XorShift(seed: 0xA110C)
        for index in 0..<Self.tableSize {
            sizeTable[index] = Self.paretoSize(1 - random.nextUnit())
        }
        slots = StampedSlots(setup, count: setup.threads * Self.windowBlocks) { slot, size in
            "ParetoMix: a \(size)-byte block of thread \(slot / Self.windowBlocks) lost its stamp"
        }
        for slot in 0..<slots.count {
            slots.fill(slot, size: sizeTable[random.next(below: Self.tableSize)], tag: Stamp.tag(setup.threads, slot))
        }
    }

    deinit {
        sizeTable.deallocate()
        slots.deallocate()
    }

    /// The Pareto(1, 8) quantile of `uniform` in (0, 1], capped at ``largest``.
    static func paretoSize(_ uniform: Double) -> Int {
        min(largest, Int(8 / uniform))
    }

    func work(thread: Int, round: Int) {
        var random = XorShift(seed: UInt64(thread + 1) &* 0x5851_F42D)
        for op in 0..<setup.share(thread) {
            slots.replace(thread * Self.windowBlocks + random.next(below: Self.windowBlocks),
                          size: sizeTable[random.next(below: Self.tableSize)], tag: Stamp.tag(thread, op))
        }
    }

    func finish() {
        slots.emptyAll()
    }
}
