// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// A pthread running on a stack from GoAlloc's heap (StackAlloc.swift): the record behind
/// ``HeapStackThread`` and libgoalloc.so's `goalloc_thread_create` handle. A heap object, as Go's
/// `g` is.
///
/// glibc places the thread's descriptor and static TLS at the top of a stack it is given and
/// runs the thread below them; the stack's lowest OS page is the guard. A stack can be reused only
/// once the thread has certainly left it, which `pthread_join` tells: so every thread is created
/// joinable, and one that its starter will not join ("detached") goes on a list that the reaper
/// joins without waiting (`pthread_tryjoin_np`) at the next thread start, MemStats read or
/// freeOSMemory, freeing the stacks of those that have exited.
struct StackThread {
    var thread = pthread_t()
    var stack: Stack
    /// The next unjoined thread (heap lock).
    var next: UnsafeMutablePointer<StackThread>?

    /// Starts `start(argument)` on a new thread with a heap stack of at least `stackBytes`.
    /// Returns the thread, or an errno value: EINVAL for a negative size, ENOMEM when there is no
    /// memory for the stack, pthread_create's error (EAGAIN) when no thread can be made.
    static func start(stackBytes: Int, _ start: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?,
                      _ argument: UnsafeMutableRawPointer?) -> Result<UnsafeMutablePointer<StackThread>, HeapStackThread.StartError> {
        guard stackBytes >= 0 else { return .failure(HeapStackThread.StartError(code: EINVAL)) }
        let globals = Globals.shared
        globals.reapExitedThreads()
        guard stackBytes <= GoAlloc.maxAllocation, let stack = globals.stackAlloc(bytes: stackBytes) else {
            return .failure(HeapStackThread.StartError(code: ENOMEM))
        }
        guard let memory = GoAlloc.allocate(byteCount: MemoryLayout<StackThread>.stride) else {
            globals.stackFree(stack)
            return .failure(HeapStackThread.StartError(code: ENOMEM))
        }
        let record = memory.bindMemory(to: StackThread.self, capacity: 1)
        record.initialize(to: StackThread(stack: stack))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        let guardBytes = StackPool.guardBytes
        pthread_attr_setstack(&attributes, UnsafeMutableRawPointer(bitPattern: stack.low + UInt(guardBytes)),
                              stack.bytes - guardBytes)
        let result = pthread_create(&record.pointee.thread, &attributes, start, argument)
        pthread_attr_destroy(&attributes)
        guard result == 0 else {
            record.free()
            return .failure(HeapStackThread.StartError(code: result))
        }
        return .success(record)
    }
}

extension UnsafeMutablePointer where Pointee == StackThread {
    /// Waits for the thread to end, then frees its stack and this record.
    func join() {
        let result = pthread_join(pointee.thread, nil)
        if result != 0 { fatal("pthread_join failed on a thread with a heap stack") }
        free()
    }

    /// Hands the thread to the reaper: its stack is freed once it has exited.
    func detach() {
        let globals = Globals.shared
        globals.heap.pointee.lock.lock()
        pointee.next = globals.pointee.stacks.unjoined
        globals.pointee.stacks.unjoined = self
        globals.heap.pointee.lock.unlock()
    }

    /// Frees the stack (no thread runs on it) and the record.
    fileprivate func free() {
        Globals.shared.stackFree(pointee.stack)
        GoAlloc.deallocate(UnsafeMutableRawPointer(self))
    }
}

extension UnsafeMutablePointer where Pointee == Globals {
    /// Joins the unjoined threads that have exited and frees their stacks. The list is taken
    /// whole, so two reapers never try the same thread; the threads still running go back on it.
    /// The joins happen without the heap lock (glibc frees the thread's TLS vector with free).
    func reapExitedThreads() {
        heap.pointee.lock.lock()
        var next = pointee.stacks.unjoined
        pointee.stacks.unjoined = nil
        heap.pointee.lock.unlock()
        var running: UnsafeMutablePointer<StackThread>?
        while let record = next {
            next = record.pointee.next
            if goalloc_tryjoin(record.pointee.thread) == 0 {
                record.free()
            } else {
                record.pointee.next = running
                running = record
            }
        }
        guard var last = running else { return }
        while let following = last.pointee.next { last = following }
        heap.pointee.lock.lock()
        last.pointee.next = pointee.stacks.unjoined
        pointee.stacks.unjoined = running
        heap.pointee.lock.unlock()
    }

    /// The usable part of the heap stack the calling thread runs on (above the guard page, up to
    /// the top, where glibc keeps the thread's descriptor), or nil on any other stack.
    func currentStack() -> UnsafeMutableRawBufferPointer? {
        var local = 0
        let address = withUnsafeMutablePointer(to: &local) { UInt(bitPattern: $0) }
        // The span cannot change under us: it holds the stack this code runs on.
        guard let span = MHeap.spanOf(address), span.pointee.state == .manual else { return nil }
        let size = span.pointee.elemsize
        let low = span.pointee.base + (address - span.pointee.base) / UInt(size) * UInt(size) + UInt(StackPool.guardBytes)
        return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: low), count: size - StackPool.guardBytes)
    }
}
