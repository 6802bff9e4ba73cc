import Foundation
import Testing
@testable import GoAlloc

extension HeapTests {
    @Suite struct Statistics {
        @Test func countsFollowGosMeaning() throws {
            let before = GoAlloc.readMemStats()
            // 80 bytes is size class 7; 100 of them.
            let blocks = try (0..<100).map { _ in try #require(GoAlloc.allocate(byteCount: 80)) }
            let allocated = GoAlloc.readMemStats()
            #expect(allocated.mallocs - before.mallocs == 100)
            #expect(allocated.totalAlloc - before.totalAlloc == 100 * 80)
            #expect(allocated.heapAlloc - before.heapAlloc == 100 * 80)
            #expect(allocated.heapObjects - before.heapObjects == 100)
            #expect(allocated.bySize[7].size == 80)
            #expect(allocated.bySize[7].mallocs - before.bySize[7].mallocs == 100)
            // 81 bytes rounds up to class 8 (96 bytes): TotalAlloc counts the rounded size, as Go.
            let rounded = try #require(GoAlloc.allocate(byteCount: 81))
            #expect(GoAlloc.readMemStats().totalAlloc - allocated.totalAlloc == 96)
            GoAlloc.deallocate(rounded)
            for block in blocks { GoAlloc.deallocate(block) }
            let freed = GoAlloc.readMemStats()
            #expect(freed.frees - before.frees == 101)
            #expect(freed.heapAlloc == before.heapAlloc)
            #expect(freed.bySize[7].frees - before.bySize[7].frees == 100)
            #expect(freed.totalAlloc == allocated.totalAlloc + 96) // never decreases
            #expect(violatedInvariants(freed).isEmpty)
        }

        /// In a fresh process (an exit test: the collector tests of this process use the managed
        /// heap), the collector's fields are zero until the managed heap is first used; then NextGC
        /// is Go's 4 MiB minimum goal, and a cycle fills the rest.
        @Test func fieldsOfTheCollectorAreZeroUntilTheManagedHeapIsUsed() async {
            await #expect(processExitsWith: .success) {
                _ = GoAlloc.allocate(byteCount: 64)
                let explicitOnly = GoAlloc.readMemStats()
                guard explicitOnly.numGC == 0 && explicitOnly.nextGC == 0 && explicitOnly.pauseTotalNs == 0
                        && explicitOnly.lastGC == 0 && explicitOnly.gcCPUFraction == 0 else { exit(1) }
                _ = GoAlloc.Managed.allocate(byteCount: 64)
                guard GoAlloc.readMemStats().nextGC == 4 << 20 else { exit(2) }
                GoAlloc.Managed.collect()
                let collected = GoAlloc.readMemStats()
                guard collected.numGC == 1 && collected.numForcedGC == 1 && collected.pauseTotalNs > 0
                        && collected.lastGC > 0 && collected.pauseNs[0] == collected.pauseTotalNs else { exit(3) }
            }
        }

