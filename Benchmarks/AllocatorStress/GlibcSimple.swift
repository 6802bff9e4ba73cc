/// Batches in the manner of glibc's bench-malloc-simple: each thread allocates a batch of 25, 100,
/// 400 or 1600 blocks of one size (16, 32, 64 or 128 bytes), then frees the first half in the
/// order it allocated them (FIFO) and the second half in reverse (LIFO), and moves on to the next
/// batch size, and after four batches to the next block size. One op is one block allocated and
/// freed.
final class GlibcSimple<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    let setup: StressSetup<Memory>
    /// Made in setup: a literal array in an op would be allocated in the measured region.
    private let batchSizes = [25, 100, 400, 1600]
    private let blockSizes = [16, 32, 64, 128]
    private let batchCapacity: Int
    /// Thread `t`'s batch is slots `t * batchCapacity` and up.
    private let slots: StampedSlots<Memory>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        let batchCapacity = batchSizes.max()!
        self.batchCapacity = batchCapacity
        slots = StampedSlots(setup, count: setup.threads * batchCapacity) { slot, size in
            "GlibcSimple: block \(slot % batchCapacity) of a batch of \(size)-byte blocks lost its stamp"
        }
    }

    deinit {
        slots.deallocate()
    }

    func work(thread: Int, round: Int) {
        let base = thread * batchCapacity
        var remaining = setup.share(thread)
        var batchNumber = 0, serial = 0
        while remaining > 0 {
            let count = min(remaining, batchSizes[batchNumber % batchSizes.count])
            let size = blockSizes[batchNumber / batchSizes.count % blockSizes.count]
            for index in 0..<count {
                slots.fill(base + index, size: size, tag: Stamp.tag(thread, serial + index))
            }
            let half = count / 2
            for index in 0..<half { slots.empty(base + index) }
            // A while loop: iterating a reversed range allocates in a debug build.
            var index = count
            while index > half {
                index -= 1
                slots.empty(base + index)
            }
            remaining -= count
            serial += count
            batchNumber += 1
        }
    }

    func finish() {}
}
