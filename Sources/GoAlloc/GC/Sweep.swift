// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

/// The sweep (Go's mgcsweep.go). Sweeping a span makes the objects the mark did not reach free:
/// allocBits takes the mark bytes' value (Go's allocBits takes gcmarkBits'), allocCount its
/// population, the frees are counted per size class, and the marks are cleared for the next cycle
/// (kept, in the generational mode: Generational.swift).
///
/// Right after the mark, with the world stopped, unmarked large objects go back to the heap. A
/// forced collection (runtime.GC) sweeps every span then too, as Go's runtime.GC finishes the
/// sweep before it returns. After a paced cycle, the spans of small objects are swept lazily, as
/// in Go: the cycle moves every span onto its central's unswept lists (a few pointer moves per
/// span, instead of its bitmaps), and a thread that needs a span sweeps them there one at a time
/// until one has a free slot (``GCThread``'s refill, under that central's lock); the next cycle
/// sweeps whatever is left before it marks, so every mark starts from swept spans. A span found
/// empty goes back to the heap when the heap lock is held (in a cycle); a refill, which holds only
/// its central's lock, uses it.
extension UnsafeMutablePointer where Pointee == GC {
    /// The sweep after a mark: large objects now, small ones now (`eager`) or lazily. World
    /// stopped, heap lock and every managed central lock held.
    func sweepLocked(heap: UnsafeMutablePointer<MHeap>, eager: Bool) {
        assertHeapLockHeld()
        let large = central(SpanClass(sizeClass: 0, noscan: false))
        sweepLarge(large, heap: heap)
        sweepLarge(large + 1, heap: heap)
        var raw = 2
        while raw < GC.spanClassCount {
            let central = pointee.centrals.unsafelyUnwrapped + raw
            if eager {
                // Every span off both lists first: a swept span goes back onto them, and must not
                // be swept twice (its marks are gone after the first).
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
                    sweepSpanLocked(span, into: central, heap: heap)
                }
            } else {
                while let span = central.pointee.partial.first {
                    central.pointee.partial.remove(span)
                    central.pointee.unsweptPartial.insert(span)
                }
                while let span = central.pointee.full.first {
                    central.pointee.full.remove(span)
                    central.pointee.unsweptFull.insert(span)
                }
            }
            raw += 1
        }
    }

    /// Sweeps what the last cycle left unswept, before this cycle marks. World stopped, heap lock
    /// and every managed central lock held. Returns the spans swept.
    func finishSweepLocked(heap: UnsafeMutablePointer<MHeap>) -> Int {
        assertHeapLockHeld()
        var swept = 0
        var raw = 2
        while raw < GC.spanClassCount {
            let central = pointee.centrals.unsafelyUnwrapped + raw
            while let span = central.pointee.unsweptPartial.first ?? central.pointee.unsweptFull.first {
                central.takeUnsweptLocked(span)
                sweepSpanLocked(span, into: central, heap: heap)
                swept += 1
            }
            raw += 1
        }
        return swept
    }

    /// Sweeps `span` and puts it where it now belongs: back to the heap when empty, else on the
    /// full or partial list. Heap lock and the span's central lock held.
    private func sweepSpanLocked(_ span: UnsafeMutablePointer<MSpan>, into central: UnsafeMutablePointer<MCentral>,
                                 heap: UnsafeMutablePointer<MHeap>) {
        assertHeapLockHeld()
        let live = sweepBits(span)
        if live == 0 {
            heap.freeSpanLocked(span)
        } else if live == span.pointee.nelems {
            central.pointee.full.insert(span)
        } else {
            central.pointee.partial.insert(span)
        }
    }

    /// The sweep of one span's bitmaps and counts; returns the objects left. The span's central
    /// lock held (or the world stopped). The frees are added atomically: the scan and noscan
    /// classes of a size share a counter and are swept under different locks.
    func sweepBits(_ span: UnsafeMutablePointer<MSpan>) -> Int {
        let words = span.pointee.bitmapWords
        let allocBits = span.pointee.allocBits.unsafelyUnwrapped
        let marks = UnsafeMutableRawPointer(span.pointee.gcmarkBytes.unsafelyUnwrapped)
        var live = 0
        var word = 0
        while word < words {
            allocBits[word] = Self.packMarks(marks + word &* 64)
            live &+= allocBits[word].nonzeroBitCount
            word &+= 1
        }
        // In the generational mode the marks stay: they tell the next minor cycle which objects are old.
        if !stickyMarks { marks.initializeMemory(as: UInt8.self, repeating: 0, count: words &* 64) }
        _ = goalloc_fetch_add(pointee.sweptFrees.unsafelyUnwrapped + span.pointee.spanclass.sizeClass,
                              UInt64(span.pointee.allocCount - live))
        span.pointee.allocCount = live
        span.pointee.holdsOld = live != 0
        return live
    }

    /// The 64 mark bytes at `marks` (each 0 or 1) as one bitmap word, bit i for byte i: each 8
    /// bytes loaded as a word and gathered by one multiply (the product's top byte collects the
    /// low bit of every byte).
    @inline(__always)
    static func packMarks(_ marks: UnsafeMutableRawPointer) -> UInt64 {
        var bits: UInt64 = 0
        var chunk = 0
        while chunk < 8 {
            let bytes = marks.loadUnaligned(fromByteOffset: chunk &* 8, as: UInt64.self)
            bits |= ((bytes &* 0x0102_0408_1020_4080) &>> 56) &<< UInt64(chunk &* 8)
            chunk &+= 1
        }
        return bits
    }

    private func sweepLarge(_ central: UnsafeMutablePointer<MCentral>, heap: UnsafeMutablePointer<MHeap>) {
        var next = central.pointee.full.first
        while let span = next {
            next = span.pointee.next
            if span.pointee.largeMarked {
                if !stickyMarks { span.pointee.largeMarked = false }
                continue
            }
            central.pointee.full.remove(span)
            heap.pointee.largeFrees += 1
            heap.pointee.largeFreeBytes += UInt64(span.pointee.bytes)
            heap.freeSpanLocked(span)
        }
    }
}

extension UnsafeMutablePointer where Pointee == MCentral {
    /// Takes `span` off the unswept list it is on. The central's lock held.
    func takeUnsweptLocked(_ span: UnsafeMutablePointer<MSpan>) {
        pointee.lock.assertHeld()
        if span.pointee.listTag == pointee.unsweptPartial.tag {
            pointee.unsweptPartial.remove(span)
        } else {
            pointee.unsweptFull.remove(span)
        }
    }

    /// Whether `span` waits on an unswept list: its allocBits still count the objects the last
    /// mark found dead, and its mark bytes say which are live.
    func isUnswept(_ span: UnsafeMutablePointer<MSpan>) -> Bool {
        span.pointee.listTag == pointee.unsweptPartial.tag || span.pointee.listTag == pointee.unsweptFull.tag
    }
}