        /// The per-class counters live in the thread caches and move by one increment each;
        /// MemStats adds them up. In a fresh process (an exit test), so that no other test's
        /// thread moves class 7 meanwhile: lists that overflow and go back in halves, a thread
        /// whose first call is a free (it has only the empty cache then), frees of another
        /// thread's objects, and a thread that exits: every count stays exact.
        @Test func countsStayExactAcrossThreadsFlushesAndThreadExit() async {
            await #expect(processExitsWith: .success) {
                nonisolated(unsafe) let before = GoAlloc.readMemStats()
                // 5000 objects of 80 bytes (class 7): more than a list holds (1638), so frees flush.
                nonisolated(unsafe) let blocks = (0..<5000).map { _ in GoAlloc.allocate(byteCount: 80)! }
                onNewThread {
                    // The thread's first call: the free finds the empty cache and makes a cache.
                    GoAlloc.deallocate(blocks[0])
                    guard GoAlloc.allocate(byteCount: 80) == blocks[0] else { exit(1) }
                    for block in blocks[0..<2500] { GoAlloc.deallocate(block) }
                    let during = GoAlloc.readMemStats()
                    guard during.mallocs - before.mallocs == 5001, during.frees - before.frees == 2501,
                          during.bySize[7].mallocs - before.bySize[7].mallocs == 5001,
                          during.bySize[7].frees - before.bySize[7].frees == 2501,
                          during.heapAlloc - before.heapAlloc == 2500 * 80 else { exit(2) }
                }
                let exited = GoAlloc.readMemStats()
                guard exited.mallocs - before.mallocs == 5001, exited.frees - before.frees == 2501 else { exit(3) }
                for block in blocks[2500...] { GoAlloc.deallocate(block) }
                let after = GoAlloc.readMemStats()
                guard after.mallocs - before.mallocs == 5001, after.frees - before.frees == 5001,
                      after.bySize[7].mallocs - before.bySize[7].mallocs == 5001,
                      after.bySize[7].frees - before.bySize[7].frees == 5001,
                      after.heapObjects == before.heapObjects, after.heapAlloc == before.heapAlloc,
                      violatedInvariants(after).isEmpty else { exit(4) }
                GoAlloc.checkInvariants()
            }
        }

