// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

/// The page heap (Go's `mheap`, runtime/mheap.go): owns the arenas, hands out runs of pages as
/// spans, takes them back, and keeps the heap's OS-level statistics.
///
/// Arenas are 64 MiB of address space reserved from the OS; the heap maps them in 4 MiB steps as
/// it grows (Reserved -> Prepared, see OSMemory.swift), and the page allocator (PageAllocator.swift)
/// finds free page runs in the mapped part. The arena index maps any address to its arena's
/// metadata in one load, and the arena's spans table maps a page to its span in a second, which is
/// how `free` finds an object's span.
///
/// Everything here is guarded by `lock`, except the arena index and the spans tables, which any
/// thread may read for in-use spans (entries are written before a span's memory is handed out).
struct MHeap {
    /// Address bits user space can have (x86-64 and arm64 with 4-level page tables).
    static let addressBits = 47
    static let arenaIndexEntries = Int(GOALLOC_ARENA_INDEX_ENTRIES)
    /// The heap grows by at least this much at a time (Go's heap growth chunk).
    static let growthBytes = 4 << 20

    var lock = Mutex()
    /// Arenas in address order.
    var arenas: UnsafeMutablePointer<HeapArena>?
    /// The growth frontier: [frontier, frontierEnd) is reserved and not yet mapped.
    var frontier: UInt = 0
    var frontierEnd: UInt = 0

    // Statistics, guarded by `lock`.

    /// Pages in in-use spans (HeapInuse).
    var pagesInUse = 0
    /// The most pages `pagesInUse` has been: the heap's high-water mark, which bounds what the
    /// heap-growth scavenging lets it retain (Scavenger.swift).
    var pagesInUsePeak = 0
    /// Pages in manual spans, thread stacks (StackInuse). They are allocated in the page allocator
    /// but leave HeapSys while they are stacks, as in Go.
    var pagesInStacks = 0
    /// Pages set in the page allocator's bitmaps: spans plus runs the scavenger holds briefly.
    var pagesAllocated = 0
    /// Pages mapped for the heap (HeapSys).
    var pagesMapped = 0
    /// Free pages in the Prepared state: never used, or scavenged (HeapReleased).
    var pagesReleased = 0
    /// Metadata charged to GCSys: arena metadata and the touched pages of the arena index.
    var gcSys: UInt64 = 0
    /// Pages that allocations took from the released state (new growth, or pages the scavenger had
    /// returned) while the heap retained more than `Scavenger.Retention.afterGrowth` allows, at
    /// most that excess, since the last scavenge after growth (Scavenger.swift). Written under
    /// `lock`, read without it (relaxed) by the allocation slow path.
    var retainedGrowthPages: UInt64 = 0
    /// Large objects allocated and freed since the start, and their bytes (whole pages).
    var largeAllocs: UInt64 = 0
    var largeAllocBytes: UInt64 = 0
    var largeFrees: UInt64 = 0
    var largeFreeBytes: UInt64 = 0

    /// MSpan structs (MSpanInuse/MSpanSys).
    var spanAlloc = FixAlloc(size: MemoryLayout<MSpan>.stride)
    /// Thread caches (MCacheInuse/MCacheSys).
    var cacheAlloc = FixAlloc(size: MCache.bytes)
    /// allocBits of small-object spans (GCSys, like Go's gcBits arenas).
    var bitsAlloc = FixAlloc(size: MSpan.bitmapBytes)
    /// Mark bytes of managed small-object spans (GCSys).
    var markBytesAlloc = MarkBytesAlloc()

    mutating func initialize() {
        lock.initialize(rank: .heap)
    }

