import Foundation
import Testing
@testable import GoAlloc

extension HeapTests {
    /// Threads on stacks from GoAlloc's heap: where the pages go, the cache, many threads, threads
    /// nobody joins, deep recursion, and the guard page.
    @Suite struct Stacks {
        /// Stacks handed out and not freed, read under the heap lock.
        static var stacksInUse: Int {
            let globals = Globals.shared
            globals.heap.pointee.lock.lock()
            defer { globals.heap.pointee.lock.unlock() }
            return globals.pointee.stacks.stacksInUse
        }

        /// Makes sure the heap has a free run of `bytes`, so that a stack span of that size is
        /// carved from pages the heap already has instead of from a new 4 MiB growth step.
        static func makeRoom(_ bytes: Int) throws {
            GoAlloc.deallocate(try #require(GoAlloc.allocate(byteCount: bytes)))
        }

        @Test func aStackSpansPagesLeaveTheHeapForStacksAndComeBack() throws {
            GoAlloc.freeOSMemory() // an empty stack cache
            try Self.makeRoom(4 * StackPool.poolSpanBytes)
            let before = GoAlloc.readMemStats()
            #expect(before.stackInuse == 0)
            nonisolated(unsafe) var during = MemStats()
            nonisolated(unsafe) var stack: UnsafeMutableRawBufferPointer?
            let thread = try GoAlloc.spawnOnHeapStack(stackBytes: 64 << 10) {
                stack = GoAlloc.currentHeapStack()
                during = GoAlloc.readMemStats()
            }
            thread.join()
            // One pool span of 512 KiB (eight 64 KiB stacks) went from the heap's idle pages to stacks.
            let span = UInt64(StackPool.poolSpanBytes)
            #expect(during.stackInuse - before.stackInuse == span)
            #expect(during.stackSys - before.stackSys == span)
            #expect(before.heapSys - during.heapSys == span)
            // HeapIdle gave the span, and the pages of any span that starting the thread allocated from.
            #expect((before.heapIdle - during.heapIdle) - (during.heapInuse - before.heapInuse) == span)
            #expect(during.heapSys + during.stackSys == before.heapSys + before.stackSys, "the pages moved from HeapSys to StackSys")
            #expect(violatedInvariants(during).isEmpty)
            // The thread ran on its stack: the usable part is the stack less the guard page.
            let usable = try #require(stack)
            #expect(usable.count == (64 << 10) - StackPool.guardBytes)
            #expect(GoAlloc.owns(usable.baseAddress!), "the stack lies in a span of the heap")

            // Joined: the stack is free, and its span stays cached as stack memory.
            let joined = GoAlloc.readMemStats()
            #expect(Self.stacksInUse == 0)
            #expect(joined.stackInuse == during.stackInuse)
            GoAlloc.checkInvariants()
            // freeOSMemory empties the cache: the pages are heap pages again.
            GoAlloc.freeOSMemory()
            let after = GoAlloc.readMemStats()
            #expect(after.stackInuse == 0 && after.stackSys == 0)
            #expect(after.heapSys == before.heapSys)
            #expect(violatedInvariants(after).isEmpty)
            GoAlloc.checkInvariants()
        }

        @Test func theCacheServesTheNextThreadWithoutTheHeap() throws {
            GoAlloc.freeOSMemory()
            nonisolated(unsafe) var stacks: [UnsafeMutableRawPointer?] = []
            var stats: [MemStats] = []
            for _ in 0..<3 {
                let thread = try GoAlloc.spawnOnHeapStack(stackBytes: 32 << 10) {
                    stacks.append(GoAlloc.currentHeapStack()?.baseAddress)
                }
                thread.join()
                stats.append(GoAlloc.readMemStats())
            }
            #expect(stacks[0] != nil)
            #expect(stacks[1] == stacks[0] && stacks[2] == stacks[0], "the freed stack is reused")
            #expect(stats[1].stackInuse == stats[0].stackInuse && stats[2].stackInuse == stats[0].stackInuse)
            #expect(stats[2].heapSys == stats[0].heapSys, "no pages moved between the heap and the stacks")
            GoAlloc.checkInvariants()
        }

        @Test func manyThreadsAtOnceEachOnAStackOfItsOwn() throws {
            GoAlloc.freeOSMemory()
            let count = 48
            let gate = Gate()
            nonisolated(unsafe) var stacks: [UInt] = []
            nonisolated(unsafe) var sums: [Int: UInt64] = [:]
            // Handles are not copyable (each is joined once), so they live in raw memory, not an Array.
            let threads = UnsafeMutablePointer<HeapStackThread>.allocate(capacity: count)
            defer { threads.deallocate() }
            for index in 0..<count {
                // Three orders, so that three pools fill at once.
                let bytes = (32 << 10) << (index % 3)
                (threads + index).initialize(to: try GoAlloc.spawnOnHeapStack(stackBytes: bytes) {
                    // Fill 4 KiB of this stack while every other thread fills its own.
                    let sum = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 512) { local in
                        for slot in 0..<local.count { local[slot] = UInt64(index &* 1_000_003 &+ slot) }
                        gate.arriveAndWait { stacks.append(UInt(bitPattern: GoAlloc.currentHeapStack()!.baseAddress!)) }
                        return local.reduce(0, &+)
                    }
                    gate.locked { sums[index] = sum }
                })
            }
            gate.waitForArrivals(count)
            gate.locked {
                #expect(Set(stacks).count == count, "no two running threads share a stack")
            }
            #expect(Self.stacksInUse == count)
            GoAlloc.checkInvariants(includingCaches: false)
            gate.open()
            for index in 0..<count { (threads + index).move().join() }
            for index in 0..<count {
                let expected = (0..<512).reduce(UInt64(0)) { $0 &+ UInt64(index &* 1_000_003 &+ $1) }
                #expect(sums[index] == expected, "thread \(index)'s stack kept its contents")
            }
            #expect(Self.stacksInUse == 0)
            GoAlloc.checkInvariants()
            GoAlloc.freeOSMemory()
            #expect(GoAlloc.readMemStats().stackInuse == 0)
        }

