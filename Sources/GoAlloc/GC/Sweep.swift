// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// The sweep (Go's mgcsweep.go), all of it with the world stopped, right after the mark: in each
/// managed span, the objects the mark did not reach become free (allocBits takes gcmarkBits'
/// value, allocCount its population, as in Go), their frees are counted per size class, and a
/// span left with no object goes back to the heap. Unmarked large objects go back to the heap
/// whole. World stopped, heap lock and every managed central lock held.
extension UnsafeMutablePointer where Pointee == GC {
    func sweepLocked(heap: UnsafeMutablePointer<MHeap>) {
        assertHeapLockHeld()
        let large = central(SpanClass(sizeClass: 0, noscan: false))
        sweepLarge(large, heap: heap)
        sweepLarge(large + 1, heap: heap)
        var raw = 2
        while raw < GC.spanClassCount {
            let central = pointee.centrals.unsafelyUnwrapped + raw
            // Take every span off both lists first, then put each back where it now belongs.
            var spans: UnsafeMutablePointer<MSpan>?
            while let span = central.pointee.partial.first ?? central.pointee.full.first {
                if span.pointee.listTag == central.pointee.partial.tag {
                    central.pointee.partial.remove(span)
                } else {
                    central.pointee.full.remove(span)
                }
                span.pointee.next = spans
                spans = span
            }
            while let span = spans {
                spans = span.pointee.next
                span.pointee.next = nil
                sweepSpan(span, into: central, heap: heap)
            }
            raw += 1
        }
    }

    private func sweepSpan(_ span: UnsafeMutablePointer<MSpan>, into central: UnsafeMutablePointer<MCentral>,
                           heap: UnsafeMutablePointer<MHeap>) {
        let words = span.pointee.bitmapWords
        let allocBits = span.pointee.allocBits.unsafelyUnwrapped
        let markBits = span.pointee.gcmarkBits.unsafelyUnwrapped
        allocBits.update(from: markBits, count: words)
        markBits.initialize(repeating: 0, count: words)
        let live = Bitmap.countSet(allocBits, 0, span.pointee.nelems)
        pointee.sweptFrees.unsafelyUnwrapped[span.pointee.spanclass.sizeClass] &+= UInt64(span.pointee.allocCount - live)
        span.pointee.allocCount = live
        if live == 0 {
            heap.freeSpanLocked(span)
        } else if live == span.pointee.nelems {
            central.pointee.full.insert(span)
        } else {
            central.pointee.partial.insert(span)
        }
    }

    private func sweepLarge(_ central: UnsafeMutablePointer<MCentral>, heap: UnsafeMutablePointer<MHeap>) {
        var next = central.pointee.full.first
        while let span = next {
            next = span.pointee.next
            if span.pointee.largeMarked {
                span.pointee.largeMarked = false
                continue
            }
            central.pointee.full.remove(span)
            heap.pointee.largeFrees += 1
            heap.pointee.largeFreeBytes += UInt64(span.pointee.bytes)
            heap.freeSpanLocked(span)
        }
    }
}
