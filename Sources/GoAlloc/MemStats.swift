// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

/// Go 1.19's `runtime.MemStats`: every field, with Go's meaning (runtime/mstats.go).
///
/// Read with ``GoAlloc/readMemStats()``. The invariants Go keeps hold here too:
/// `Sys` is the sum of the other `*Sys` fields; `HeapSys = HeapIdle + HeapInuse`;
/// `HeapReleased <= HeapIdle`; `HeapAlloc <= HeapInuse`; `HeapObjects = Mallocs - Frees`;
/// `Alloc = HeapAlloc`; `TotalAlloc` never decreases; `StackSys >= StackInuse` (here equal: only
/// stack spans count). Thread stacks from ``GoAlloc/spawnOnHeapStack(stackBytes:_:)`` are spans of
/// heap pages that leave HeapSys and HeapIdle for StackInuse and StackSys while they are stacks
/// (cached ones included) and come back when they are freed, so Sys does not move. The
/// collector's fields (NextGC, NumGC, PauseNs, ...) describe the managed heap
/// (``GoAlloc/Managed``): zero until it is first used.
public struct MemStats: Equatable, Sendable {
    /// Bytes of allocated heap objects (= HeapAlloc).
    public var alloc: UInt64 = 0
    /// Cumulative bytes allocated: size-class-rounded for small objects, whole pages for large.
    public var totalAlloc: UInt64 = 0
    /// Bytes obtained from the OS: the sum of the *Sys fields.
    public var sys: UInt64 = 0
    /// Always 0, as in Go 1.19.
    public var lookups: UInt64 = 0
    /// Cumulative objects allocated.
    public var mallocs: UInt64 = 0
    /// Cumulative objects freed.
    public var frees: UInt64 = 0
    /// Bytes of allocated heap objects.
    public var heapAlloc: UInt64 = 0
    /// Bytes of heap memory mapped from the OS (Prepared or Ready), released pages included.
    public var heapSys: UInt64 = 0
    /// Bytes in free page runs.
    public var heapIdle: UInt64 = 0
    /// Bytes in in-use spans (their free slots included).
    public var heapInuse: UInt64 = 0
    /// Bytes of free pages returned to the OS, or never used since they were mapped.
    public var heapReleased: UInt64 = 0
    /// Allocated objects (Mallocs - Frees).
    public var heapObjects: UInt64 = 0
    /// Bytes in stack spans: the stacks of threads started on heap stacks, and the spans the stack
    /// cache keeps for reuse.
    public var stackInuse: UInt64 = 0
    /// Bytes of stack memory from the heap (= StackInuse: GoAlloc does not count glibc's own thread stacks).
    public var stackSys: UInt64 = 0
    /// Bytes of live MSpan structs.
    public var mSpanInuse: UInt64 = 0
    /// Bytes mapped for MSpan structs.
    public var mSpanSys: UInt64 = 0
    /// Bytes of live MCache structs.
    public var mCacheInuse: UInt64 = 0
    /// Bytes mapped for MCache structs.
    public var mCacheSys: UInt64 = 0
    /// Profiling bucket hash tables (always 0 here: GoAlloc has no profiler).
    public var buckHashSys: UInt64 = 0
    /// Collector metadata: arena metadata, the arena index, span bitmaps.
    public var gcSys: UInt64 = 0
    /// Other off-heap metadata (GoAlloc's root block).
    public var otherSys: UInt64 = 0
    /// The heap size the next collection aims for (0: no collector yet).
    public var nextGC: UInt64 = 0
    /// When the last collection ended, Unix nanoseconds (0: never).
    public var lastGC: UInt64 = 0
    /// Cumulative stop-the-world pause time.
    public var pauseTotalNs: UInt64 = 0
    /// Recent pause times, a ring of 256; the latest is at (numGC + 255) % 256.
    public var pauseNs: [UInt64] = Array(repeating: 0, count: 256)
    /// When recent pauses ended, Unix nanoseconds, a ring of 256.
    public var pauseEnd: [UInt64] = Array(repeating: 0, count: 256)
    /// Completed collections.
    public var numGC: UInt32 = 0
    /// Collections forced by the program.
    public var numForcedGC: UInt32 = 0
    /// Share of CPU time spent collecting since the start.
    public var gcCPUFraction: Double = 0
    /// Always true, as in Go.
    public var enableGC = true
    /// Unused, as in Go.
    public var debugGC = false
    /// Per size class, entries 0 to 60 (entry 0 is class 0, size 0): objects allocated and freed.
    /// Classes 61 to 67 and large objects count only in the totals, as in Go.
    public var bySize: [SizeClassStats] = []

