#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc
import Testing
@testable import GoAlloc

/// Go's lock discipline, checked: a thread takes GoAlloc's locks in increasing rank only
/// (LockRank.swift), and a `...Locked` function entered without its lock stops the process, in
/// debug and test builds (release builds check nothing and pay nothing). Each broken rule runs in
/// a child process (an exit test), so the suite survives it.
@Suite struct LockDisciplineTests {
    /// Expects the child's standard error to hold GoAlloc's fatal error `message`.
    func expectMessage(_ result: ExitTest.Result?, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("goalloc: fatal error: \(message)"), "\(output)", sourceLocation: sourceLocation)
    }

    @Test func aLockedFunctionEnteredWithoutItsLockStopsTheProcess() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.allocate(byteCount: 16) // the heap exists
            _ = Globals.shared.heap.findRunLocked(npages: 1)
        }
        expectMessage(result, "a ...Locked function was entered without its lock held")
    }

    @Test func aCentralsLockedFunctionEnteredWithoutItsLockStopsTheProcess() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.allocate(byteCount: 16)
            Globals.shared.central(3).checkListsLocked()
        }
        expectMessage(result, "a ...Locked function was entered without its lock held")
    }

    @Test func theSameCallWithTheLockHeldGoesThrough() {
        _ = GoAlloc.allocate(byteCount: 16)
        let heap = Globals.shared.heap
        heap.pointee.lock.lock()
        #expect(goalloc_held_ranks()[Int(LockRank.heap.rawValue)] == 1)
        let run = heap.findRunLocked(npages: 1)
        heap.pointee.lock.unlock()
        #expect(run != nil, "the heap has free pages after its first allocation")
        #expect(goalloc_held_ranks()[Int(LockRank.heap.rawValue)] == 0)
    }

    @Test func anExplicitCentralTakenWhileHoldingTheHeapLockStopsTheProcess() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.allocate(byteCount: 16)
            Globals.shared.heap.pointee.lock.lock()
            Globals.shared.central(3).pointee.lock.lock()
        }
        expectMessage(result, "lock order: an explicit MCentral lock (rank 2) taken while holding the heap lock (rank 3)")
    }

    @Test func theHeapLockTakenTwiceStopsTheProcessInsteadOfDeadlocking() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.allocate(byteCount: 16)
            Globals.shared.heap.pointee.lock.lock()
            Globals.shared.heap.pointee.lock.lock()
        }
        expectMessage(result, "lock order: the heap lock taken while holding it (rank 3 does not nest)")
    }

    @Test func theCycleLockTakenWhileHoldingTheHeapLockStopsTheProcess() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.Managed.allocate(byteCount: 16, alignment: 16)
            Globals.shared.heap.pointee.lock.lock()
            Globals.shared.gc.pointee.cycleLock.lock()
        }
        expectMessage(result, "lock order: the GC cycle lock (rank 1) taken while holding the heap lock (rank 3)")
    }

    @Test func theHeapLockTakenWhileHoldingAManagedCentralStopsTheProcess() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.Managed.allocate(byteCount: 16, alignment: 16)
            Globals.shared.gc.pointee.centrals.unsafelyUnwrapped[5].lock.lock()
            Globals.shared.heap.pointee.lock.lock()
        }
        expectMessage(result, "lock order: the heap lock (rank 3) taken while holding a managed MCentral lock (rank 4)")
    }

    /// What the order allows: the ranks in increasing order, and several centrals of one rank.
    @Test func locksInRankOrderAndNestedCentralsGoThrough() {
        _ = GoAlloc.Managed.allocate(byteCount: 16, alignment: 16)
        let globals = Globals.shared
        InitLock.lock()
        globals.gc.pointee.cycleLock.lock()
        globals.central(2).pointee.lock.lock()
        globals.central(3).pointee.lock.lock()
        globals.heap.pointee.lock.lock()
        globals.gc.lockCentrals()
        let held = goalloc_held_ranks()!
        #expect((0..<LockRank.allCases.count).map { Int(held[$0]) } == [1, 1, 2, 1, GC.spanClassCount])
        globals.gc.unlockCentrals()
        globals.heap.pointee.lock.unlock()
        globals.central(3).pointee.lock.unlock()
        globals.central(2).pointee.lock.unlock()
        globals.gc.pointee.cycleLock.unlock()
        InitLock.unlock()
        #expect((0..<LockRank.allCases.count).allSatisfy { held[$0] == 0 })
    }

    /// The ranks the locks were given are the ones LockRank's table names.
    @Test func everyLockHasTheRankTheOrderNames() {
        _ = GoAlloc.Managed.allocate(byteCount: 16, alignment: 16)
        let globals = Globals.shared
        let held = goalloc_held_ranks()!
        func rankTaken(_ lock: UnsafeMutablePointer<Mutex>) -> Int? {
            lock.pointee.lock()
            defer { lock.pointee.unlock() }
            return (0..<LockRank.allCases.count).first { held[$0] == 1 }
        }
        #expect(rankTaken(&globals.heap.pointee.lock) == Int(LockRank.heap.rawValue))
        #expect(rankTaken(&globals.central(7).pointee.lock) == Int(LockRank.explicitCentral.rawValue))
        #expect(rankTaken(&globals.gc.pointee.cycleLock) == Int(LockRank.gcCycle.rawValue))
        #expect(rankTaken(&globals.gc.pointee.centrals.unsafelyUnwrapped[9].lock) == Int(LockRank.managedCentral.rawValue))
    }
}