    /// The arena that contains `address`, or nil. No lock.
    @inline(__always)
    static func arenaOf(_ address: UInt) -> UnsafeMutablePointer<HeapArena>? {
        let slot = address >> UInt(HeapArena.logBytes)
        guard slot < UInt(arenaIndexEntries) else { return nil }
        guard let entry = goalloc_arena_at(Int(bitPattern: slot)) else { return nil }
        return (entry + Int(bitPattern: slot << UInt(HeapArena.logBytes - SizeClasses.pageShift)) - HeapArena.pageClassesOffset)
            .assumingMemoryBound(to: HeapArena.self)
    }

    /// What the arena index holds for `arena`, whose first address is `slot << HeapArena.logBytes`:
    /// the address of its page classes less its first page number, so that free indexes it
    /// with the pointer's page number as it is (no mask to the page within the arena). arenaOf
    /// undoes it.
    static func indexEntry(_ arena: UnsafeMutablePointer<HeapArena>, slot: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(arena) + HeapArena.pageClassesOffset - slot << (HeapArena.logBytes - SizeClasses.pageShift)
    }

    /// The bits an address that free's fast path takes has clear: those at or above 2^47 (no
    /// user address has them), and the low four (objects of the small classes are 16-byte aligned).
    static let fastFreeRejectMask = ~(UInt(1) << UInt(addressBits) - 1) | 15

    /// The arena index's entry for `address` (see indexEntry), or nil when no arena holds it.
    /// `address` is below 2^47 (see fastFreeRejectMask). No lock.
    @inline(__always)
    static func pageClassesEntry(userAddress address: UInt) -> UnsafeRawPointer? {
        UnsafeRawPointer(goalloc_arena_at(Int(bitPattern: address >> UInt(HeapArena.logBytes))))
    }

    /// The size class of the small-object span of the explicit heap that holds `address`, or 0
    /// (a page that is free, a large object's, a stack's, a managed span's): free's fast path,
    /// one load through the arena's index entry. No lock.
    @inline(__always)
    static func pageClass(_ entry: UnsafeRawPointer, _ address: UInt) -> Int {
        Int(truncatingIfNeeded: goalloc_load_page_class(entry, Int(bitPattern: address >> UInt(SizeClasses.pageShift))))
    }

    /// The span that contains `address`, or nil if GoAlloc does not own the address. No lock.
    @inline(__always)
    static func spanOf(_ address: UInt) -> UnsafeMutablePointer<MSpan>? {
        guard let arena = arenaOf(address) else { return nil }
        return arena.spans[Int(truncatingIfNeeded: (address >> UInt(SizeClasses.pageShift))) & (HeapArena.pages - 1)]
    }
}

extension UnsafeMutablePointer where Pointee == MHeap {
    /// Allocates a span of `npages` pages for objects of `spanclass` (Go's mheap.alloc), or nil
    /// when the OS has no more memory.
    /// `managed`: a span of the garbage-collected heap, marked so before any thread can see it.
    func allocSpan(npages: Int, spanclass: SpanClass, managed: Bool = false) -> UnsafeMutablePointer<MSpan>? {
        pointee.lock.lock()
        defer { pointee.lock.unlock() }
        return allocSpanLocked(npages: npages, spanclass: spanclass, managed: managed)
    }

    /// A span for one large object, counted in the large-object statistics. `alignment` (a power
    /// of two) may exceed the page size: the span then starts at an aligned page of a longer free
    /// run, and the pages around it stay free.
    func allocLarge(npages: Int, alignment: Int = SizeClasses.pageSize, spanclass: SpanClass = .large,
                    managed: Bool = false) -> UnsafeMutablePointer<MSpan>? {
        pointee.lock.lock()
        defer { pointee.lock.unlock() }
        guard let span = allocSpanLocked(npages: npages, spanclass: spanclass, alignment: alignment, managed: managed)
        else { return nil }
        pointee.largeAllocs += 1
        pointee.largeAllocBytes += UInt64(span.pointee.bytes)
        return span
    }

