// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// The central lists of one size class (Go's `mcentral`, runtime/mcentral.go): spans with free
/// objects (`partial`) and spans with none (`full`: every object is with a user or in a thread
/// cache). Thread caches take their objects from here in batches and give them back in batches.
///
/// The managed heap's centrals also keep the spans a paced collection left unswept
/// (`unsweptPartial`, `unsweptFull`: Go's mcentral keeps swept and unswept sets of both); see
/// GC/Sweep.swift. The explicit heap's are always empty.
///
/// The explicit heap's centrals also keep whole batches of freed objects between thread caches
/// (`transfer`, TransferBatches.swift), and the spans their objects emptied last (`empty`, up to
/// `emptyPagesLimit` pages): the next cache that needs a fresh span takes one rather than going
/// to the heap's page allocator, which costs more (rptest-style random sizes empty and take spans
/// of the larger classes, one or a few objects a span, all the time).
///
/// The lock guards the lists, the batches, and the allocBits and allocCount of every span of this class. Its
/// rank (LockRank.swift) is below the heap lock's for the explicit heap's centrals (spans are
/// freed to the heap after unlocking) and above it for the collected heap's.
struct MCentral {
    var lock = Mutex()
    var spanclass = SpanClass.large
    var partial = MSpanList(tag: 1)
    var full = MSpanList(tag: 2)
    var unsweptPartial = MSpanList(tag: 3)
    var unsweptFull = MSpanList(tag: 4)
    var transfer = TransferBatches()
    /// Spans of this class with no object in use, kept for caches to come.
    var empty = MSpanList(tag: 5)
    /// Most pages the `empty` list keeps (it keeps at least one span).
    static let emptyPagesLimit = 32
}

extension UnsafeMutablePointer where Pointee == MCentral {
    /// Objects for a thread cache: a batch another cache gave back (TransferBatches), the free
    /// objects of a partial span, linked into a list
    /// (they were used before, so writing the links costs nothing new), or a fresh span whose
    /// objects the cache carves out one by one as they are needed (so untouched memory stays
    /// untouched: a kept empty span, else one from the heap). Either way the span's objects now
    /// all belong to the cache or to users. Nil when the heap cannot grow.
    func cacheObjects(heap: UnsafeMutablePointer<MHeap>) -> (list: UnsafeMutableRawPointer?, count: Int, fresh: UnsafeMutablePointer<MSpan>?)? {
        pointee.lock.lock()
        if let batch = takeBatchLocked() {
            pointee.lock.unlock()
            return (batch.list, batch.count, nil)
        }
        if let span = pointee.partial.first {
            pointee.partial.remove(span)
            var list: UnsafeMutableRawPointer?
            var count = 0
            // Link from the highest free object down, so the list hands them out in address order.
            var index = span.pointee.nelems
            while index > 0 {
                index -= 1
                if span.pointee.isAllocated(index) { continue }
                span.pointee.setAllocated(index)
                let object = UnsafeMutableRawPointer(bitPattern: span.pointee.objectAddress(index))!
                object.storeBytes(of: list, as: UnsafeMutableRawPointer?.self)
                list = object
                count += 1
            }
            span.pointee.allocCount = span.pointee.nelems
            pointee.full.insert(span)
            pointee.lock.unlock()
            return (list, count, nil)
        }
        if let span = pointee.empty.first {
            pointee.empty.remove(span)
            // Its objects were handed out before: calloc must clear what it carves from it.
            span.pointee.needzero = true
            holdAllLocked(span)
            pointee.lock.unlock()
            return (nil, 0, span)
        }
        pointee.lock.unlock()

        let sizeClass = pointee.spanclass.sizeClass
        guard let span = heap.allocSpan(npages: SizeClasses.npages(sizeClass), spanclass: pointee.spanclass) else { return nil }
        pointee.lock.lock()
        holdAllLocked(span)
        pointee.lock.unlock()
        return (nil, 0, span)
    }

