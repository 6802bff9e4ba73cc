#if canImport(Glibc)
import Glibc
#endif
import CGoAllocABI

/// Starts the threads a workload makes itself: when the worker's malloc is GoAlloc
/// (``AllocatorName/isGoAlloc``), on stacks from GoAlloc's heap through libgoalloc.so's
/// `goalloc_thread_create`, as a goroutine's stack comes from Go's heap; on every other allocator,
/// as plain pthreads with glibc's default stack (which glibc maps itself, outside any malloc).
///
/// Make it before the measured region: finding libgoalloc.so's functions (dlsym) may allocate.
public struct WorkloadThreads: @unchecked Sendable {
    /// A thread's entry point, as pthread_create takes it.
    public typealias Start = goalloc_thread_start_fn

    /// libgoalloc.so's thread functions, when they are loaded.
    private struct HeapStacks {
        let create: goalloc_thread_create_fn
        let join: goalloc_thread_finish_fn
        let detach: goalloc_thread_finish_fn
        let currentStack: goalloc_current_stack_fn
    }

    private let heapStacks: HeapStacks?

    /// Prepares to start threads the way `allocator` gets them.
    public init(_ allocator: AllocatorName) {
        guard allocator.isGoAlloc,
              let create = NativeStatsReader.symbol("goalloc_thread_create", as: goalloc_thread_create_fn.self),
              let join = NativeStatsReader.symbol("goalloc_thread_join", as: goalloc_thread_finish_fn.self),
              let detach = NativeStatsReader.symbol("goalloc_thread_detach", as: goalloc_thread_finish_fn.self),
              let currentStack = NativeStatsReader.symbol("goalloc_current_stack", as: goalloc_current_stack_fn.self)
        else {
            heapStacks = nil
            return
        }
        heapStacks = HeapStacks(create: create, join: join, detach: detach, currentStack: currentStack)
    }

    /// Whether threads get stacks from GoAlloc's heap.
    public var onHeapStacks: Bool { heapStacks != nil }

    /// A thread started by ``start(stackBytes:_:_:)``; join or detach it once.
    public enum Thread {
        case pthread(pthread_t)
        case heapStack(UnsafeMutableRawPointer)
    }

    /// Why a thread could not start.
    public struct StartError: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { "cannot start a thread: \(String(cString: strerror(code)))" }
    }

    /// Starts `start(argument)` on a new thread. `stackBytes` is the heap stack's size (see
    /// GoAlloc's `spawnOnHeapStack`); a pthread gets glibc's default stack.
    public func start(stackBytes: Int, _ start: Start, _ argument: UnsafeMutableRawPointer?) throws(StartError) -> Thread {
        if let heapStacks {
            var handle: UnsafeMutableRawPointer?
            let result = heapStacks.create(&handle, stackBytes, start, argument)
            guard result == 0, let handle else { throw StartError(code: result) }
            return .heapStack(handle)
        }
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, start, argument)
        guard result == 0 else { throw StartError(code: result) }
        return .pthread(thread)
    }

    /// Waits for the thread to end (its heap stack goes back to GoAlloc).
    public func join(_ thread: Thread) {
        switch thread {
        case .pthread(let thread): pthread_join(thread, nil)
        case .heapStack(let handle): heapStacks?.join(handle)
        }
    }

    /// Lets the thread run on unwaited (a heap stack is freed once the thread has exited).
    public func detach(_ thread: Thread) {
        switch thread {
        case .pthread(let thread): pthread_detach(thread)
        case .heapStack(let handle): heapStacks?.detach(handle)
        }
    }

    /// The usable part of the heap stack the calling thread runs on, or nil on any other stack.
    public func currentHeapStack() -> UnsafeMutableRawBufferPointer? {
        var low: UnsafeMutableRawPointer?
        var bytes = 0
        guard let heapStacks, heapStacks.currentStack(&low, &bytes) == 1 else { return nil }
        return UnsafeMutableRawBufferPointer(start: low, count: bytes)
    }
}
