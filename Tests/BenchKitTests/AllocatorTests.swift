import Foundation
import Testing
@testable import BenchKit

@Suite struct AllocatorTests {
    @Test func allocatesAlignedUsableBlocks() {
        let allocator = Allocator(for: .system)
        for alignment in [1, 8, 16, 32, 64, 256, 4096] {
            for size in [1, 15, 80, 1000, 100_000] {
                let block = allocator.allocate(byteCount: size, alignment: alignment)
                #expect(Int(bitPattern: block) % max(alignment, 8) == 0)
                #expect(allocator.usableSize(of: block) >= size)
                block.initializeMemory(as: UInt8.self, repeating: 0xAB, count: size)
                allocator.deallocate(block, byteCount: size, alignment: alignment)
            }
        }
    }

    @Test func typedHelpers() {
        let allocator = Allocator(for: .system)
        let values = allocator.allocate(Int.self, capacity: 4)
        values.initialize(repeating: 7, count: 4)
        #expect(values[3] == 7)
        values.deinitialize(count: 4)
        allocator.deallocate(values, capacity: 4)
    }

    @Test func jemallocFlagsAskForAlignmentOnlyAboveSixteen() {
        #expect(Jemalloc.flags(alignment: 8) == 0)
        #expect(Jemalloc.flags(alignment: 16) == 0)
        #expect(Jemalloc.flags(alignment: 64) == 6)
        #expect(Jemalloc.flags(alignment: 4096) == 12)
    }
}

/// glibc's statistics in this very process keep Go's invariants.
@Suite struct NativeStatsTests {
    @Test func glibcKeepsGosHeapInvariants() {
        let reader = NativeStatsReader(.system)
        let (stats, version) = (reader.read(), reader.version)
        #expect(version.hasPrefix("glibc "))
        let sys = stats[.heapSys]!, idle = stats[.heapIdle]!, inuse = stats[.heapInuse]!, alloc = stats[.heapAlloc]!
        #expect(sys == idle + inuse)
        #expect(alloc <= inuse)
        #expect(stats[.alloc] == alloc)
        #expect(stats[.heapReleased] == nil) // glibc cannot say, so it stays empty
        #expect(stats[.mallocs] == nil)      // counted in the counting pass, not invented here
    }

    @Test func countedFieldsFollowGosInvariant() {
        let stats = MemStatsSnapshot(counted: AllocationCounts(mallocs: 10, frees: 4, bytesRequested: 500, bytesUsable: 640))
        #expect(stats[.heapObjects] == 6)
        #expect(stats[.totalAlloc] == 640)
        let merged = MemStatsSnapshot([.heapAlloc: 1, .mallocs: 99]).filling(from: stats)
        #expect(merged[.mallocs] == 99) // native values win
        #expect(merged[.frees] == 4)
        #expect(merged[.heapAlloc] == 1)
    }
}
