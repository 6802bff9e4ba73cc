#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GoAlloc

/// calloc clears only what may hold old data (Go's needzero, MCache.allocateZeroed): an object
/// carved from a span on pages that were never used, or came back from the OS, reads as zero
/// without being written, so its pages stay untouched until the program touches them; anything
/// used before is cleared (a list object: AllocationTests' zeroedMemoryIsZeroEvenWhenReused). Each body runs in a fresh process (an exit test), so that the heap is
/// new and no other test's thread takes the classes' spans meanwhile.
///
/// The numbers: blocks of 16,384 bytes have a class of their own, one object to a span of two
/// pages; blocks of 3,000 bytes are class 3,072, four to a span of three pages (carved one after
/// another); the central keeps emptied spans up to `MCentral.emptyPagesLimit` pages.
@Suite struct CallocTests {
    @Test func callocCarvesFreshAndReleasedPagesWithoutWritingThem() async {
        await #expect(processExitsWith: .success) {
            for size in [3000, 16384] {
                let blocks = (0..<64).map { _ in GoAlloc.allocateZeroed(byteCount: size)! }
                // A new heap has no used page: every block is carved from a fresh span.
                guard blocks.allSatisfy({ !MHeap.spanOf(UInt(bitPattern: $0))!.pointee.needzero }) else { exit(1) }
                guard residentPages(blocks, size) == 0 else { exit(2) }
                guard blocks.allSatisfy({ isZero($0, size) }) else { exit(3) }
                for block in blocks { block.initializeMemory(as: UInt8.self, repeating: 0xAB, count: size) }
                for block in blocks { GoAlloc.deallocate(block) }
            }
            // Everything free goes back to the OS, so the pages read as zero again.
            GoAlloc.freeOSMemory()
            onNewThread {
                let blocks = (0..<64).map { _ in GoAlloc.allocateZeroed(byteCount: 16384)! }
                guard blocks.allSatisfy({ !MHeap.spanOf(UInt(bitPattern: $0))!.pointee.needzero }) else { exit(4) }
                guard residentPages(blocks, 16384) == 0 else { exit(5) }
                guard blocks.allSatisfy({ isZero($0, 16384) }) else { exit(6) }
            }
            GoAlloc.checkInvariants()
        }
    }

    @Test func callocClearsWhatItCarvesFromASpanUsedBefore() async {
        await #expect(processExitsWith: .success) {
            let sizeClass = SizeClasses.sizeClass(size: 16384, alignment: 16)
            nonisolated(unsafe) let central = Globals.shared.central(sizeClass)
            let dirty = (0..<160).map { _ in GoAlloc.allocate(byteCount: 16384)! }
            for block in dirty { block.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 16384) }
            for block in dirty { GoAlloc.deallocate(block) }
            // The central keeps emptied spans for caches to come: those are carved again.
            let kept = central.pointee.empty.count
            guard kept > 0 else { exit(1) }
            var allocations = 0
            while central.pointee.empty.count == kept {
                guard let block = GoAlloc.allocateZeroed(byteCount: 16384), isZero(block, 16384) else { exit(2) }
                allocations += 1
                if allocations > 160 { exit(3) }
            }
            // The last one came from a kept span, carved, and cleared.
            GoAlloc.checkInvariants()
        }
    }
}

/// Whether the `count` bytes at `block` are all zero.
private func isZero(_ block: UnsafeMutableRawPointer, _ count: Int) -> Bool {
    UnsafeRawBufferPointer(start: block, count: count).allSatisfy { $0 == 0 }
}

/// How many of the OS pages under the blocks of `size` bytes are resident (mincore).
private func residentPages(_ blocks: [UnsafeMutableRawPointer], _ size: Int) -> Int {
    let osPage = UInt(sysconf(Int32(_SC_PAGESIZE)))
    var resident = 0
    for block in blocks {
        let first = UInt(bitPattern: block) & ~(osPage - 1)
        let end = (UInt(bitPattern: block) + UInt(size) + osPage - 1) & ~(osPage - 1)
        var vector = [UInt8](repeating: 0, count: Int((end - first) / osPage))
        guard mincore(UnsafeMutableRawPointer(bitPattern: first), Int(end - first), &vector) == 0 else { return -1 }
        resident += vector.filter { $0 & 1 != 0 }.count
    }
    return resident
}