    /// A span of `npages` pages for thread stacks (Go's mheap.allocManual): its pages count in
    /// StackInuse instead of the heap's statistics until ``freeManual(_:)``. The caller sets
    /// `elemsize` and `nelems`.
    func allocManual(npages: Int) -> UnsafeMutablePointer<MSpan>? {
        pointee.lock.lock()
        defer { pointee.lock.unlock() }
        guard let span = allocSpanLocked(npages: npages, spanclass: .large) else { return nil }
        // allocSpanLocked counts a heap span: move its pages from HeapInuse to the stacks.
        pointee.pagesInUse -= npages
        pointee.pagesInStacks += npages
        span.pointee.state = .manual
        return span
    }

    /// Returns a stack span's pages to the heap (Go's mheap.freeManual): they are free heap pages again.
    func freeManual(_ span: UnsafeMutablePointer<MSpan>) {
        pointee.lock.lock()
        defer { pointee.lock.unlock() }
        if span.pointee.state != .manual { fatal("freeManual: the span is not a stack span") }
        pointee.pagesInStacks -= span.pointee.npages
        pointee.pagesInUse += span.pointee.npages
        span.pointee.state = .inUse
        freeSpanLocked(span)
    }

    /// Returns a span's pages to the page allocator and its struct to the FixAlloc.
    func freeSpan(_ span: UnsafeMutablePointer<MSpan>) {
        pointee.lock.lock()
        defer { pointee.lock.unlock() }
        freeSpanLocked(span)
    }

    /// Frees a large object's span, counted in the large-object statistics.
    func freeLarge(_ span: UnsafeMutablePointer<MSpan>) {
        pointee.lock.lock()
        defer { pointee.lock.unlock() }
        if span.pointee.state == .manual { fatal("free of a pointer into a thread stack") }
        if span.pointee.state != .inUse { fatal("double free of a large object (its span is already free)") }
        pointee.largeFrees += 1
        pointee.largeFreeBytes += UInt64(span.pointee.bytes)
        freeSpanLocked(span)
    }

