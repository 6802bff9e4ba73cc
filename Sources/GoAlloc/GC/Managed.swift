// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

extension GoAlloc {
    /// GoAlloc's garbage-collected heap: objects are allocated here and never freed by the
    /// program; a stop-the-world mark-sweep collector, paced by GOGC as Go's is, frees those that
    /// nothing reaches any more.
    ///
    ///     let node = GoAlloc.Managed.allocate(byteCount: 48)!    // zeroed, like Go's new
    ///     GoAlloc.Managed.registerRoot(globals, byteCount: 64)  // memory that holds references
    ///     GoAlloc.Managed.collect()                              // runtime.GC()
    ///
    /// What keeps an object alive: a word that points anywhere into it (an interior pointer
    /// counts) on the stack or in the registers of a thread that uses the managed heap, in a
    /// registered root range, or in another live object that is not pointer-free (`noscan`).
    /// The scan is conservative: any word that looks like such a pointer keeps the object.
    /// Memory from malloc or from the explicit heap is not scanned unless registered as a root,
    /// and a thread must be registered (its first managed allocation registers it, or
    /// ``registerThread()``) before it holds the only reference to an object.
    ///
    /// Managed objects must not be passed to ``GoAlloc/deallocate(_:)`` (or free): that stops
    /// the process with a message.
    public enum Managed {
        /// Allocates `byteCount` zeroed bytes aligned to `alignment` (a power of two; 8 is Go's
        /// guarantee). `noscan`: the object holds no pointers, so the collector does not scan it,
        /// and pointer-free objects under 16 bytes share 16-byte blocks (Go's tiny allocator).
        /// Nil when the request is invalid or memory cannot be had.
        @inlinable @inline(__always)
        public static func allocate(byteCount: Int, alignment: Int = 8, noscan: Bool = false) -> UnsafeMutableRawPointer? {
            managedAllocate(byteCount, alignment: alignment, noscan: noscan)
        }

        /// Runs a full collection now and waits for it (Go's runtime.GC); counted in NumForcedGC.
        public static func collect() {
            let globals = Globals.shared
            _ = globals.gc.registerCurrentThread(heap: globals.heap)
            globals.gc.collect(forced: true)
        }

        /// Sets GOGC, the heap growth in percent over the marked heap that triggers the next
        /// collection, and returns the previous value (Go's debug.SetGCPercent). Negative turns
        /// collection off. The initial value comes from the environment variable GOGC (a number,
        /// or `off`), else 100.
        @discardableResult
        public static func setGCPercent(_ percent: Int) -> Int {
            let globals = Globals.shared
            globals.heap.pointee.lock.lock()
            defer { globals.heap.pointee.lock.unlock() }
            return globals.gc.pointee.pacer.setGCPercentLocked(percent)
        }

        /// Makes `byteCount` bytes at `base` a root: every word there that points into a managed
        /// object keeps it alive, until ``unregisterRoot(_:)``.
        public static func registerRoot(_ base: UnsafeRawPointer, byteCount: Int) {
            let globals = Globals.shared
            globals.gc.registerRoot(UInt(bitPattern: base), byteCount: byteCount, heap: globals.heap)
        }

        /// Forgets the root range registered at `base`. Stops the process if there is none.
        public static func unregisterRoot(_ base: UnsafeRawPointer) {
            let globals = Globals.shared
            if !globals.gc.unregisterRoot(UInt(bitPattern: base), heap: globals.heap) {
                fatal("unregisterRoot: no root range is registered at this address")
            }
        }

        /// The collector's stop-the-world time so far (MemStats.PauseTotalNs), read alone: far
        /// cheaper than reading MemStats, for timing a stretch of code (the harness's `gc-%`).
        public static var pauseTotalNanoseconds: UInt64 {
            let globals = Globals.shared
            globals.heap.pointee.lock.lock()
            defer { globals.heap.pointee.lock.unlock() }
            return globals.gc.pointee.pauseTotalNs
        }

        /// Registers the calling thread, so that its stack and registers are scanned, before it
        /// holds a reference it did not allocate. Allocating registers a thread too.
        public static func registerThread() {
            let globals = Globals.shared
            _ = globals.gc.registerCurrentThread(heap: globals.heap)
        }

        /// Whether `pointer` points into a managed object that is allocated and, in a span not yet
        /// swept since the last mark, that the mark kept (a dead object there is garbage already).
        public static func isLive(_ pointer: UnsafeRawPointer) -> Bool {
            let address = UInt(bitPattern: pointer)
            guard let span = MHeap.spanOf(address), span.pointee.managed else { return false }
            if span.pointee.spanclass.sizeClass == 0 { return true }
            guard address < span.pointee.limit else { return false }
            let index = span.pointee.objectIndex(address)
            // Under the class's central lock: a refill on another thread may be sweeping the span
            // (taking it off its list, copying its marks into allocBits, clearing them), and
            // between those steps neither bitmap alone says what is live.
            let central = Globals.shared.gc.central(span.pointee.spanclass)
            central.pointee.lock.lock()
            defer { central.pointee.lock.unlock() }
            if central.isUnswept(span) { return span.pointee.gcmarkBytes.unsafelyUnwrapped[index] != 0 }
            return span.pointee.isAllocated(index)
        }
    }
}

/// The entry point behind ``GoAlloc/Managed/allocate(byteCount:alignment:noscan:)``, a free
/// function for the reason given above allocateNaturallyAligned.
@usableFromInline
func managedAllocate(_ byteCount: Int, alignment: Int, noscan: Bool) -> UnsafeMutableRawPointer? {
    mallocgc(byteCount, alignment: alignment, noscan: noscan)
}