        /// Go's heap-growth scavenging: an allocation that takes released pages (the heap grew, or
        /// used pages the scavenger had returned) releases free pages at once, down to 18% over the
        /// most the heap has had in use, so the memory the heap retains (HeapSys - HeapReleased) never runs far ahead
        /// of the most it had in use. The pattern is AllocatorStress/LargeBlocks' (live large blocks
        /// of random sizes, one replaced at a time), whose free runs mostly do not fit the next
        /// request. In a fresh process.
        @Test func growthIsScavengedDownToTheRetainedGoal() async {
            await #expect(processExitsWith: .success) {
                var random = SeededGenerator(seed: 11)
                let sizes = (2 << 20)...(12 << 20)
                var live = (0..<16).map { _ in GoAlloc.allocate(byteCount: Int.random(in: sizes, using: &random))! }
                var peakInuse: UInt64 = 0, peakRetained: UInt64 = 0
                for _ in 0..<400 {
                    let slot = Int.random(in: 0..<live.count, using: &random)
                    GoAlloc.deallocate(live[slot])
                    live[slot] = GoAlloc.allocate(byteCount: Int.random(in: sizes, using: &random))!
                    let stats = GoAlloc.readMemStats()
                    peakInuse = max(peakInuse, stats.heapInuse)
                    peakRetained = max(peakRetained, stats.heapSys - stats.heapReleased)
                }
                // 18% over the peak in use (133 MiB here), and a little for rounding to pages. Without
                // the scavenging the heap retained 174 MiB, 1.30 times.
                guard peakRetained <= peakInuse + peakInuse * 18 / 100 + (1 << 20) else { exit(1) }
                for block in live { GoAlloc.deallocate(block) }
            }
        }

        /// The heap-growth scavenging keeps what the heap had in use at its high-water mark: a heap
        /// below its peak that takes released pages releases nothing, because the pages it would
        /// release are ones it will fault in again when it climbs back. Six 8 MiB blocks on
        /// released pages (after a 64 MiB peak), two holes punched, then a 16 MiB block that fits
        /// neither hole: it takes released pages, and the heap keeps its 64 MiB resident (the
        /// rule over the heap as it is now, 48 MiB, would cut it to 56.6 MiB).
        @Test func growthScavengingKeepsWhatTheHeapHadAtItsPeak() async {
            await #expect(processExitsWith: .success) {
                let block = 8 << 20
                var blocks = (0..<8).map { _ in GoAlloc.allocate(byteCount: block)! }
                for pointer in blocks { GoAlloc.deallocate(pointer) }
                GoAlloc.freeOSMemory()
                blocks = (0..<6).map { _ in GoAlloc.allocate(byteCount: block)! }
                for slot in [1, 3] { GoAlloc.deallocate(blocks[slot]) }
                let big = GoAlloc.allocate(byteCount: 2 * block)!
                let stats = GoAlloc.readMemStats()
                let retained = stats.heapSys - stats.heapReleased
                // In use: four blocks and the big one, 48 MiB. Retained: that and the two holes,
                // less what the background scavenger (1% of a CPU) may have released meanwhile.
                guard stats.heapInuse >= 48 << 20, retained >= (64 << 20) - (2 << 20) else { exit(1) }
                GoAlloc.deallocate(big)
                for slot in [0, 2, 4, 5] { GoAlloc.deallocate(blocks[slot]) }
            }
        }

        /// Growth gives the scavenging after it work only over the retained goal, as Go's
        /// mheap.grow measures it: a heap climbing to a new peak records nothing (its slow path then
        /// skips two trips through the heap lock), and growth beside free resident pages records
        /// only the excess. The heap is used directly, so neither the scavenging after growth nor
        /// the background thread runs meanwhile.
        @Test func growthRecordsOnlyWhatLiesOverTheRetainedGoal() async {
            await #expect(processExitsWith: .success) {
                let heap = Globals.shared.heap
                let mebibyte = (1 << 20) >> SizeClasses.pageShift
                // 16 MiB, a new peak each time, and a 1 MiB fence above them.
                let blocks = (0..<16).map { _ in heap.allocLarge(npages: mebibyte)! }
                let fence = heap.allocLarge(npages: mebibyte)!
                guard heap.pointee.retainedGrowthPages == 0 else { exit(1) }
                // The 16 MiB below the fence freed (resident) and 24 MiB taken above it, new pages:
                // 25 MiB in use (the peak) and 16 MiB free, over 18% above the peak.
                for block in blocks { heap.freeLarge(block) }
                let big = heap.allocLarge(npages: 24 * mebibyte)!
                heap.pointee.lock.lock()
                let over = heap.pagesRetainedOverLocked(.afterGrowth, collectorGoalPages: 0)
                let recorded = heap.pointee.retainedGrowthPages
                heap.pointee.lock.unlock()
                guard over > 0, recorded == UInt64(over) else { exit(2) }
                heap.freeLarge(big)
                heap.freeLarge(fence)
            }
        }

        /// The background scavenger keeps Go's 10% over the heap as it is now (a process using
        /// GoAlloc only as its malloc has no collector goal): a heap that has just shrunk goes down
        /// to 10% over what is in use at once, not to the minimum goal and not to a recent peak.
        /// Holding a recent peak saves the refaults of a heap that climbs back and holds the memory
        /// of one that does not (results/scavenger-window-2026-12-07). The heap is used directly,
        /// so the background thread never runs.
        @Test func backgroundScavengingKeepsTenPercentOverTheHeapInUseNow() async {
            await #expect(processExitsWith: .success) {
                let globals = Globals.shared
                let heap = globals.heap
                let mebibyte = (1 << 20) >> SizeClasses.pageShift
                let blocks = (0..<32).map { _ in heap.allocLarge(npages: mebibyte)! }
                // 8 MiB stay in use, over the 4 MiB minimum goal.
                for block in blocks[8...] { heap.freeLarge(block) }
                var released = 0
                while case let pages = globals.scavenge(maxPages: Int.max, keeping: .background), pages > 0 {
                    released += pages
                }
                let stats = GoAlloc.readMemStats()
                let retained = stats.heapSys - stats.heapReleased
                let kept = stats.heapInuse * 110 / 100
                let step = UInt64(Scavenger.stepPages << SizeClasses.pageShift)
                guard stats.heapInuse == 8 << 20, released >= 20 * mebibyte,
                      retained <= kept, retained + step > kept else { exit(1) }
                for block in blocks[..<8] { heap.freeLarge(block) }
            }
        }

        @Test func fieldsOfStacksAreZeroAndEverythingElseIsAccountedFor() throws {
            _ = GoAlloc.allocate(byteCount: 64)
            let stats = GoAlloc.readMemStats()
            #expect(stats.stackSys == stats.stackInuse) // only stack spans count (StackTests.swift)
            #expect(stats.lookups == 0 && stats.enableGC && !stats.debugGC)
            #expect(stats.pauseNs.count == 256 && stats.pauseEnd.count == 256)
            #expect(stats.mSpanInuse > 0 && stats.mCacheInuse > 0 && stats.gcSys > 0 && stats.otherSys > 0)
            #expect(stats.heapSys % (4 << 20) == 0) // the heap grows in 4 MiB steps
            #expect(stats.bySize.map(\.size) == (0...60).map { UInt32(SizeClasses.size($0)) })
            #expect(violatedInvariants(stats).isEmpty)
        }

        /// The invariants hold after every step of a random workload.
        @Test func invariantsHoldAfterEveryStep() throws {
            var random = SeededGenerator(seed: 7)
            var live: [UnsafeMutableRawPointer] = []
            var previousTotal: UInt64 = 0
            for step in 0..<1500 {
                if live.isEmpty || Int.random(in: 0..<10, using: &random) < 6 {
                    let size = Int.random(in: 0..<20, using: &random) == 0
                        ? Int.random(in: 32769...200_000, using: &random) : Int.random(in: 1...2048, using: &random)
                    live.append(try #require(GoAlloc.allocate(byteCount: size)))
                } else {
                    GoAlloc.deallocate(live.remove(at: Int.random(in: 0..<live.count, using: &random)))
                }
                if step % 300 == 0 { GoAlloc.freeOSMemory() }
                let stats = GoAlloc.readMemStats()
                let broken = violatedInvariants(stats)
                if !broken.isEmpty {
                    Issue.record("step \(step): \(broken)")
                    return
                }
                #expect(stats.totalAlloc >= previousTotal)
                previousTotal = stats.totalAlloc
                GoAlloc.checkInvariants()
            }
            for block in live { GoAlloc.deallocate(block) }
        }

        @Test func freeOSMemoryReturnsPagesAndResidentMemoryDrops() throws {
            GoAlloc.freeOSMemory()
            let residentBefore = residentBytes()
            // 64 MiB of small objects and large ones, all touched.
            var blocks: [UnsafeMutableRawPointer] = []
            for index in 0..<4096 {
                let size = index % 2 == 0 ? 8192 : 8000
                let block = try #require(GoAlloc.allocate(byteCount: size))
                block.initializeMemory(as: UInt8.self, repeating: 1, count: size)
                blocks.append(block)
            }
            for _ in 0..<16 {
                let block = try #require(GoAlloc.allocate(byteCount: 2 << 20))
                block.initializeMemory(as: UInt8.self, repeating: 1, count: 2 << 20)
                blocks.append(block)
            }
            let residentFull = residentBytes()
            let releasedFull = GoAlloc.readMemStats().heapReleased
            #expect(residentFull - residentBefore > 60 << 20)
            for block in blocks { GoAlloc.deallocate(block) }
            GoAlloc.freeOSMemory()
            let stats = GoAlloc.readMemStats()
            let residentAfter = residentBytes()
            #expect(residentFull - residentAfter > 60 << 20, "RSS \(residentFull >> 20) MiB -> \(residentAfter >> 20) MiB")
            #expect(stats.heapReleased - releasedFull > 60 << 20)
            #expect(stats.heapReleased == stats.heapIdle, "after FreeOSMemory every idle page is released")
            #expect(violatedInvariants(stats).isEmpty)
            GoAlloc.checkInvariants()

            // Released pages are reused before the heap maps new ones.
            let sys = stats.heapSys
            let again = try (0..<8).map { _ in try #require(GoAlloc.allocate(byteCount: 2 << 20)) }
            #expect(GoAlloc.readMemStats().heapSys == sys)
            for block in again { GoAlloc.deallocate(block) }
        }
    }
}
