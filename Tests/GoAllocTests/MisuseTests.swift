#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GoAlloc

/// Misuse that GoAlloc can detect cheaply stops the process with a message. Each body runs in a
/// child process (an exit test), which must abort with GoAlloc's message on standard error.
@Suite struct MisuseTests {
    func expectMessage(_ result: ExitTest.Result?, _ message: String) {
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("goalloc: fatal error: \(message)"), "stderr: \(output.prefix(300))")
    }

    @Test func freeingMemoryGoAllocDoesNotOwn() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.allocate(byteCount: 16)
            GoAlloc.deallocate(malloc(64)!)
        }
        expectMessage(result, "free of a pointer GoAlloc does not own")
    }

    @Test func freeingALargeObjectTwice() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocate(byteCount: 100_000)!
            GoAlloc.deallocate(block)
            GoAlloc.deallocate(block) // its pages no longer belong to a span
        }
        expectMessage(result, "free of a pointer GoAlloc does not own")
    }

    @Test func freeingTheMiddleOfALargeObject() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocate(byteCount: 100_000)!
            GoAlloc.deallocate(block + 8192)
        }
        expectMessage(result, "free of a pointer into the middle of a large object")
    }

    @Test func freeingASmallObjectTwiceIsCaughtWhenItGoesBackToItsSpan() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocate(byteCount: 200)!
            GoAlloc.deallocate(block)
            GoAlloc.deallocate(block)
            GoAlloc.releaseThreadCache()
        }
        expectMessage(result, "double free: the object is already free in its span")
    }

    @Test func freeingWithTheWrongSizeIsCaughtWhenItGoesBackToItsSpan() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocate(byteCount: 200)!
            GoAlloc.deallocate(block, byteCount: 1000)
            GoAlloc.releaseThreadCache()
        }
        expectMessage(result, "object freed with the wrong size")
    }
}
