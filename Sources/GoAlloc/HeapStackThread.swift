// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif

/// A thread whose stack comes from GoAlloc's heap, as a goroutine's does in Go: while the thread
/// has it, the stack's pages count in StackInuse and StackSys instead of HeapSys and HeapIdle.
///
///     let thread = try GoAlloc.spawnOnHeapStack(stackBytes: 64 << 10) { work() }
///     thread.join()   // the stack goes back to GoAlloc's stack cache
///
/// Join it, or detach it: a detached thread's stack is freed once the thread has exited (found at
/// the next thread start, MemStats read or freeOSMemory), never while it runs on it. A thread
/// that overflows its stack stops the process at the stack's guard page.
public struct HeapStackThread: ~Copyable {
    private let record: UnsafeMutablePointer<StackThread>

    fileprivate init(_ record: UnsafeMutablePointer<StackThread>) {
        self.record = record
    }

    /// Waits for the thread to end and frees its stack.
    public consuming func join() {
        record.join()
    }

    /// Lets the thread run on unwaited; its stack is freed after it ends.
    public consuming func detach() {
        record.detach()
    }

    /// Why a thread could not be started.
    public struct StartError: Error, CustomStringConvertible {
        /// The errno value: ENOMEM (no memory for the stack), EAGAIN (no thread), EINVAL.
        public let code: Int32

        public var description: String { "cannot start a thread on a heap stack: \(String(cString: strerror(code)))" }
    }
}

extension GoAlloc {
    /// The smallest stack ``spawnOnHeapStack(stackBytes:_:)`` gives: smaller requests get this.
    public static let minimumStackBytes = StackPool.minStackBytes

    /// Runs `body` on a new thread whose stack is a stack span from GoAlloc's heap, of at least
    /// `stackBytes` (rounded up to 32, 64, 128 or 256 KiB, or to whole pages above that). As with
    /// glibc's own stack sizes, the size includes what glibc keeps at the top of the stack (the
    /// thread's descriptor and static TLS, a few KiB), and here also the guard page at the bottom.
    public static func spawnOnHeapStack(stackBytes: Int, _ body: @escaping @Sendable () -> Void) throws(HeapStackThread.StartError)
        -> HeapStackThread {
        final class Body {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let started = StackThread.start(stackBytes: stackBytes, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        switch started {
        case .success(let record):
            return HeapStackThread(record)
        case .failure(let error):
            Unmanaged<Body>.fromOpaque(context).release()
            throw error
        }
    }

    /// Starts `start(argument)` on a thread with a heap stack, for C callers (libgoalloc.so's
    /// `goalloc_thread_create`): the handle for ``joinThread(_:)`` or ``detachThread(_:)``, or an
    /// errno value.
    public static func startThread(stackBytes: Int, _ start: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?,
                                   _ argument: UnsafeMutableRawPointer?) -> Result<UnsafeMutableRawPointer, HeapStackThread.StartError> {
        StackThread.start(stackBytes: stackBytes, start, argument).map { UnsafeMutableRawPointer($0) }
    }

    /// Joins a thread from ``startThread(stackBytes:_:_:)`` and frees its stack.
    public static func joinThread(_ handle: UnsafeMutableRawPointer) {
        handle.assumingMemoryBound(to: StackThread.self).join()
    }

    /// Detaches a thread from ``startThread(stackBytes:_:_:)``: its stack is freed after it ends.
    public static func detachThread(_ handle: UnsafeMutableRawPointer) {
        handle.assumingMemoryBound(to: StackThread.self).detach()
    }

    /// The usable part of the heap stack the calling thread runs on (its lowest byte is just
    /// above the guard page; glibc's thread descriptor is at its top), or nil when the thread
    /// runs on another stack.
    public static func currentHeapStack() -> UnsafeMutableRawBufferPointer? {
        Globals.existing?.currentStack()
    }
}
