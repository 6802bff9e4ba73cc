// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

// The generational mode (GOALLOC_GENERATIONAL=N; off by default, and Go has none).
//
// Most objects die young, and a program such as BinaryTrees keeps a large structure that every
// cycle marks again although nothing in it changed. A minor cycle marks only what was allocated
// since the last cycle (the young objects), plus what old objects written since then point to;
// every Nth cycle, and every forced one, is a full cycle as without the mode.
//
// - Old objects are those a cycle found live. Their mark bytes are sticky: the sweep leaves them
//   set (allocBits still takes their value), so a minor mark skips an old object as it skips one
//   already marked, and its sweep keeps it. A full cycle clears every mark before it marks.
// - Old objects that may point to young ones must be scanned, and Swift gives a library no write
//   barrier. The kernel gives one: the pages of old objects are write-protected with userfaultfd
//   in asynchronous mode, where a write is let through by the kernel itself, which only clears
//   the page's protection (about 2 us, paid once per page and cycle). A minor cycle asks
//   PAGEMAP_SCAN, span run by span run, which pages of the spans holding old objects (that may
//   hold pointers) are no longer protected, scans the old objects on them, and the same call
//   protects them again. Pages of spans whose objects just became old were never protected:
//   they are reported too, and so protected from then on. After a full cycle (whose sweep frees
//   old spans) the last protection is lifted and the surviving old spans protected anew.
// - A cache allocating in a span with old objects writes its pages, which are then scanned at
//   the next minor cycle: their old objects, not the young ones.
// - The pacer counts old objects as marked: a minor cycle's live heap is the old bytes plus the
//   young ones it marked, and the goal follows GOGC from there as in a full cycle.
// - What a minor cycle keeps that a full one would free: old objects that died since the last
//   full cycle, and the young objects they still point to, until that full cycle.
// - Kept apart: a thread that was never registered must not write a pointer to a managed object
//   into one while the world is stopped (only such a thread can, and PAGEMAP_SCAN may already
//   have passed its page). A forked child turns minor cycles off (its copy of the descriptor would
//   act on its parent's pages). Where the kernel lacks asynchronous write-protect (before 6.7) or
//   userfaultfd is refused, every cycle is full and one line on standard error says why.
struct Generational {
    /// A full cycle every `every` cycles (2 or more); 0 when the mode is off.
    var every = 0
    /// Paced cycles since the last full one.
    var minorsSinceFull = 0
    /// The userfaultfd and /proc/self/pagemap descriptors (-1 until the first full cycle opens
    /// them, and for good when they cannot be had), and the process they belong to.
    var uffd: Int32 = -1
    var pagemap: Int32 = -1
    var owner: pid_t = 0
    /// The tracking is given up: unavailable, or a forked child.
    var unavailable = false
    /// Bytes of old objects: the last full cycle's marked bytes, plus every minor cycle's since.
    var oldBytes: UInt64 = 0
    /// The runs of spans that held old objects at the last cycle, [start, end) pairs in address
    /// order: write-protected, but for the pages written since.
    var runs = OffHeapWords()
    /// Cycles that were minor, since the start.
    var minorCycles: UInt64 = 0
    /// PAGEMAP_SCAN's reports, the collector's alone (it runs under the cycle lock).
    var regions: UnsafeMutablePointer<goalloc_written_region>?
    /// Bytes mapped for `regions`; with the runs', charged to GCSys.
    var regionsSys: UInt64 = 0
    var sys: UInt64 { regionsSys &+ runs.sys }

    /// GOALLOC_GENERATIONAL: N >= 2 turns the mode on, with a full cycle every N; anything else
    /// leaves it off.
    static func everyFromEnvironment() -> Int {
        guard let value = getenv("GOALLOC_GENERATIONAL") else { return 0 }
        let every = Int(atoi(value))
        return every >= 2 ? every : 0
    }

    /// Bytes of `regions`.
    static var regionsBytes: Int { Int(GOALLOC_WP_REGIONS) * MemoryLayout<goalloc_written_region>.stride }
}

/// What a cycle of the generational mode did, for its GOALLOC_GCTRACE line.
struct GenerationalTrace {
    var minor = false
    /// Old objects scanned as roots, and the written pages of old spans they came from.
    var oldObjects: UInt64 = 0
    var writtenPages: UInt64 = 0
    /// The runs of old spans, protected from the end of the cycle on, and their pages.
    var runs: UInt64 = 0
    var protectedPages: UInt64 = 0
    /// A minor cycle's time finding and greying the old objects (part of the line's flush phase).
    var oldNanos: UInt64 = 0