    /// One entry of ``bySize``.
    public struct SizeClassStats: Equatable, Sendable {
        public var size: UInt32
        public var mallocs: UInt64
        public var frees: UInt64
    }

    /// All zero (and an empty BySize); ``GoAlloc/readMemStats()`` gives the real figures.
    public init() {}

    init(_ raw: goalloc_memstats) {
        var raw = raw
        alloc = raw.alloc; totalAlloc = raw.total_alloc; sys = raw.sys; lookups = raw.lookups
        mallocs = raw.mallocs; frees = raw.frees
        heapAlloc = raw.heap_alloc; heapSys = raw.heap_sys; heapIdle = raw.heap_idle; heapInuse = raw.heap_inuse
        heapReleased = raw.heap_released; heapObjects = raw.heap_objects
        stackInuse = raw.stack_inuse; stackSys = raw.stack_sys
        mSpanInuse = raw.mspan_inuse; mSpanSys = raw.mspan_sys; mCacheInuse = raw.mcache_inuse; mCacheSys = raw.mcache_sys
        buckHashSys = raw.buck_hash_sys; gcSys = raw.gc_sys; otherSys = raw.other_sys
        nextGC = raw.next_gc; lastGC = raw.last_gc; pauseTotalNs = raw.pause_total_ns
        pauseNs = withUnsafeBytes(of: &raw.pause_ns) { Array($0.bindMemory(to: UInt64.self)) }
        pauseEnd = withUnsafeBytes(of: &raw.pause_end) { Array($0.bindMemory(to: UInt64.self)) }
        numGC = raw.num_gc; numForcedGC = raw.num_forced_gc; gcCPUFraction = raw.gc_cpu_fraction
        enableGC = raw.enable_gc != 0; debugGC = raw.debug_gc != 0
        let sizes = withUnsafeBytes(of: &raw.by_size_size) { Array($0.bindMemory(to: UInt32.self)) }
        let mallocs = withUnsafeBytes(of: &raw.by_size_mallocs) { Array($0.bindMemory(to: UInt64.self)) }
        let frees = withUnsafeBytes(of: &raw.by_size_frees) { Array($0.bindMemory(to: UInt64.self)) }
        bySize = (0..<Int(GOALLOC_BYSIZE)).map { SizeClassStats(size: sizes[$0], mallocs: mallocs[$0], frees: frees[$0]) }
    }
}

