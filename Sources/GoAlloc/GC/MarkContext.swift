// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// What the mark knows of a word before it looks the word up: the addresses the heap's arenas
/// span (a word outside them points to no object: nil, small integers, tags, other mappings;
/// Go's arena_start/arena_used test, Boehm GC's plausible heap bounds), and the span whose
/// objects are being scanned, if any (a word into its objects needs no lookup of its span: a
/// structure allocated together tends to point within its spans). Two subtractions and
/// compares in place of the arena index's loads for most words the mark reads.
struct MarkContext {
    /// The arenas lie in [heapLow, heapLow + heapBytes) (holes between them included).
    var heapLow: UInt = 0
    var heapBytes: UInt = 0
    /// The span being scanned (SpanMark.swift): a managed small-object span in use, its objects in
    /// [homeBase, homeBase + homeBytes); homeBytes 0 when there is none.
    var home: UnsafeMutablePointer<MSpan>?
    var homeBase: UInt = 0
    var homeBytes: UInt = 0

    /// The bounds of `heap`'s arenas (an address-ordered list). World stopped, heap lock held.
    init(heap: UnsafeMutablePointer<MHeap>) {
        guard let first = heap.pointee.arenas else { return }
        var last = first
        while let next = last.pointee.next { last = next }
        heapLow = first.pointee.base
        heapBytes = last.pointee.base &+ UInt(HeapArena.bytes) &- heapLow
    }

    init() {}

    /// The same bounds while the objects of `span` are scanned.
    func scanning(_ span: UnsafeMutablePointer<MSpan>) -> MarkContext {
        var context = self
        context.home = span
        context.homeBase = span.pointee.startAddr
        context.homeBytes = UInt(bitPattern: span.pointee.nelems &* span.pointee.elemsize)
        return context
    }
}