    /// The end of the cycle's GOALLOC_GCTRACE line: `; minor (old 120 us: 4100 objects on 3
    /// written pages; protected 96 pages in 2 runs)`, or `; full (protected 96 pages in 2 runs)`.
    func write(to line: inout TraceLine) {
        if minor {
            line.text("; minor (old ")
            line.micros(oldNanos)
            line.text(" us: ")
            line.number(oldObjects)
            line.text(" objects on ")
            line.number(writtenPages)
            line.text(" written pages; protected ")
        } else {
            line.text("; full (protected ")
        }
        line.number(protectedPages)
        line.text(" pages in ")
        line.number(runs)
        line.text(" runs)")
    }
}

extension UnsafeMutablePointer where Pointee == GC {
    /// Sweeps keep the marks (the generational mode).
    @inline(__always)
    var stickyMarks: Bool { pointee.generational.every > 0 }

    /// Whether this cycle is minor: the mode is on and tracking works, a full cycle has
    /// protected the old spans, the cycle is paced, and the last full one is fewer than
    /// `every` cycles back. Heap lock held.
    func nextCycleIsMinorLocked(forced: Bool) -> Bool {
        assertHeapLockHeld()
        let generational = pointee.generational
        guard generational.every > 0, !forced, generational.uffd >= 0, !generational.unavailable else { return false }
        if generational.owner != getpid() {
            // A forked child: the descriptor acts on its parent's pages, and the child's pages
            // lost their protection at the fork.
            pointee.generational.unavailable = true
            goalloc_wp_close(generational.uffd)
            goalloc_wp_close(generational.pagemap)
            pointee.generational.runs.removeAll()
            return false
        }
        return generational.minorsSinceFull + 1 < generational.every
    }

    /// The end of a cycle in the generational mode, after its sweep: a minor cycle's marked
    /// objects join the old ones; a full cycle's are all of them, and their spans are protected.
    /// Returns the old bytes, the live heap the pacer sets the next goal from. Heap lock held.
    func endGenerationalCycleLocked(minor: Bool, marked: UInt64, heap: UnsafeMutablePointer<MHeap>,
                                    trace: inout GenerationalTrace) -> UInt64 {
        assertHeapLockHeld()
        if minor {
            pointee.generational.oldBytes &+= marked
            pointee.generational.minorsSinceFull += 1
            pointee.generational.minorCycles &+= 1
        } else {
            pointee.generational.oldBytes = marked
            pointee.generational.minorsSinceFull = 0
            protectOldSpansLocked(heap: heap, trace: &trace)
        }
        return pointee.generational.oldBytes
    }

    /// Before a full cycle's mark: every mark cleared (they are sticky). All spans swept and on
    /// their centrals' lists. World stopped, heap lock and managed central locks held.
    func clearMarksLocked() {
        assertHeapLockHeld()
        var next = central(SpanClass(sizeClass: 0, noscan: false)).pointee.full.first
        while let span = next {
            span.pointee.largeMarked = false
            next = span.pointee.next
        }
        next = central(SpanClass(sizeClass: 0, noscan: true)).pointee.full.first
        while let span = next {
            span.pointee.largeMarked = false
            next = span.pointee.next
        }
        var raw = 2
        while raw < GC.spanClassCount {
            let central = pointee.centrals.unsafelyUnwrapped + raw
            forEachSpan(central.pointee.partial) { clearMarks($0) }
            forEachSpan(central.pointee.full) { clearMarks($0) }
            raw += 1
        }
    }

    private func clearMarks(_ span: UnsafeMutablePointer<MSpan>) {
        UnsafeMutableRawPointer(span.pointee.gcmarkBytes.unsafelyUnwrapped)
            .initializeMemory(as: UInt8.self, repeating: 0, count: span.pointee.bitmapWords &* 64)
    }

    private func forEachSpan(_ list: MSpanList, _ body: (UnsafeMutablePointer<MSpan>) -> Void) {
        var next = list.first
        while let span = next {
            next = span.pointee.next
            body(span)
        }
    }