extension UnsafeMutablePointer where Pointee == Globals {
    /// Fills Go's MemStats from a consistent snapshot: under the heap lock, which every span,
    /// arena and cache change takes, adding up the thread caches' counters (Go flushes them in a
    /// stop-the-world; GoAlloc reads them in place). Counts that other threads change while this
    /// runs are read frees first, so no class ever shows more frees than allocations.
    /// Allocates nothing: libgoalloc.so calls this from inside the process's malloc.
    func fillMemStats(_ out: UnsafeMutablePointer<goalloc_memstats>) {
        out.initialize(to: goalloc_memstats())
        let heap = self.heap
        heap.pointee.lock.lock()
        defer { heap.pointee.lock.unlock() }
        let classes = SizeClasses.count
        let counts = pointee.scratchCounts!
        let mallocs = counts, frees = counts + classes
        // (Integer while loops throughout: unspecialised generic iteration may allocate in debug builds.)
        var sizeClass = 0
        while sizeClass < classes {
            frees[sizeClass] = pointee.deadCounts![classes + sizeClass]
            mallocs[sizeClass] = pointee.deadCounts![sizeClass]
            sizeClass += 1
        }
        forEachCacheLocked { cache in
            var sizeClass = 1
            while sizeClass < classes {
                frees[sizeClass] &+= goalloc_load_acquire(cache.entry(sizeClass).nfree)
                sizeClass += 1
            }
        }
        forEachCacheLocked { cache in
            var sizeClass = 1
            while sizeClass < classes {
                mallocs[sizeClass] &+= goalloc_load_acquire(cache.entry(sizeClass).nmalloc)
                sizeClass += 1
            }
        }

        let tinyAllocs = gc.addCountsLocked(mallocs: mallocs, frees: frees)

        var totalAlloc = heap.pointee.largeAllocBytes
        var heapAlloc = heap.pointee.largeAllocBytes - heap.pointee.largeFreeBytes
        var nmalloc = heap.pointee.largeAllocs
        var nfree = heap.pointee.largeFrees
        sizeClass = 1
        while sizeClass < classes {
            let size = UInt64(SizeClasses.size(sizeClass))
            let allocated = mallocs[sizeClass]
            let freed = frees[sizeClass] < allocated ? frees[sizeClass] : allocated
            frees[sizeClass] = freed
            totalAlloc &+= allocated &* size
            heapAlloc &+= (allocated - freed) &* size
            nmalloc &+= allocated
            nfree &+= freed
            sizeClass += 1
        }
        let page = UInt64(SizeClasses.pageSize)
        out.pointee.mallocs = nmalloc &+ tinyAllocs
        out.pointee.frees = nfree &+ tinyAllocs
        out.pointee.heap_objects = nmalloc - nfree
        out.pointee.total_alloc = totalAlloc
        out.pointee.heap_alloc = heapAlloc
        out.pointee.alloc = heapAlloc
        // Stack spans are carved from mapped heap pages but leave HeapSys for StackSys, as in Go.
        out.pointee.heap_sys = UInt64(heap.pointee.pagesMapped - heap.pointee.pagesInStacks) * page
        out.pointee.stack_inuse = UInt64(heap.pointee.pagesInStacks) * page
        // Go adds the OS threads' stacks (stacks_sys); glibc maps those itself, so only the spans count.
        out.pointee.stack_sys = out.pointee.stack_inuse
        out.pointee.heap_inuse = UInt64(heap.pointee.pagesInUse) * page
        out.pointee.heap_idle = out.pointee.heap_sys - out.pointee.heap_inuse
        out.pointee.heap_released = UInt64(heap.pointee.pagesReleased) * page
        out.pointee.mspan_inuse = heap.pointee.spanAlloc.inuse
        out.pointee.mspan_sys = heap.pointee.spanAlloc.sys
        out.pointee.mcache_inuse = heap.pointee.cacheAlloc.inuse
        out.pointee.mcache_sys = heap.pointee.cacheAlloc.sys
        out.pointee.gc_sys = heap.pointee.gcSys + heap.pointee.bitsAlloc.sys + heap.pointee.markBytesAlloc.sys
        out.pointee.other_sys = pointee.otherSys
        gc.fillStatsLocked(out)
        out.pointee.sys = out.pointee.heap_sys + out.pointee.stack_sys + out.pointee.mspan_sys + out.pointee.mcache_sys
            + out.pointee.buck_hash_sys + out.pointee.gc_sys + out.pointee.other_sys
        out.pointee.enable_gc = 1
        withUnsafeMutableBytes(of: &out.pointee.by_size_size) { sizes in
            withUnsafeMutableBytes(of: &out.pointee.by_size_mallocs) { allocated in
                withUnsafeMutableBytes(of: &out.pointee.by_size_frees) { freed in
                    var index = 0
                    while index < Int(GOALLOC_BYSIZE) {
                        sizes.storeBytes(of: UInt32(SizeClasses.size(index)), toByteOffset: index * 4, as: UInt32.self)
                        allocated.storeBytes(of: mallocs[index], toByteOffset: index * 8, as: UInt64.self)
                        freed.storeBytes(of: frees[index], toByteOffset: index * 8, as: UInt64.self)
                        index += 1
                    }
                }
            }
        }
    }

    /// Calls `body` for each live thread cache. Heap lock held.
    func forEachCacheLocked(_ body: (UnsafeMutablePointer<MCache>) -> Void) {
        assertHeapLockHeld()
        var cache = pointee.caches
        while let current = cache {
            body(current)
            cache = current.pointee.next
        }
    }
}
