import BenchKit

/// malloc-large, as in mimalloc-bench: each thread keeps 20 live blocks of 5 to 25 MiB and, per
/// op, frees a random one and allocates a new one, writing one word in each of its 4 KiB pages (so
/// the pages are really used). Allocators that hand such blocks back to the OS at once pay page
/// faults on every op; those that keep them pay in resident memory (peak RSS). One op is one large
/// block allocated and freed.
final class LargeBlocks<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    static var liveBlocks: Int { 20 }
    static var sizes: ClosedRange<Int> { (5 << 20)...(25 << 20) }

    let setup: StressSetup<Memory>
    /// Thread `t`'s blocks are slots `t * liveBlocks` and up.
    private let slots: StampedSlots<Memory>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        slots = StampedSlots(setup, count: setup.threads * Self.liveBlocks, everyPage: true) { slot, size in
            "LargeBlocks: a \(size)-byte block of thread \(slot / Self.liveBlocks) does not hold what was written"
        }
        var random = XorShift(seed: 0xB16)
        for slot in 0..<slots.count {
            slots.fill(slot, size: random.next(in: Self.sizes), tag: Stamp.tag(setup.threads, slot))
        }
    }

    deinit {
        slots.deallocate()
    }

    func work(thread: Int, round: Int) {
        var random = XorShift(seed: UInt64(thread + 1) &* 0x2545_F491)
        for op in 0..<setup.share(thread) {
            slots.replace(thread * Self.liveBlocks + random.next(below: Self.liveBlocks),
                          size: random.next(in: Self.sizes), tag: Stamp.tag(thread, op))
        }
    }

    func finish() {
        slots.emptyAll()
    }
}
