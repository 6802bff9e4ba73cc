// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// Metadata of one 64 MiB heap arena (Go's `heapArena`): the span of every page, and the page
/// allocator's bitmaps for its sixteen 4 MiB chunks. It lives outside the arena, in memory mapped
/// for it alone (charged to GCSys, as Go charges arena metadata).
///
/// Layout of the block: this header, then per-page alloc bits and scavenged bits (8192 each),
/// then one summary per chunk, then the spans table, then a size class per page. All of it is
/// guarded by the heap lock, except that any thread may read `spans` and `pageClasses` entries
/// of in-use spans (see MHeap.spanOf and MHeap.pageClass).
struct HeapArena {
    static let logBytes = 26
    static let bytes = 1 << logBytes
    static let pages = bytes >> SizeClasses.pageShift
    static let chunkPages = 512
    static let chunks = pages / chunkPages
    static let words = pages / 64

    static let allocOffset = 64
    static let scavengedOffset = allocOffset + pages / 8
    static let summariesOffset = scavengedOffset + pages / 8
    static let spansOffset = summariesOffset + chunks * MemoryLayout<ChunkSummary>.stride
    static let pageClassesOffset = spansOffset + pages * MemoryLayout<UnsafeMutablePointer<MSpan>?>.stride
    /// Bytes of metadata per arena.
    static let metadataBytes = (pageClassesOffset + pages * MemoryLayout<UInt8>.stride + 4095) & ~4095

    /// The arena's first address (64 MiB aligned).
    var base: UInt = 0
    /// The next arena in address order.
    var next: UnsafeMutablePointer<HeapArena>?
    /// Pages at or above this index have never been handed out: they still read as zero.
    var zeroedBase = 0
    /// Bit c set: chunk c is mapped (Prepared or Ready) and managed by the page allocator.
    var mappedChunks: UInt32 = 0
    /// Bit c set: chunk c is registered for the generational mode's write tracking (GC/Generational.swift).
    var trackedChunks: UInt32 = 0

    /// Free-run summary of one chunk, in pages: the free run at its start, the longest free run
    /// anywhere in it, and the free run at its end (Go's pallocSum).
    struct ChunkSummary {
        var start: UInt16 = 0
        var max: UInt16 = 0
        var end: UInt16 = 0
    }
}

extension UnsafeMutablePointer where Pointee == HeapArena {
    private var raw: UnsafeMutableRawPointer { UnsafeMutableRawPointer(self) }

    /// One bit per page: 1 = in use (by a span, or briefly by the scavenger).
    var allocBits: UnsafeMutablePointer<UInt64> { (raw + HeapArena.allocOffset).assumingMemoryBound(to: UInt64.self) }
    /// One bit per page: 1 = returned to the OS (Prepared), reads as zero when used again.
    var scavengedBits: UnsafeMutablePointer<UInt64> {
        (raw + HeapArena.scavengedOffset).assumingMemoryBound(to: UInt64.self)
    }
    var summaries: UnsafeMutablePointer<HeapArena.ChunkSummary> {
        (raw + HeapArena.summariesOffset).assumingMemoryBound(to: HeapArena.ChunkSummary.self)
    }
    /// The span of every page (nil: free or not a heap span).
    var spans: UnsafeMutablePointer<UnsafeMutablePointer<MSpan>?> {
        (raw + HeapArena.spansOffset).assumingMemoryBound(to: UnsafeMutablePointer<MSpan>?.self)
    }

    /// The size class of every page for free's fast path: its span's class if that is a small
    /// object span of the explicit heap, else 0 (see MHeap.setSpansLocked). Read with relaxed
    /// atomics: free finds a pointer's class in one load after the arena's. A byte a page: 8 KiB
    /// for a 64 MiB arena, which stays in the cache between frees where 8-byte entries (64 KiB) did
    /// not (the load missed on 92% of stress-rptest's frees, cachegrind).
    var pageClasses: UnsafeMutablePointer<UInt8> { (raw + HeapArena.pageClassesOffset).assumingMemoryBound(to: UInt8.self) }

    /// The page index within the arena of `address`.
    @inline(__always)
    func pageIndex(_ address: UInt) -> Int { Int((address - pointee.base) >> UInt(SizeClasses.pageShift)) }

    func isChunkMapped(_ chunk: Int) -> Bool { pointee.mappedChunks & (1 << UInt32(chunk)) != 0 }
}
