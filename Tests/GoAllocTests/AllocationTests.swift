import Foundation
import Testing
@testable import GoAlloc

extension HeapTests {
    @Suite struct Allocation {
        @Test func smallObjectsAreUsableAlignedAndReusedAtOnce() throws {
            for size in [1, 8, 16, 24, 80, 1000, 1024, 1025, 4000, 32768] {
                let block = try #require(GoAlloc.allocate(byteCount: size))
                #expect(Int(bitPattern: block) % 16 == 0)
                #expect(GoAlloc.usableSize(of: block) >= size)
                #expect(GoAlloc.owns(block))
                block.initializeMemory(as: UInt8.self, repeating: 0xA5, count: size)
                GoAlloc.deallocate(block)
                // The object just freed is the next one handed out for its class.
                let again = try #require(GoAlloc.allocate(byteCount: size))
                #expect(again == block)
                GoAlloc.deallocate(again, byteCount: size)
            }
            GoAlloc.checkInvariants()
        }

        @Test func everyAlignmentUpToThePageSize() throws {
            var alignment = 1
            while alignment <= GoAlloc.pageSize {
                for size in [1, 33, 700, 5000, 40000] {
                    let block = try #require(GoAlloc.allocate(byteCount: size, alignment: alignment))
                    #expect(Int(bitPattern: block) % max(alignment, 16) == 0, "size \(size) alignment \(alignment)")
                    #expect(GoAlloc.usableSize(of: block) >= size)
                    GoAlloc.deallocate(block, byteCount: size, alignment: alignment)
                }
                alignment *= 2
            }
            #expect(GoAlloc.allocate(byteCount: 8, alignment: 3) == nil)
            #expect(GoAlloc.allocate(byteCount: 8, alignment: 2 * GoAlloc.maxAlignment) == nil)
            GoAlloc.checkInvariants()
        }

        @Test func alignmentsAboveThePageSizeGetASpanOfTheirOwn() throws {
            let before = GoAlloc.readMemStats()
            for alignment in [2 * GoAlloc.pageSize, 1 << 16, 1 << 21, GoAlloc.maxAlignment] {
                for size in [1, 5000, 100_000] {
                    let block = try #require(GoAlloc.allocate(byteCount: size, alignment: alignment))
                    #expect(Int(bitPattern: block) % alignment == 0, "size \(size) alignment \(alignment)")
                    #expect(GoAlloc.usableSize(of: block) == (size + 8191) / 8192 * 8192)
                    block.initializeMemory(as: UInt8.self, repeating: 0x5A, count: size)
                    GoAlloc.deallocate(block)
                    GoAlloc.checkInvariants()
                }
            }
            // Only the aligned spans were in use; the pages around them went straight back.
            #expect(GoAlloc.readMemStats().heapInuse == before.heapInuse)
        }

        @Test func largeObjectsGetWholePagesAndGoBackAtOnce() throws {
            let before = GoAlloc.readMemStats()
            for size in [32769, 100_000, 1 << 20, 70 << 20] { // the last one spans two arenas
                let block = try #require(GoAlloc.allocate(byteCount: size))
                #expect(Int(bitPattern: block) % GoAlloc.pageSize == 0)
                #expect(GoAlloc.usableSize(of: block) == (size + 8191) / 8192 * 8192)
                let stats = GoAlloc.readMemStats()
                #expect(stats.heapInuse >= before.heapInuse + UInt64((size + 8191) / 8192 * 8192))
                let bytes = block.assumingMemoryBound(to: UInt8.self)
                bytes[0] = 1
                bytes[size - 1] = 2
                GoAlloc.deallocate(block)
                GoAlloc.checkInvariants()
            }
            let after = GoAlloc.readMemStats()
            #expect(after.heapInuse == before.heapInuse)
            #expect(after.totalAlloc - before.totalAlloc == UInt64([32769, 100_000, 1 << 20, 70 << 20].map { ($0 + 8191) / 8192 * 8192 }.reduce(0, +)))
            #expect(after.mallocs - before.mallocs == 4)
            #expect(after.frees - before.frees == 4)
        }

        @Test func hugeRequestsFailInsteadOfCrashing() {
            #expect(GoAlloc.allocate(byteCount: 1 << 50) == nil)
            #expect(GoAlloc.allocate(byteCount: -1) == nil)
            // Within GoAlloc's limit but beyond what the OS will commit: the heap's growth fails
            // and leaves the heap as it was.
            let before = GoAlloc.readMemStats()
            #expect(GoAlloc.allocate(byteCount: 1 << 45) == nil)
            let after = GoAlloc.readMemStats()
            #expect(after.heapSys == before.heapSys)
            #expect(after.gcSys == before.gcSys)
            GoAlloc.checkInvariants()
        }

