#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GoAlloc

/// What a thread cache keeps, and what a central keeps for caches to come. A full list becomes the
/// cache's spare, and the spare it had goes to the central as one batch, which the next cache that
/// runs out takes whole (MCache.swift, TransferBatches.swift); spans its objects empty stay with
/// the central, up to a limit, for the next cache that needs a fresh span (MCentral's `empty`).
/// Each body runs in a fresh process (an exit test), so that no other test's thread moves the size
/// class meanwhile.
///
/// The numbers: blocks of 200 bytes are class 208, whose lists hold 65,536 / 208 = 315 objects.
/// Of 700 freed, the 316th free makes the first 315 the spare; the 631st gives them to the central
/// and makes the next 315 the spare; the last 70 stay on the list.
@Suite struct MCentralKeepTests {
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

    /// The thread that freed them allocates from its list, then from its spare, and leaves the
    /// central's batch for later: it gets back the 385 objects freed last (and, between list and
    /// spare, what is left of its carving range), and the batch is still there; then it takes it.
    @Test func anEmptyListTakesTheSpareBeforeTheCentral() async {
        await #expect(processExitsWith: .success) {
            let sizeClass = SizeClasses.sizeClass(size: 200, alignment: 16)
            let central = Globals.shared.central(sizeClass)
            let blocks = (0..<700).map { _ in GoAlloc.allocate(byteCount: 200)! }
            for block in blocks { GoAlloc.deallocate(block) }
            guard central.pointee.transfer.count == 1 else { exit(1) }
            let freedLast = Set(blocks[315...])
            var takenBack = Set<UnsafeMutableRawPointer>()
            var carved = 0
            while takenBack.count < freedLast.count {
                let block = GoAlloc.allocate(byteCount: 200)!
                if freedLast.contains(block) { takenBack.insert(block) } else { carved += 1 }
                guard carved < 64, central.pointee.transfer.count == 1 else { exit(2) }
            }
            guard blocks[0..<315].contains(GoAlloc.allocate(byteCount: 200)!), central.pointee.transfer.count == 0 else { exit(3) }
            GoAlloc.checkInvariants()
        }
    }

    /// The second free of an object that waits in a batch, or in a cache's spare list, is stopped
    /// at the call, as one on the thread's own list is.
    @Test func freeingAnObjectTwiceIsCaughtWhileItWaitsInABatch() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let blocks = (0..<700).map { _ in GoAlloc.allocateForMalloc(byteCount: 200)! }
            for block in blocks { GoAlloc.deallocate(block) }
            GoAlloc.deallocate(blocks[0]) // in the batch, not on this thread's list
        }
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("goalloc: fatal error: double free of a small object"), "stderr: \(output.prefix(300))")
    }

    @Test func freeingAnObjectTwiceIsCaughtWhileItWaitsInTheSpareList() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let blocks = (0..<700).map { _ in GoAlloc.allocateForMalloc(byteCount: 200)! }
            for block in blocks { GoAlloc.deallocate(block) }
            GoAlloc.deallocate(blocks[315]) // in the spare list
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

    /// Blocks of 16 KiB are one to a span. Of 160 freed on one thread, the lists and the batches
    /// keep 96 (two lists of 16 and four batches); the rest empty their spans, of which the central
    /// keeps `emptyPagesLimit` pages' worth and frees the others to the heap. A cache that finds no
    /// batch takes a kept span; a thread's exit gives back the rest.
    @Test func emptiedSpansAreKeptUpToTheLimit() async {
        await #expect(processExitsWith: .success) {
            let sizeClass = SizeClasses.sizeClass(size: 16384, alignment: 16)
            let npages = SizeClasses.npages(sizeClass)
            guard npages * SizeClasses.pageSize / SizeClasses.size(sizeClass) == 1 else { exit(1) }
            nonisolated(unsafe) let central = Globals.shared.central(sizeClass)
            let blocks = (0..<160).map { _ in GoAlloc.allocate(byteCount: 16384)! }
            for block in blocks { GoAlloc.deallocate(block) }
            guard central.pointee.empty.count * npages == MCentral.emptyPagesLimit else { exit(2) }
            GoAlloc.checkInvariants()
            let kept = central.pointee.empty.count
            onNewThread {
                // The batches first, then one kept span.
                var allocations = 0
                while central.pointee.empty.count == kept {
                    let batches = central.pointee.transfer.count
                    _ = GoAlloc.allocate(byteCount: 16384)!
                    allocations += 1
                    if allocations > 160 { exit(3) }
                    if central.pointee.empty.count != kept && batches != 0 { exit(4) }
                }
                if central.pointee.empty.count != kept - 1 { exit(5) }
            }
            // The thread's exit returned its blocks and what the central kept.
            guard central.pointee.empty.count == 0, central.pointee.transfer.count == 0 else { exit(6) }
            GoAlloc.checkInvariants()
        }
    }
}
