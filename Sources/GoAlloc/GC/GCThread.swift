// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// A thread that uses the managed heap: what the collector needs to stop it and scan its stack,
/// and its private cache of managed spans (the managed half of Go's `mcache`, with Go's tiny
/// allocator). Registered on the thread's first managed allocation, unregistered when it exits.
///
/// Layout: this header, then one `ManagedClass` per span class (GC.spanClassCount).
struct GCThread {
    static let headerBytes = (MemoryLayout<GCThread>.stride + 63) & ~63
    static var bytes: Int { headerBytes + GC.spanClassCount * MemoryLayout<ManagedClass>.stride }

    /// Shared with the stop signal's handler; first, so that the C thread-local points at both.
    var stop = goalloc_stop_state()
    var next: UnsafeMutablePointer<GCThread>?
    var prev: UnsafeMutablePointer<GCThread>?
    /// The current tiny block (0: none) and the offset of its first free byte (Go's c.tiny,
    /// c.tinyoffset).
    var tiny: UInt = 0
    var tinyOffset = 0
    /// Allocations served from a tiny block already in use (Go's tinyAllocs; relaxed stores).
    var tinyAllocs: UInt64 = 0
}

/// One span class of a thread's managed cache: the span it allocates from, where the search for
/// a free slot resumes (Go's mspan.freeindex) and the free bits from there (Go's
/// mspan.allocCache; MallocGC.swift's nextFree). Whether the span's free slots hold old objects
/// is the span's `needzero`. 32 bytes, so the fast path finds a class's entry by shifting.
struct ManagedClass {
    var span: UnsafeMutablePointer<MSpan>?
    var freeIndex = 0
    /// The free bits (inverted allocBits) of the word holding `freeIndex`, shifted so that bit 0
    /// is `freeIndex`'s slot; 0 when they are used up (or not read yet).
    var allocCache: UInt64 = 0
    /// Allocations of this class by the thread (relaxed stores, read by ReadMemStats).
    var nmalloc: UInt64 = 0
}

extension UnsafeMutablePointer where Pointee == GCThread {
    /// The calling thread's record, if it is registered.
    @inline(__always)
    static var current: UnsafeMutablePointer<GCThread>? {
        goalloc_current_gc_thread().map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: GCThread.self) }
    }

    @inline(__always)
    var stopState: UnsafeMutablePointer<goalloc_stop_state> {
        UnsafeMutableRawPointer(self).assumingMemoryBound(to: goalloc_stop_state.self)
    }

    @inline(__always)
    func entry(_ raw: Int) -> UnsafeMutablePointer<ManagedClass> {
        (UnsafeMutableRawPointer(self) + GCThread.headerBytes).assumingMemoryBound(to: ManagedClass.self) + raw
    }

    /// Gives every cached span back to its central list and drops the tiny block (the world is
    /// stopped, or the thread is exiting). Heap lock held; takes each central's lock.
    func flushLocked(gc: UnsafeMutablePointer<GC>, centralsLocked: Bool) {
        assertHeapLockHeld()
        var raw = 2
        while raw < GC.spanClassCount {
            defer { raw += 1 }
            let entry = entry(raw)
            guard let span = entry.pointee.span else { continue }
            entry.pointee.span = nil
            let central = gc.central(span.pointee.spanclass)
            if !centralsLocked { central.pointee.lock.lock() }
            if span.pointee.allocCount == span.pointee.nelems {
                central.pointee.full.insert(span)
            } else {
                central.pointee.partial.insert(span)
            }
            if !centralsLocked { central.pointee.lock.unlock() }
        }
        pointee.tiny = 0
        pointee.tinyOffset = 0
    }
}

extension UnsafeMutablePointer where Pointee == GC {
    /// Registers the calling thread: its stack bounds, and a record in the registry. Called with
    /// no GoAlloc lock held: pthread_getattr_np may allocate (with GoAlloc itself when it is the
    /// process's malloc).
    @inline(never)
    func registerCurrentThread(heap: UnsafeMutablePointer<MHeap>) -> UnsafeMutablePointer<GCThread> {
        if let thread = UnsafeMutablePointer<GCThread>.current { return thread }
        start()
        // A collected heap has its scavenger from the start, as Go's runtime does: started here,
        // with no lock held and before a workload's thread is timed, rather than from an
        // allocation slow path in the middle of a measurement (glibc's pthread_create callocs).
        Globals.shared.startScavengerIfNeeded(evenIfSmall: true)
        let stackHigh = goalloc_current_stack_high()
        if stackHigh == 0 { fatal("cannot find the calling thread's stack (pthread_getattr_np failed)") }

        heap.pointee.lock.lock()
        let thread = pointee.threadAlloc.alloc().assumingMemoryBound(to: GCThread.self)
        thread.pointee.stop.thread = pthread_self()
        thread.pointee.stop.stack_high = stackHigh
        thread.pointee.next = pointee.threads
        pointee.threads?.pointee.prev = thread
        pointee.threads = thread
        heap.pointee.lock.unlock()
        goalloc_set_current_gc_thread(thread.stopState)
        goalloc_stw_unblock()
        pthread_setspecific(pointee.threadKey, UnsafeRawPointer(thread))
        return thread
    }

    /// Unregisters an exiting thread: its cached spans go back to the central lists, its counts to
    /// the exited threads' totals. Holds `cycleLock`, so no collection can stop the thread halfway.
    func unregister(_ thread: UnsafeMutablePointer<GCThread>) {
        let heap = Globals.shared.heap
        pointee.cycleLock.lock()
        heap.pointee.lock.lock()
        thread.flushLocked(gc: self, centralsLocked: false)
        retireLocked(thread)
        heap.pointee.lock.unlock()
        pointee.cycleLock.unlock()
        if UnsafeMutablePointer<GCThread>.current == thread { goalloc_set_current_gc_thread(nil) }
    }

    /// In a child after fork: unregisters every thread but the calling one (they were not
    /// copied), their spans back to the central lists. Every lock held.
    func forgetOtherThreadsLocked() {
        assertHeapLockHeld()
        let me = UnsafeMutablePointer<GCThread>.current
        forEachThreadLocked { thread in
            guard thread != me else { return }
            thread.flushLocked(gc: self, centralsLocked: true)
            retireLocked(thread)
        }
    }

    /// Adds an unregistering thread's counts to the exited threads' totals and frees its record.
    /// Heap lock held.
    private func retireLocked(_ thread: UnsafeMutablePointer<GCThread>) {
        assertHeapLockHeld()
        pointee.deadTinyAllocs &+= thread.pointee.tinyAllocs
        var raw = 2
        while raw < GC.spanClassCount {
            pointee.deadMallocs.unsafelyUnwrapped[raw >> 1] &+= thread.entry(raw).pointee.nmalloc
            raw += 1
        }
        unlinkLocked(thread)
    }

    /// Takes a thread's record out of the registry and frees it. Heap lock held.
    private func unlinkLocked(_ thread: UnsafeMutablePointer<GCThread>) {
        assertHeapLockHeld()
        if let previous = thread.pointee.prev { previous.pointee.next = thread.pointee.next } else { pointee.threads = thread.pointee.next }
        thread.pointee.next?.pointee.prev = thread.pointee.prev
        pointee.threadAlloc.free(UnsafeMutableRawPointer(thread))
    }
}