    /// Marks every object of an empty span held for a cache's carving range, and lists the span
    /// as full. Central lock held.
    private func holdAllLocked(_ span: UnsafeMutablePointer<MSpan>) {
        pointee.lock.assertHeld()
        Bitmap.set(span.pointee.allocBits!, 0, span.pointee.nelems)
        span.pointee.allocCount = span.pointee.nelems
        pointee.full.insert(span)
    }

    /// Gives the kept empty spans back to the heap (freeOSMemory, thread exit: TransferBatches'
    /// releaseKept).
    func releaseEmpty(heap: UnsafeMutablePointer<MHeap>) {
        var emptied: UnsafeMutablePointer<MSpan>?
        pointee.lock.lock()
        while let span = pointee.empty.first {
            pointee.empty.remove(span)
            span.pointee.next = emptied
            emptied = span
        }
        pointee.lock.unlock()
        releaseEmptied(emptied, heap: heap)
    }

    /// Takes back a list of `count` objects of this class from a thread cache (or the unused
    /// objects a cache never carved), returning them to their spans. Spans left with no object in
    /// use go back to the heap. Detects objects freed twice and objects of another class.
    func returnObjects(_ list: UnsafeMutableRawPointer?, count: Int, heap: UnsafeMutablePointer<MHeap>) {
        var emptied: UnsafeMutablePointer<MSpan>?
        pointee.lock.lock()
        var next = list
        while let object = next {
            next = object.load(as: UnsafeMutableRawPointer?.self)
            returnObjectLocked(UInt(bitPattern: object), heap: heap, emptied: &emptied)
        }
        pointee.lock.unlock()
        releaseEmptied(emptied, heap: heap)
    }

    /// Returns the objects at [start, end) of one span, which a cache had carved out no further.
    func returnRange(_ start: UInt, _ end: UInt, elemsize: Int, heap: UnsafeMutablePointer<MHeap>) {
        var emptied: UnsafeMutablePointer<MSpan>?
        pointee.lock.lock()
        var address = start
        while address < end {
            returnObjectLocked(address, heap: heap, emptied: &emptied)
            address += UInt(elemsize)
        }
        pointee.lock.unlock()
        releaseEmptied(emptied, heap: heap)
    }

    /// One object back to its span. Central lock held. An emptied span is kept on the `empty`
    /// list while that has room; past it, emptied spans are collected (linked through `next`) to
    /// be freed to the heap after the lock is dropped.
    private func returnObjectLocked(_ address: UInt, heap: UnsafeMutablePointer<MHeap>, emptied: inout UnsafeMutablePointer<MSpan>?) {
        pointee.lock.assertHeld()
        guard let span = MHeap.spanOf(address), span.pointee.state == .inUse else {
            fatal("free of a pointer GoAlloc does not own")
        }
        if span.pointee.managed { fatal("free of a garbage-collected object (only the collector frees those)") }
        if span.pointee.spanclass != pointee.spanclass { fatal("object freed with the wrong size (its span holds another size class)") }
        let index = span.pointee.objectIndex(address)
        if span.pointee.objectAddress(index) != address { fatal("free of a pointer into the middle of an object") }
        if !span.pointee.isAllocated(index) { fatal("double free: the object is already free in its span") }
        span.pointee.clearAllocated(index)
        if span.pointee.allocCount == span.pointee.nelems {
            pointee.full.remove(span)
            pointee.partial.insert(span)
        }
        span.pointee.allocCount -= 1
        if span.pointee.allocCount == 0 {
            pointee.partial.remove(span)
            if pointee.empty.isEmpty || (pointee.empty.count + 1) * span.pointee.npages <= MCentral.emptyPagesLimit {
                pointee.empty.insert(span)
            } else {
                span.pointee.next = emptied
                emptied = span
            }
        }
    }

    private func releaseEmptied(_ first: UnsafeMutablePointer<MSpan>?, heap: UnsafeMutablePointer<MHeap>) {
        var next = first
        while let span = next {
            next = span.pointee.next
            span.pointee.next = nil
            heap.freeSpan(span)
        }
    }
}
