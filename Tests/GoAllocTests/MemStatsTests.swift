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