        @Test func aThreadNobodyJoinsGetsItsStackFreedAfterItExits() throws {
            GoAlloc.freeOSMemory()
            let gate = Gate()
            let thread = try GoAlloc.spawnOnHeapStack(stackBytes: 320 << 10) { gate.arriveAndWait {} }
            thread.detach()
            // Running: a MemStats read (which reaps) must leave its stack alone.
            let running = GoAlloc.readMemStats()
            #expect(Self.stacksInUse == 1)
            #expect(running.stackInuse == 320 << 10)
            gate.open()
            // Ended: the next read finds it and frees the stack (waiting at most ten seconds for it to end).
            let deadline = Date().addingTimeInterval(10)
            while Self.stacksInUse > 0 && Date() < deadline {
                _ = GoAlloc.readMemStats()
                usleep(1000)
            }
            #expect(Self.stacksInUse == 0, "the exited thread's stack was freed")
            GoAlloc.checkInvariants()
            GoAlloc.freeOSMemory()
            #expect(GoAlloc.readMemStats().stackInuse == 0)
        }

        @Test func deepRecursionRunsOnALargeHeapStack() throws {
            GoAlloc.freeOSMemory()
            try Self.makeRoom(8 << 20)
            let before = GoAlloc.readMemStats()
            nonisolated(unsafe) var result: UInt64 = 0
            nonisolated(unsafe) var during = MemStats()
            // 2000 frames with 1 KiB locals: about 2.2 MiB of a 4 MiB stack.
            let thread = try GoAlloc.spawnOnHeapStack(stackBytes: 4 << 20) {
                result = recurse(2000)
                during = GoAlloc.readMemStats()
            }
            thread.join()
            #expect(result == (0...2000).reduce(UInt64(0)) { $0 &+ UInt64(UInt8(truncatingIfNeeded: $1)) })
            #expect(during.stackInuse - before.stackInuse == 4 << 20, "a span of its own, whole pages")
            #expect(before.heapSys - during.heapSys == 4 << 20)
            #expect(violatedInvariants(during).isEmpty)
            GoAlloc.checkInvariants()
            GoAlloc.freeOSMemory()
            #expect(GoAlloc.readMemStats().stackInuse == 0)
        }

        @Test func sizesRoundUpToAnOrderOrToWholePages() {
            #expect(StackPool.stackSize(for: 0) == 32 << 10)
            #expect(StackPool.stackSize(for: 32 << 10) == 32 << 10)
            #expect(StackPool.stackSize(for: (32 << 10) + 1) == 64 << 10)
            #expect(StackPool.stackSize(for: 256 << 10) == 256 << 10)
            #expect(StackPool.stackSize(for: (256 << 10) + 1) == (256 << 10) + 8192)
        }

        @Test func aStartThatCannotSucceedReportsWhy() {
            #expect(throws: HeapStackThread.StartError.self) { try GoAlloc.spawnOnHeapStack(stackBytes: -1) {}.join() }
            #expect(throws: HeapStackThread.StartError.self) { try GoAlloc.spawnOnHeapStack(stackBytes: 1 << 50) {}.join() }
            #expect(Self.stacksInUse == 0)
        }

        @Test func anOverflowStopsAtTheGuardPage() async {
            await #expect(processExitsWith: .signal(SIGSEGV)) {
                let thread = try! GoAlloc.spawnOnHeapStack(stackBytes: 32 << 10) { _ = recurse(1000) }
                thread.join()
            }
        }
    }
}

/// Threads that arrive and wait until the test opens the gate.
private final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrivals = 0
    private var isOpen = false

    /// Runs `body` under the gate's lock, counts the arrival, and waits for the gate to open.
    func arriveAndWait(_ body: () -> Void) {
        condition.lock()
        body()
        arrivals += 1
        condition.broadcast()
        while !isOpen { condition.wait() }
        condition.unlock()
    }

    func waitForArrivals(_ count: Int) {
        condition.lock()
        while arrivals < count { condition.wait() }
        condition.unlock()
    }

    func open() {
        locked { isOpen = true }
        condition.broadcast()
    }

    func locked(_ body: () -> Void) {
        condition.lock()
        body()
        condition.unlock()
    }
}

/// One frame per level with a 1 KiB local that is written and read, so the stack really grows.
@inline(never)
private func recurse(_ depth: Int) -> UInt64 {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { local in
        local.initialize(repeating: UInt8(truncatingIfNeeded: depth))
        return depth == 0 ? UInt64(local[0]) : recurse(depth - 1) &+ UInt64(local[1023])
    }
}
