#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GoAlloc

/// A full thread cache gives half its list to the central as one batch, and the next cache that
/// runs out takes that batch whole (TransferBatches.swift). Each body runs in a fresh process (an
/// exit test), so that no other test's thread moves the size class meanwhile.
///
/// The numbers: blocks of 200 bytes are class 208, whose list holds 131,072 / 208 = 630 objects.
/// Freeing 700 fills the list at the 630th free; the 631st gives the 315 freed first to the central
/// and keeps the 315 freed last.
@Suite struct TransferBatchTests {
    @Test func aFullListsOlderHalfGoesToTheNextCacheWhole() async {
        await #expect(processExitsWith: .success) {
            nonisolated(unsafe) let blocks = (0..<700).map { _ in GoAlloc.allocate(byteCount: 200)! }
            for block in blocks { GoAlloc.deallocate(block) }
            GoAlloc.checkInvariants()
            onNewThread {
                // An empty cache refills from the central: the batch, not a span.
                let taken = Set((0..<315).map { _ in GoAlloc.allocate(byteCount: 200)! })
                guard taken == Set(blocks[0..<315]) else { exit(1) }
                // Then the central has no batch: the next refill is a span's (fresh: none is partial).
                guard let next = GoAlloc.allocate(byteCount: 200), !blocks.contains(next) else { exit(2) }
                GoAlloc.checkInvariants()
                for block in taken { GoAlloc.deallocate(block) }
                GoAlloc.deallocate(next)
            }
            GoAlloc.checkInvariants()
        }
    }

    /// The second free of an object that waits in a batch is stopped at the call, as one on the
    /// thread's own list is.
    @Test func freeingAnObjectTwiceIsCaughtWhileItWaitsInABatch() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let blocks = (0..<700).map { _ in GoAlloc.allocateForMalloc(byteCount: 200)! }
            for block in blocks { GoAlloc.deallocate(block) }
            GoAlloc.deallocate(blocks[0]) // in the batch, not on this thread's list
        }
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("goalloc: fatal error: double free of a small object"), "stderr: \(output.prefix(300))")
    }

    /// freeOSMemory returns the batches to their spans too, so the spans they held go back to the
    /// heap: HeapInuse falls by at least the 700 objects' bytes (kept in batches, about half of
    /// them would hold their spans).
    @Test func freeOSMemoryReturnsTheBatches() async {
        await #expect(processExitsWith: .success) {
            let blocks = (0..<700).map { _ in GoAlloc.allocate(byteCount: 200)! }
            for block in blocks { GoAlloc.deallocate(block) }
            let before = GoAlloc.readMemStats()
            GoAlloc.freeOSMemory()
            let after = GoAlloc.readMemStats()
            guard before.heapInuse - after.heapInuse >= 700 * 208 else { exit(1) }
            GoAlloc.checkInvariants()
        }
    }
}
