#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GoAlloc

/// Go's lock discipline, checked: a `...Locked` function entered without its lock stops the
/// process in debug and test builds (release builds check nothing and pay nothing).
@Suite struct LockDisciplineTests {
    @Test func aLockedFunctionEnteredWithoutItsLockStopsTheProcess() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.allocate(byteCount: 16) // the heap exists
            _ = Globals.shared.heap.findRunLocked(npages: 1)
        }
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("goalloc: fatal error: a ...Locked function was entered without its lock held"), "\(output)")
    }

    @Test func theSameCallWithTheLockHeldGoesThrough() {
        _ = GoAlloc.allocate(byteCount: 16)
        let heap = Globals.shared.heap
        heap.pointee.lock.lock()
        _ = heap.findRunLocked(npages: 1)
        heap.pointee.lock.unlock()
    }
}