    private func allocSpanLocked(npages: Int, spanclass: SpanClass, alignment: Int = SizeClasses.pageSize,
                                 managed: Bool = false) -> UnsafeMutablePointer<MSpan>? {
        assertHeapLockHeld()
        // Pages are page-aligned: a larger alignment needs a run with room to slide up to it.
        let searchPages = npages + max(alignment >> SizeClasses.pageShift, 1) - 1
        var found = findRunLocked(npages: searchPages)
        if found == nil, growLocked(npages: searchPages) { found = findRunLocked(npages: searchPages) }
        guard let run = found else { return nil }
        let address = (run + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        let taken = allocRangeLocked(address, npages: npages)
        pointee.pagesReleased -= taken.scavenged
        if taken.scavenged > 0 { OSMemory.sysUsed(address, npages << SizeClasses.pageShift) }
        pointee.pagesInUse += npages
        pointee.pagesInUsePeak = max(pointee.pagesInUsePeak, pointee.pagesInUse)
        if taken.scavenged > 0 {
            // Go's mheap.grow: only what now lies over the retained goal is for the scavenging after
            // growth, so a heap climbing to a new peak leaves the slow path without two more trips
            // through this lock (nearly all growth on the thread benchmarks). The collector's goal only raises
            // the limit: over without it is checked again with it there (scavengeAfterGrowth).
            let over = pagesRetainedOverLocked(.afterGrowth, collectorGoalPages: 0)
            if over > 0 {
                goalloc_store_relaxed(&pointee.retainedGrowthPages, pointee.retainedGrowthPages + UInt64(min(taken.scavenged, over)))
            }
        }

        let span = pointee.spanAlloc.alloc().assumingMemoryBound(to: MSpan.self)
        span.pointee.startAddr = address
        span.pointee.npages = npages
        span.pointee.spanclass = spanclass
        span.pointee.needzero = taken.needzero
        span.pointee.state = .inUse
        span.pointee.managed = managed
        span.pointee.holdsOld = false
        let sizeClass = spanclass.sizeClass
        if sizeClass == 0 {
            span.pointee.elemsize = npages << SizeClasses.pageShift
            span.pointee.nelems = 1
        } else {
            span.pointee.elemsize = SizeClasses.size(sizeClass)
            span.pointee.nelems = SizeClasses.nelems(sizeClass)
            span.pointee.divMul = SizeClasses.divMul(sizeClass)
            span.pointee.allocBits = pointee.bitsAlloc.alloc().assumingMemoryBound(to: UInt64.self)
            if managed { span.pointee.gcmarkBytes = pointee.markBytesAlloc.alloc(nelems: span.pointee.nelems) }
        }
        setSpansLocked(span, to: span)
        return span
    }

    /// Returns a span's pages with the heap lock held (the collector's sweep holds it throughout).
    func freeSpanLocked(_ span: UnsafeMutablePointer<MSpan>) {
        assertHeapLockHeld()
        if span.pointee.state != .inUse { fatal("freeSpan: span is not in use (double free)") }
        setSpansLocked(span, to: nil)
        freeRangeLocked(span.pointee.startAddr, npages: span.pointee.npages)
        pointee.pagesInUse -= span.pointee.npages
        if let bits = span.pointee.allocBits { pointee.bitsAlloc.free(UnsafeMutableRawPointer(bits)) }
        if let marks = span.pointee.gcmarkBytes { pointee.markBytesAlloc.free(marks, nelems: span.pointee.nelems) }
        span.pointee.state = .dead
        pointee.spanAlloc.free(UnsafeMutableRawPointer(span))
    }

    /// Points every page of `span` at `value` in the spans tables, and sets the pages' size class
    /// for free's fast path (MHeap.pageClass): the span's class while it is a small-object
    /// span of the explicit heap with room for the freed-object key (FreedKey), 0 otherwise. Lock held.
    private func setSpansLocked(_ span: UnsafeMutablePointer<MSpan>, to value: UnsafeMutablePointer<MSpan>?) {
        assertHeapLockHeld()
        let sizeClass = span.pointee.spanclass.sizeClass
        let fastClass: UInt8 = value != nil && !span.pointee.managed && sizeClass >= FreedKey.smallestClass ? UInt8(sizeClass) : 0
        var address = span.pointee.startAddr
        let end = address + UInt(span.pointee.bytes)
        while address < end {
            let arena = MHeap.arenaOf(address)!
            let page = arena.pageIndex(address)
            arena.spans[page] = value
            goalloc_store_relaxed_u8(arena.pageClasses + page, fastClass)
            address += UInt(SizeClasses.pageSize)
        }
    }

    /// Maps at least `npages` more pages (rounded up to the 4 MiB growth step), reserving new
    /// arenas when the current reservation is used up (Go's mheap.grow). Lock held. False when
    /// the OS refuses the memory.
    func growLocked(npages: Int) -> Bool {
        assertHeapLockHeld()
        let bytes = (npages << SizeClasses.pageShift + MHeap.growthBytes - 1) & ~(MHeap.growthBytes - 1)
        var start = pointee.frontier
        var reservation: (base: UInt, bytes: Int)?
        if pointee.frontier + UInt(bytes) > pointee.frontierEnd {
            let reserve = (bytes + HeapArena.bytes - 1) & ~(HeapArena.bytes - 1)
            // Ask for the address right after the current reservation, so the heap stays contiguous.
            guard let base = OSMemory.sysReserveAligned(reserve, alignment: HeapArena.bytes, hint: pointee.frontierEnd)
            else { return false }
            // A non-contiguous reservation abandons the old frontier's tail (it stays Reserved, as in Go).
            if base != pointee.frontierEnd { start = base }
            reservation = (base, reserve)
        }
        // Reserved -> Prepared: counts as released until used. Mapped before any arena metadata is
        // made, so that a request the OS refuses (more than it will ever commit) fails at once and
        // leaves nothing behind.
        guard OSMemory.sysMap(start, bytes) else {
            if let reservation { OSMemory.sysFree(reservation.base, reservation.bytes) }
            return false
        }
        if let reservation {
            var arenaBase = reservation.base
            while arenaBase < reservation.base + UInt(reservation.bytes) {
                registerArenaLocked(arenaBase)
                arenaBase += UInt(HeapArena.bytes)
            }
            pointee.frontierEnd = reservation.base + UInt(reservation.bytes)
        }
        pointee.frontier = start + UInt(bytes)
        addMappedLocked(start, npages: bytes >> SizeClasses.pageShift)
        Globals.existing?.traceHeapLocked(GOALLOC_TRACE_HEAP_GROW, start: monotonicNanoseconds(), bytes: bytes)
        return true
    }

    /// Creates the metadata of the arena at `base` and links it into the index and the address-ordered list.
    private func registerArenaLocked(_ base: UInt) {
        assertHeapLockHeld()
        let arena = OSMemory.sysAlloc(HeapArena.metadataBytes, charging: &pointee.gcSys)
            .assumingMemoryBound(to: HeapArena.self)
        arena.pointee.base = base
        let slot = Int(base >> UInt(HeapArena.logBytes))
        // The index is charged by the page: charge a page when it receives its first entry.
        let perPage = 4096 / MemoryLayout<UnsafeMutablePointer<HeapArena>?>.stride
        var entry = slot & ~(perPage - 1)
        let pageEnd = entry + perPage
        while entry < pageEnd && goalloc_arena_at(entry) == nil { entry += 1 }
        if entry == pageEnd { pointee.gcSys += 4096 }
        goalloc_set_arena_at(slot, MHeap.indexEntry(arena, slot: slot))
        if let first = pointee.arenas, first.pointee.base < base {
            var previous = first
            while let next = previous.pointee.next, next.pointee.base < base { previous = next }
            arena.pointee.next = previous.pointee.next
            previous.pointee.next = arena
        } else {
            arena.pointee.next = pointee.arenas
            pointee.arenas = arena
        }
    }
}

/// The mark bytes of managed spans: one byte per object, from the smallest of five FixAllocs
/// (64, 128, 256, 512 and 1024 bytes) that holds the span's nelems, so that a class with few
/// objects per span pays little. Guarded by the heap lock.
struct MarkBytesAlloc {
    private var allocs = (FixAlloc(size: 64), FixAlloc(size: 128), FixAlloc(size: 256), FixAlloc(size: 512),
                          FixAlloc(size: 1024))

