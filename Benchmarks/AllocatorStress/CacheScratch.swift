import CBenchKit

/// Passive false sharing, after Hoard's cache-scratch (Berger et al., ASPLOS 2000): the main
/// thread allocates one small object per thread, back to back, and hands object `i` to thread `i`,
/// which frees it; then each thread, per op, allocates an 8-byte object, writes it 64 times, checks
/// it and frees it. An allocator that gives a thread the object another thread freed (and so a
/// cache line another thread writes) makes the writes bounce between cores.
final class CacheScratch<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    static var objectBytes: Int { 8 }
    static var writesPerOp: Int { 64 }

    let setup: StressSetup<Memory>
    private let handedOver: UnsafeMutablePointer<UnsafeMutableRawPointer>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        handedOver = setup.memory.rootSlots(setup.threads)
        for thread in 0..<setup.threads {
            handedOver[thread] = setup.memory.block(Self.objectBytes, holdsPointers: false)
            Stamp.write(handedOver[thread], size: Self.objectBytes, tag: Stamp.tag(thread, -1))
        }
    }

    deinit {
        setup.memory.releaseRoots(handedOver)
    }

    func work(thread: Int, round: Int) {
        let first = handedOver[thread]
        if Stamp.check(first, size: Self.objectBytes, tag: Stamp.tag(thread, -1)) {
            setup.memory.release(first, Self.objectBytes)
        } else {
            setup.report.corrupted("CacheScratch: the object handed to thread \(thread) lost its stamp")
        }
        for op in 0..<setup.share(thread) {
            let object = setup.memory.block(Self.objectBytes, holdsPointers: false)
            let tag = Stamp.tag(thread, op)
            for write in 0..<Self.writesPerOp {
                object.storeBytes(of: tag &+ UInt64(write), as: UInt64.self)
                // Each write goes to memory, as the original's writes to a volatile object do.
                benchkit_black_hole(object)
            }
            guard object.load(as: UInt64.self) == tag &+ UInt64(Self.writesPerOp - 1) else {
                setup.report.corrupted("CacheScratch: thread \(thread)'s object \(op) changed under it while it wrote")
                continue
            }
            setup.memory.release(object, Self.objectBytes)
        }
    }

    func finish() {}
}
