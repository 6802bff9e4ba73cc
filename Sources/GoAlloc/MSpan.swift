/// A run of contiguous pages holding objects of one size class, or one large object
/// (Go's `mspan`, runtime/mheap.go). See Malloc.swift for how spans move between the heap, the
/// central lists and the thread caches.
///
/// Span structs come from the heap's FixAlloc, never from the pages they describe.
///
/// Synchronisation: `startAddr`, `npages`, `spanclass`, `elemsize`, `nelems` and `divMul` are set
/// under the heap lock before the span is published and never change while it is in use, so any
/// thread may read them through `MHeap.spanOf`. `allocBits`, `allocCount` and the list links of a
/// small-object span are guarded by the lock of its class's MCentral; `state` by the heap lock.
struct MSpan {
    /// What the pages are used for (Go's mSpanState).
    enum State: UInt8 {
        /// Not in use: the struct is free or describes freed pages.
        case dead = 0
        /// Heap objects (small or large).
        case inUse
        /// Thread stacks (Go's mSpanManual): out of the heap's statistics, counted in StackInuse.
        /// `elemsize` is the size of one stack, `nelems` how many the span holds.
        case manual
    }

    var next: UnsafeMutablePointer<MSpan>?
    var prev: UnsafeMutablePointer<MSpan>?
    /// The kind of list the span is on (0: none), checked when it is removed.
    var listTag: UInt8 = 0

    var startAddr: UInt = 0
    var npages = 0
    var spanclass = SpanClass.large
    var state = State.dead
    /// The span's free memory may hold old data: calloc, and the managed heap's allocation, must
    /// clear what they hand out. Set from its pages when the heap allocates it; a managed span's
    /// when it is cached again after a sweep, an explicit one's when its central hands it out
    /// to be carved again after it emptied.
    var needzero = false
    var elemsize = 0
    var nelems = 0
    /// Object index = (offset * divMul) >> 32 (Go's divMagic; offsets are under 2^19).
    var divMul: UInt32 = 0
    /// Objects not free in the span: given to a user or held in a thread cache.
    var allocCount = 0
    /// One bit per object, 1 = not free. The sweep rebuilds them from the mark bytes, as Go
    /// rebuilds its allocBits from gcmarkBits.
    var allocBits: UnsafeMutablePointer<UInt64>?
    /// A managed small-object span's marks (GC/Mark.swift): one byte per object, ``MarkByte``:
    /// non-zero = reached by the collector's mark, its low bit set whether or not the object is
    /// still waiting in the span to be scanned (GC/SpanMark.swift). Bytes rather than Go's bits,
    /// so that mark workers running at once set them with plain stores (two workers setting one
    /// byte agree; two setting bits of one word could lose one). From `MHeap.markBytesAlloc`, in
    /// multiples of 64 bytes, zero past nelems.
    var gcmarkBytes: UnsafeMutablePointer<UInt8>?
    /// The span is on a grey stack, its grey objects to be scanned together (GC/SpanMark.swift).
    /// False outside the mark.
    var markQueued = false
    /// The indices of the span's grey objects lie in [greyLow, greyEnd) while it is queued; while
    /// it is scanned, greyLow is the scan's position, or lower where it greyed an object behind it.
    var greyLow: Int32 = 0
    var greyEnd: Int32 = 0
    /// The span belongs to the garbage-collected heap (GC/GC.swift): its objects are never freed
    /// explicitly, only swept.
    var managed = false
    /// The mark bit of a managed large object (its span has no bitmaps).
    var largeMarked = false
    /// A managed small-object span's last sweep kept objects in it: in the generational mode,
    /// old objects (GC/Generational.swift).
    var holdsOld = false
    /// The free stacks of a stack pool span (Go's manualFreeList), linked through each stack's
    /// lowest usable word. Guarded by the heap lock.
    var manualFreeList: UnsafeMutableRawPointer?

    /// Bytes of one bitmap: one bit for each object of the class with the most objects per span
    /// (class 1: 1024 objects of 8 bytes in one page).
    static let bitmapBytes = 128

    var base: UInt { startAddr }
    // Wrapping arithmetic: a span's objects lie inside its pages, so these cannot overflow, and
    // the collector's mark computes them for every word that points into the heap.
    var limit: UInt { startAddr &+ UInt(bitPattern: nelems &* elemsize) }
    var bytes: Int { npages << SizeClasses.pageShift }

    /// The index of the object at `address`, which must lie inside the span (found through
    /// `MHeap.spanOf`, so the offset cannot wrap).
    @inline(__always)
    func objectIndex(_ address: UInt) -> Int {
        Int(truncatingIfNeeded: (UInt64(address &- startAddr) &* UInt64(divMul)) >> 32)
    }

    @inline(__always)
    func objectAddress(_ index: Int) -> UInt {
        startAddr &+ UInt(bitPattern: index &* elemsize)
    }

    @inline(__always)
    func isAllocated(_ index: Int) -> Bool {
        allocBits.unsafelyUnwrapped[index &>> 6] & (1 &<< UInt64(index & 63)) != 0
    }

    @inline(__always)
    func setAllocated(_ index: Int) {
        allocBits![index >> 6] |= 1 << UInt64(index & 63)
    }

    @inline(__always)
    func clearAllocated(_ index: Int) {
        allocBits![index >> 6] &= ~(1 << UInt64(index & 63))
    }

    /// Words of bitmap needed for the span's objects.
    var bitmapWords: Int { (nelems + 63) >> 6 }
}

/// A doubly linked list of spans through their `next`/`prev` links (Go's mSpanList). A span
/// records the tag of the list that holds it, so that removing a span from the wrong list is
/// caught instead of corrupting both.
///
/// Used in place (`central.pointee.partial.insert(span)`), never copied while it holds spans.
struct MSpanList {
    private(set) var first: UnsafeMutablePointer<MSpan>?
    private(set) var count = 0
    /// Non-zero identity of the list (MCentral's partial and full lists have different tags).
    private(set) var tag: UInt8

    init(tag: UInt8) {
        self.tag = tag
    }

    var isEmpty: Bool { first == nil }

    mutating func insert(_ span: UnsafeMutablePointer<MSpan>) {
        if span.pointee.listTag != 0 { fatal("MSpanList.insert: span is already on a list") }
        span.pointee.next = first
        span.pointee.prev = nil
        first?.pointee.prev = span
        first = span
        span.pointee.listTag = tag
        count += 1
    }

    mutating func remove(_ span: UnsafeMutablePointer<MSpan>) {
        if span.pointee.listTag != tag { fatal("MSpanList.remove: span is not on this list") }
        if let previous = span.pointee.prev { previous.pointee.next = span.pointee.next } else { first = span.pointee.next }
        span.pointee.next?.pointee.prev = span.pointee.prev
        span.pointee.next = nil
        span.pointee.prev = nil
        span.pointee.listTag = 0
        count -= 1
    }
}