    /// A minor cycle's extra roots: the old objects on the pages of old spans written since the
    /// last cycle, greyed onto `grey` (they are marked already). PAGEMAP_SCAN reports them and
    /// protects them again; it also reports, and so protects, the pages of spans whose objects
    /// became old in the last minor cycle, which were never protected. Before the stacks, so
    /// that no young object marked this cycle is among them. World stopped, heap lock and
    /// managed central locks held, every span swept.
    func greyOldObjectsLocked(heap: UnsafeMutablePointer<MHeap>, trace: inout GenerationalTrace) {
        assertHeapLockHeld()
        collectOldRunsLocked(heap: heap)
        if pointee.generational.unavailable {
            // A chunk could not be registered: its writes were not tracked. Every old object
            // is a root this once; the cycles after it are full.
            forEachOldSpanLocked(heap: heap) { _, span in
                greyOld(span, span.pointee.base, span.pointee.base &+ UInt(span.pointee.bytes), &trace)
            }
            return
        }
        let regions = pointee.generational.regions.unsafelyUnwrapped
        var run = 0
        while run < pointee.generational.runs.count {
            let end = UInt64(pointee.generational.runs.words.unsafelyUnwrapped[run + 1])
            var start = UInt64(pointee.generational.runs.words.unsafelyUnwrapped[run])
            while start < end {
                var next: UInt64 = end
                let found = goalloc_wp_scan(pointee.generational.pagemap, start, end, regions, &next)
                if found < 0 { fatal("generational mode: PAGEMAP_SCAN failed on a run of old spans") }
                var index = 0
                while index < found {
                    greyWritten(UInt(regions[index].start), UInt(regions[index].end), &trace)
                    index += 1
                }
                start = max(next, start + 1)
            }
            run += 2
        }
        trace.runs = UInt64(pointee.generational.runs.count / 2)
        trace.protectedPages = runPages
    }

    /// Pages in `runs`.
    private var runPages: UInt64 {
        var pages: UInt64 = 0
        var run = 0
        while run < pointee.generational.runs.count {
            pages &+= UInt64((pointee.generational.runs.words.unsafelyUnwrapped[run + 1]
                              &- pointee.generational.runs.words.unsafelyUnwrapped[run]) >> UInt(SizeClasses.pageShift))
            run += 2
        }
        return pages
    }

    /// Greys the old objects of the written pages [low, high) of old spans.
    private func greyWritten(_ low: UInt, _ high: UInt, _ trace: inout GenerationalTrace) {
        trace.writtenPages &+= UInt64((high &- low) >> UInt(SizeClasses.pageShift))
        var address = low
        while address < high {
            guard let span = MHeap.spanOf(address), span.pointee.state == .inUse else {
                fatal("generational mode: a written page of an old span outside any span")
            }
            let end = span.pointee.base &+ UInt(span.pointee.bytes)
            greyOld(span, max(low, span.pointee.base), min(high, end), &trace)
            address = end
        }
    }

    /// Greys the old objects of `span` that overlap [low, high): of a large object only those
    /// bytes (what was written of it), of small ones the whole object.
    private func greyOld(_ span: UnsafeMutablePointer<MSpan>, _ low: UInt, _ high: UInt, _ trace: inout GenerationalTrace) {
        if span.pointee.spanclass.sizeClass == 0 {
            guard span.pointee.largeMarked else { return }
            pointee.grey.pushBounds(low, high &- low)
            trace.oldObjects &+= 1
            return
        }
        let marks = span.pointee.gcmarkBytes.unsafelyUnwrapped
        var index = span.pointee.objectIndex(low)
        let last = min(span.pointee.objectIndex(high &- 1), span.pointee.nelems &- 1)
        while index <= last {
            if marks[index] != 0 {
                pointee.grey.pushBounds(span.pointee.objectAddress(index), UInt(bitPattern: span.pointee.elemsize))
                trace.oldObjects &+= 1
            }
            index &+= 1
        }
    }

    /// After a full cycle's sweep: the protection of the last cycle's old spans lifted (some are
    /// free now, and their pages would fault when used again), then this cycle's old spans
    /// write-protected, run by run. Opens the tracking on the first call. World stopped, heap
    /// lock held, every span swept.
    func protectOldSpansLocked(heap: UnsafeMutablePointer<MHeap>, trace: inout GenerationalTrace) {
        assertHeapLockHeld()
        guard startTrackingLocked() else { return }
        setRunsProtection(false)
        collectOldRunsLocked(heap: heap)
        setRunsProtection(true)
        trace.runs = UInt64(pointee.generational.runs.count / 2)
        trace.protectedPages = runPages
    }

    /// Write-protects (`protect`) or unprotects every run of `runs`.
    private func setRunsProtection(_ protect: Bool) {
        var run = 0
        while run < pointee.generational.runs.count {
            let start = pointee.generational.runs.words.unsafelyUnwrapped[run]
            let end = pointee.generational.runs.words.unsafelyUnwrapped[run + 1]
            if goalloc_wp_protect(pointee.generational.uffd, UInt64(start), UInt64(end - start), protect ? 1 : 0) != 0 {
                fatal("generational mode: cannot change the write protection of a run of old spans")
            }
            run += 2
        }
    }