    /// The bytes for `nelems` objects rounded up to the bucket: a multiple of 64.
    static func bytes(nelems: Int) -> Int { max(64, 1 << (Int.bitWidth - (nelems - 1).leadingZeroBitCount)) }

    /// Zeroed mark bytes for a span of `nelems` objects (1...1024).
    mutating func alloc(nelems: Int) -> UnsafeMutablePointer<UInt8> {
        let raw: UnsafeMutableRawPointer
        switch Self.bytes(nelems: nelems) {
        case 64: raw = allocs.0.alloc()
        case 128: raw = allocs.1.alloc()
        case 256: raw = allocs.2.alloc()
        case 512: raw = allocs.3.alloc()
        default: raw = allocs.4.alloc()
        }
        return raw.assumingMemoryBound(to: UInt8.self)
    }

    mutating func free(_ marks: UnsafeMutablePointer<UInt8>, nelems: Int) {
        let raw = UnsafeMutableRawPointer(marks)
        switch Self.bytes(nelems: nelems) {
        case 64: allocs.0.free(raw)
        case 128: allocs.1.free(raw)
        case 256: allocs.2.free(raw)
        case 512: allocs.3.free(raw)
        default: allocs.4.free(raw)
        }
    }

    /// Bytes mapped for mark bytes (GCSys).
    var sys: UInt64 { allocs.0.sys + allocs.1.sys + allocs.2.sys + allocs.3.sys + allocs.4.sys }
}
