import Foundation
import Testing
@testable import GoAlloc

extension HeapTests {
    @Suite struct Concurrency {
        /// Blocks one thread hands to another, to be checked and freed there.
        final class Mailbox: @unchecked Sendable {
            private let lock = NSLock()
            private var blocks: [Block] = []

            func post(_ block: Block) {
                lock.withLock { blocks.append(block) }
            }

            func take() -> Block? {
                lock.withLock { blocks.popLast() }
            }
        }

        /// Several threads allocate and free at random, and a third of the blocks are freed by a
        /// thread other than the one that allocated them. Every block's pattern is checked before
        /// it is freed, so an overlap or a reuse of live memory shows up as corruption. Half the
        /// blocks come from calloc and must read as zero, whether carved or reused.
        @Test func stressWithCrossThreadFrees() throws {
            let before = GoAlloc.readMemStats()
            let mailbox = Mailbox()
            let corruptions = Mailbox()
            let unclearedCallocs = Mailbox()
            let threads = 4
            let done = DispatchGroup()
            for thread in 0..<threads {
                done.enter()
                Thread.detachNewThread {
                    var random = SeededGenerator(seed: UInt64(thread + 1) * 1_000_003)
                    var live: [Block] = []
                    for step in 0..<20_000 {
                        let roll = Int.random(in: 0..<100, using: &random)
                        if live.count < 300 && roll < 50 {
                            let size = roll == 0 ? Int.random(in: 32769...120_000, using: &random)
                                : Int.random(in: 1...1500, using: &random)
                            let zeroed = step & 1 == 0
                            guard let pointer = zeroed ? GoAlloc.allocateZeroed(byteCount: size) : GoAlloc.allocate(byteCount: size)
                            else { continue }
                            let block = Block(pointer: pointer, size: size, alignment: 16,
                                              tag: UInt64(thread << 32 | step))
                            if zeroed && !UnsafeRawBufferPointer(start: pointer, count: size).allSatisfy({ $0 == 0 }) {
                                unclearedCallocs.post(block)
                            }
                            block.fill()
                            live.append(block)
                        } else if roll < 70, !live.isEmpty {
                            mailbox.post(live.remove(at: Int.random(in: 0..<live.count, using: &random)))
                        } else if let block = roll < 85 ? mailbox.take() : live.popLast() {
                            if block.firstCorruptByte() != nil { corruptions.post(block) }
                            GoAlloc.deallocate(block.pointer)
                        }
                    }
                    for block in live {
                        if block.firstCorruptByte() != nil { corruptions.post(block) }
                        GoAlloc.deallocate(block.pointer)
                    }
                    done.leave()
                }
            }
            done.wait()
            while let block = mailbox.take() {
                #expect(block.firstCorruptByte() == nil)
                GoAlloc.deallocate(block.pointer)
            }
            #expect(corruptions.take() == nil, "a block was corrupted while live")
            #expect(unclearedCallocs.take() == nil, "calloc returned a block that was not zero")
            let after = GoAlloc.readMemStats()
            #expect(after.heapObjects == before.heapObjects, "every block was freed")
            #expect(violatedInvariants(after).isEmpty)
            GoAlloc.checkInvariants(includingCaches: false)
        }

        /// In a fresh process (an exit test): HeapInuse and the counts are the whole process's,
        /// and a collection in a test of another suite, running meanwhile, moves HeapInuse.
        @Test func aThreadsCacheGoesBackWhenTheThreadExits() async {
            await #expect(processExitsWith: .success) {
                GoAlloc.releaseThreadCache()
                let before = GoAlloc.readMemStats()
                nonisolated(unsafe) var during = MemStats()
                onNewThread {
                    // Objects of two classes, all freed into this thread's cache before it exits.
                    var blocks: [UnsafeMutableRawPointer] = []
                    for _ in 0..<300 { blocks.append(GoAlloc.allocate(byteCount: 12288)!) }
                    for _ in 0..<300 { blocks.append(GoAlloc.allocate(byteCount: 48)!) }
                    for block in blocks { GoAlloc.deallocate(block) }
                    during = GoAlloc.readMemStats()
                }
                let after = GoAlloc.readMemStats()
                guard during.mCacheInuse > before.mCacheInuse else { exit(1) } // the thread had a cache
                guard after.mCacheInuse == before.mCacheInuse else { exit(2) } // it went back to the FixAlloc
                guard after.heapObjects == before.heapObjects else { exit(3) }
                // Its objects went back to their spans, and empty spans to the heap.
                guard after.heapInuse == before.heapInuse else { exit(4) }
                guard after.mallocs - before.mallocs == 600 else { exit(5) } // counts of exited threads are kept
                guard after.bySize[56].mallocs - before.bySize[56].mallocs == 300 else { exit(6) } // 12288 bytes: class 56
                GoAlloc.checkInvariants()
            }
        }
    }
}
