// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

// Span-local marking (the idea behind Go's "Green Tea" collector, Go 1.25's experiment).
//
// Marking object by object pushes each grey object's bounds on the grey stack and pops them in
// the order the stack gives, so the objects scanned one after another may lie anywhere in the
// heap. Marking span by span queues the span instead: a grey object of a small-object span that
// may hold pointers gets the mark byte ``MarkByte/grey``, and its span goes on the grey stack once
// (`markQueued`), however many of its objects turn grey before it is scanned. Scanning the span
// takes its grey objects in address order, eight mark bytes a load, and scans each; what they
// grey in the same span joins the scan still under way, so a structure allocated together is
// marked in the order it lies in memory, and the grey stack holds a span where it held many
// objects. A span records the index range of its grey objects (`greyLow`, `greyEnd`), so a span
// with one grey object costs one load of its mark bytes, not a pass over all of them.
//
// Large objects (a span each) and pointer-free objects are marked as before: a large object's
// bounds go on the grey stack, a pointer-free object is black at once.
//
// Only a mark running alone queues spans: the collector marking the roots and draining without
// helpers (the default). With helpers (GOALLOC_MARKHELPERS) marks are plain stores, and a helper
// greying an object of a span whose scan another worker is finishing could leave it grey with no
// one to scan it; there every object goes on the grey stack as before. A span queued while the
// collector marked the roots alone may still be scanned by a helper: nobody else greys in a span
// then, so its scan sees every grey object it holds.
//
// The grey stack holds (start, end) pairs; a queued span is the pair (span, 0).

/// The values of a managed object's mark byte (``MSpan/gcmarkBytes``). The low bit is "marked",
/// which is all the sweep (packMarks, Sweep.swift) and the generational mode read.
enum MarkByte {
    /// Not reached (yet): the sweep frees it.
    static let white: UInt8 = 0
    /// Reached, and scanned or without pointers.
    static let black: UInt8 = 1
    /// Reached, waiting in its queued span to be scanned.
    static let grey: UInt8 = 3
    /// Bit 1 of each byte of a word of mark bytes: set where the byte is grey.
    static let greyBits: UInt64 = 0x0202_0202_0202_0202
}

extension UnsafeMutablePointer where Pointee == MSpan {
    /// Turns the object at `index` grey in its span and returns whether the span must go on the
    /// grey stack (it was not queued). The mark running alone.
    @inline(__always)
    func greyInSpan(_ index: Int) -> Bool {
        pointee.gcmarkBytes.unsafelyUnwrapped[index] = MarkByte.grey
        let index = Int32(truncatingIfNeeded: index)
        guard pointee.markQueued else {
            pointee.markQueued = true
            pointee.greyLow = index
            pointee.greyEnd = index &+ 1
            return true
        }
        if index < pointee.greyLow { pointee.greyLow = index }
        if index >= pointee.greyEnd { pointee.greyEnd = index &+ 1 }
        return false
    }
}

extension UnsafeMutablePointer where Pointee == GC {
    /// Pops the next grey entry of `grey` (an object's bounds or a queued span) and scans it;
    /// returns the objects scanned, or nil when `grey` is empty. `spanLocal`: the mark runs alone
    /// and may queue spans.
    @inline(__always)
    func scanNextGrey(_ grey: UnsafeMutablePointer<OffHeapWords>, context: MarkContext, spanLocal: Bool,
                      marked: inout UInt64) -> UInt64? {
        guard let end = grey.pointee.pop() else { return nil }
        let start = grey.pointee.pop().unsafelyUnwrapped
        guard end == 0 else {
            scan(start, end, into: grey, context: context, spanLocal: spanLocal, marked: &marked)
            return 1
        }
        let span = UnsafeMutablePointer<MSpan>(bitPattern: start).unsafelyUnwrapped
        return scanSpan(span, into: grey, context: context.scanning(span), spanLocal: spanLocal, marked: &marked)
    }

    /// Scans the grey objects of a queued span in address order, and those its scan greys in it,
    /// until none is left; then the span leaves the queue. Returns the objects scanned.
    private func scanSpan(_ span: UnsafeMutablePointer<MSpan>, into grey: UnsafeMutablePointer<OffHeapWords>,
                          context: MarkContext, spanLocal: Bool, marked: inout UInt64) -> UInt64 {
        let marks = UnsafeMutableRawPointer(span.pointee.gcmarkBytes.unsafelyUnwrapped)
        let size = UInt(bitPattern: span.pointee.elemsize)
        var objects: UInt64 = 0
        // Eight mark bytes at a time from the lowest grey one. greyLow follows the scan's
        // position, and an object the scan greys behind it lowers it: when the scan reaches
        // greyEnd, it goes back there if that happened, and is done if not.
        var group = Int(span.pointee.greyLow) &>> 3
        span.pointee.greyLow = Int32(truncatingIfNeeded: group &* 8)
        while true {
            if group >= (Int(span.pointee.greyEnd) &+ 7) &>> 3 {
                let behind = Int(span.pointee.greyLow)
                guard behind < group &* 8 else { break }
                group = behind &>> 3
                span.pointee.greyLow = Int32(truncatingIfNeeded: group &* 8)
            }
            // Reloaded after each object: its scan may have greyed others in these eight.
            while case let bits = marks.loadUnaligned(fromByteOffset: group &* 8, as: UInt64.self) & MarkByte.greyBits,
                  bits != 0 {
                let index = group &* 8 &+ bits.trailingZeroBitCount &>> 3
                marks.storeBytes(of: MarkByte.black, toByteOffset: index, as: UInt8.self)
                let object = span.pointee.objectAddress(index)
                scanWords(object, object &+ size, into: grey, context: context, spanLocal: spanLocal, marked: &marked)
                objects &+= 1
            }
            group &+= 1
            if span.pointee.greyLow == Int32(truncatingIfNeeded: (group &- 1) &* 8) {
                span.pointee.greyLow = Int32(truncatingIfNeeded: group &* 8)
            }
        }
        span.pointee.markQueued = false
        return objects
    }
}
