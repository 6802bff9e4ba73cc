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
        expectMessage(result, "free of memory GoAlloc has already freed (a large object freed twice?)")
    }

    @Test func freeingTheMiddleOfALargeObject() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocate(byteCount: 100_000)!
            GoAlloc.deallocate(block + 8192)
        }
        expectMessage(result, "free of a pointer into the middle of a large object")
    }

    /// As glibc's tcache does: the second free finds the key the first left in the object.
    @Test func freeingASmallObjectTwiceIsCaughtAtTheCall() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocateForMalloc(byteCount: 48)!
            GoAlloc.deallocate(block)
            GoAlloc.deallocate(block)
        }
        expectMessage(result, "double free of a small object")
    }

    /// Once the first free's batch went back to its span, the thread's list no longer has the
    /// object: the second free is caught when its batch follows.
    @Test func freeingASmallObjectTwiceIsCaughtWhenItGoesBackToItsSpan() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocate(byteCount: 200)!
            let neighbour = GoAlloc.allocate(byteCount: 200)! // keeps the span in use
            GoAlloc.deallocate(block)
            GoAlloc.releaseThreadCache()
            GoAlloc.deallocate(block)
            _ = neighbour
            GoAlloc.releaseThreadCache()
        }
        expectMessage(result, "double free: the object is already free in its span")
    }

    @Test func reallocatingMemoryGoAllocDoesNotOwn() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            _ = GoAlloc.allocate(byteCount: 16)
            _ = GoAlloc.reallocate(malloc(64)!, byteCount: 128)
        }
        expectMessage(result, "realloc of a pointer GoAlloc does not own")
    }

    @Test func freeingTheMiddleOfASmallObject() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocateForMalloc(byteCount: 64)!
            GoAlloc.deallocate(block + 8)
        }
        expectMessage(result, "free of a pointer into the middle of an object")
    }

    /// A pointer into the middle of an object that is 16-byte aligned passes free's fast path (its
    /// page has the class); it is caught when its batch goes back to its span.
    @Test func freeingTheMiddleOfASmallObjectAtAnAlignedOffsetIsCaughtWhenItGoesBackToItsSpan() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            let block = GoAlloc.allocateForMalloc(byteCount: 64)!
            GoAlloc.deallocate(block + 16)
            GoAlloc.releaseThreadCache()
        }
        expectMessage(result, "free of a pointer into the middle of an object")
    }

    /// A live object whose second word happens to hold the key (data, not a double free) is freed
    /// as usual after the search finds it on no list.
    @Test func anObjectThatLooksFreedButIsNotIsFreed() {
        let block = GoAlloc.allocateForMalloc(byteCount: 48)!
        FreedKey.mark(block)
        GoAlloc.deallocate(block)
        let again = GoAlloc.allocateForMalloc(byteCount: 48)!
        #expect(again == block, "the free went through: the next allocation reuses the block")
        GoAlloc.deallocate(again)
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