        @Test func reallocateKeepsContentsAcrossClassesAndIntoLargeSpans() throws {
            var block = try #require(GoAlloc.allocate(byteCount: 10))
            var size = 10
            for byte in 0..<size { block.storeBytes(of: UInt8(byte), toByteOffset: byte, as: UInt8.self) }
            for next in [11, 16, 17, 100, 1000, 5000, 40000, 300_000, 120_000, 4000, 64, 9, 1] {
                block = try #require(GoAlloc.reallocate(block, byteCount: next))
                for byte in 0..<min(size, next) {
                    #expect(block.load(fromByteOffset: byte, as: UInt8.self) == UInt8(truncatingIfNeeded: byte), "after resizing to \(next)")
                }
                for byte in 0..<next { block.storeBytes(of: UInt8(truncatingIfNeeded: byte), toByteOffset: byte, as: UInt8.self) }
                #expect(GoAlloc.usableSize(of: block) >= next)
                size = next
            }
            GoAlloc.deallocate(block)
            let fresh = try #require(GoAlloc.reallocate(nil, byteCount: 50))
            GoAlloc.deallocate(fresh)
            GoAlloc.checkInvariants()
        }

        @Test func zeroedMemoryIsZeroEvenWhenReused() throws {
            for size in [48, 3000, 50000, 2 << 20] {
                let dirty = try #require(GoAlloc.allocate(byteCount: size))
                dirty.initializeMemory(as: UInt8.self, repeating: 0xFF, count: size)
                GoAlloc.deallocate(dirty)
                let clean = try #require(GoAlloc.allocateZeroed(byteCount: size))
                let bytes = UnsafeRawBufferPointer(start: clean, count: size)
                #expect(bytes.allSatisfy { $0 == 0 }, "size \(size)")
                GoAlloc.deallocate(clean)
            }
        }

        @Test func typedHelpers() {
            let values = GoAlloc.allocate(Double.self, capacity: 10)
            values.initialize(repeating: 1.5, count: 10)
            #expect(values[9] == 1.5)
            values.deinitialize(count: 10)
            GoAlloc.deallocate(values, capacity: 10)
        }

        /// Random allocations and frees of every size, small and large, any alignment: contents
        /// survive, no two live blocks overlap, and the heap's invariants hold throughout.
        @Test func randomWorkloadKeepsContentsAndNeverOverlaps() throws {
            var random = SeededGenerator(seed: 42)
            var shadow = ShadowHeap()
            var live: [Block] = []
            for step in 0..<6000 {
                if live.isEmpty || (live.count < 800 && Bool.random(using: &random)) {
                    let size = Int.random(in: 0...9, using: &random) == 0
                        ? Int.random(in: 32769...400_000, using: &random)
                        : Int.random(in: 1...3000, using: &random)
                    let alignment = 1 << Int.random(in: 0...13, using: &random)
                    let block = Block(pointer: try #require(GoAlloc.allocate(byteCount: size, alignment: alignment)),
                                      size: size, alignment: alignment, tag: UInt64(step))
                    #expect(Int(bitPattern: block.pointer) % max(alignment, 16) == 0)
                    if let overlapped = shadow.insert(block) {
                        Issue.record("step \(step): new block of \(size) overlaps a live one of \(overlapped.size)")
                        return
                    }
                    block.fill()
                    live.append(block)
                } else {
                    let block = live.remove(at: Int.random(in: 0..<live.count, using: &random))
                    if let offset = block.firstCorruptByte() {
                        Issue.record("step \(step): block of \(block.size) corrupt at offset \(offset)")
                        return
                    }
                    shadow.remove(block)
                    if Bool.random(using: &random) {
                        GoAlloc.deallocate(block.pointer, byteCount: block.size, alignment: block.alignment)
                    } else {
                        GoAlloc.deallocate(block.pointer)
                    }
                }
                if step % 500 == 0 { GoAlloc.checkInvariants() }
            }
            for block in live {
                #expect(block.firstCorruptByte() == nil)
                GoAlloc.deallocate(block.pointer)
            }
            GoAlloc.checkInvariants()
        }
    }
}