    /// Sets `runs` to the old spans that may hold pointers, merged into runs in address order,
    /// each span's chunks registered for tracking.
    private func collectOldRunsLocked(heap: UnsafeMutablePointer<MHeap>) {
        pointee.generational.runs.removeAll()
        var runStart: UInt = 0, runEnd: UInt = 0
        forEachOldSpanLocked(heap: heap) { arena, span in
            guard registerChunksLocked(arena, span) else { return }
            if span.pointee.base != runEnd {
                if runStart < runEnd {
                    pointee.generational.runs.push(runStart)
                    pointee.generational.runs.push(runEnd)
                }
                runStart = span.pointee.base
            }
            runEnd = span.pointee.base &+ UInt(span.pointee.bytes)
        }
        if runStart < runEnd {
            pointee.generational.runs.push(runStart)
            pointee.generational.runs.push(runEnd)
        }
    }

    /// Calls `body` for each in-use managed span that may hold pointers and holds old objects
    /// (its last sweep kept some; an old large object), in address order: every arena's spans
    /// table, walked a span at a time.
    private func forEachOldSpanLocked(heap: UnsafeMutablePointer<MHeap>,
                                      _ body: (UnsafeMutablePointer<HeapArena>, UnsafeMutablePointer<MSpan>) -> Void) {
        var arena = heap.pointee.arenas
        while let current = arena {
            arena = current.pointee.next
            var page = 0
            while page < HeapArena.pages {
                let address = current.pointee.base &+ UInt(page) << UInt(SizeClasses.pageShift)
                guard let span = current.spans[page], span.pointee.state == .inUse, span.pointee.base == address else {
                    page += 1
                    continue
                }
                page += span.pointee.npages
                if span.pointee.managed && !span.pointee.spanclass.noscan
                    && (span.pointee.spanclass.sizeClass == 0 ? span.pointee.largeMarked : span.pointee.holdsOld) {
                    body(current, span)
                }
            }
        }
    }

    /// Registers the chunks of `span` for write tracking, each once (a chunk is one mapping);
    /// false, and the mode given up, when the kernel refuses.
    private func registerChunksLocked(_ arena: UnsafeMutablePointer<HeapArena>, _ span: UnsafeMutablePointer<MSpan>) -> Bool {
        let chunkBytes = UInt(HeapArena.chunkPages) << UInt(SizeClasses.pageShift)
        var chunk = arena.pageIndex(span.pointee.base) / HeapArena.chunkPages
        let last = arena.pageIndex(span.pointee.base &+ UInt(span.pointee.bytes) &- 1) / HeapArena.chunkPages
        while chunk <= last {
            if arena.pointee.trackedChunks & (1 << UInt32(chunk)) == 0 {
                let start = arena.pointee.base &+ UInt(chunk) &* chunkBytes
                if goalloc_wp_register(pointee.generational.uffd, UInt64(start), UInt64(chunkBytes)) != 0 {
                    warn("generational mode off: userfaultfd cannot register the heap (every cycle is full)")
                    pointee.generational.unavailable = true
                    return false
                }
                arena.pointee.trackedChunks |= 1 << UInt32(chunk)
            }
            chunk += 1
        }
        return true
    }

    /// Opens the descriptors on the first full cycle; false when tracking is not to be had.
    private func startTrackingLocked() -> Bool {
        if pointee.generational.unavailable { return false }
        if pointee.generational.uffd >= 0 { return true }
        let uffd = goalloc_wp_open()
        guard uffd >= 0 else {
            warn("generational mode off: no userfaultfd with asynchronous write-protect (Linux 6.7+; every cycle is full)")
            pointee.generational.unavailable = true
            return false
        }
        let pagemap = goalloc_wp_pagemap_open()
        guard pagemap >= 0 else {
            warn("generational mode off: cannot open /proc/self/pagemap (every cycle is full)")
            goalloc_wp_close(uffd)
            pointee.generational.unavailable = true
            return false
        }
        pointee.generational.regions = OSMemory.sysAlloc(Generational.regionsBytes, charging: &pointee.generational.regionsSys)
            .bindMemory(to: goalloc_written_region.self, capacity: Int(GOALLOC_WP_REGIONS))
        pointee.generational.uffd = uffd
        pointee.generational.pagemap = pagemap
        pointee.generational.owner = getpid()
        return true
    }
}
