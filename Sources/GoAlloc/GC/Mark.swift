// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

/// The mark phase (Go's mgcmark.go), run with the world stopped: every word of the roots that
/// points into a managed object, at its start or anywhere inside it (an interior pointer),
/// marks the object in its span's mark bytes; marked objects that may hold pointers (not noscan)
/// are grey, to be scanned word by word in turn: small ones in their span, which goes on the
/// grey stack (SpanMark.swift), large ones on the grey stack themselves. Conservative: any word
/// that looks like a pointer to an allocated managed object keeps it, whatever it really is.
extension UnsafeMutablePointer where Pointee == GC {
    /// Marks everything reachable from the roots: each registered thread's stack from its saved
    /// stack pointer (its spilled registers lie there) to its top, and each registered range.
    /// Returns the bytes marked; `trace` gets each phase's start and what it covered. World
    /// stopped, heap lock held.
    /// A `minor` cycle first greys the old objects that may point to young ones (Generational.swift).
    func markRootsLocked(trace: inout GCTrace, minor: Bool) -> UInt64 {
        assertHeapLockHeld()
        var marked: UInt64 = 0
        pointee.markContext = MarkContext(heap: Globals.shared.heap)
        if minor {
            let start = monotonicNanoseconds()
            greyOldObjectsLocked(heap: Globals.shared.heap, trace: &trace.generational)
            trace.generational.oldNanos = monotonicNanoseconds() &- start
        }
        trace.stacks = monotonicNanoseconds()
        var threads: UInt64 = 0, stackBytes: UInt64 = 0
        forEachThreadLocked { thread in
            // 0: the thread could not be stopped (it no longer exists): nothing of it to scan.
            let low = thread.pointee.stop.sp
            if low != 0 {
                scan(low, thread.pointee.stop.stack_high, into: &pointee.grey, context: pointee.markContext, spanLocal: true,
                     marked: &marked)
                threads += 1
                stackBytes += UInt64(thread.pointee.stop.stack_high &- low)
            }
        }
        trace.threads = threads
        trace.stackBytes = stackBytes
        // What the stacks keep alive, apart from what the registered ranges keep: the closure of
        // each kind of root is drained before the next is scanned.
        trace.objectsFromStacks = drainGreyLocked(marked: &marked, helped: &trace.helped)
        trace.roots = monotonicNanoseconds()
        var index = 0
        while index < pointee.roots.count {
            let base = pointee.roots.words.unsafelyUnwrapped[index]
            let bytes = pointee.roots.words.unsafelyUnwrapped[index + 1]
            scan(base, base + bytes, into: &pointee.grey, context: pointee.markContext, spanLocal: true, marked: &marked)
            trace.rangeBytes += UInt64(bytes)
            index += 2
        }
        trace.ranges = UInt64(pointee.roots.count / 2)
        trace.mark = monotonicNanoseconds()
        trace.objects = trace.objectsFromStacks + drainGreyLocked(marked: &marked, helped: &trace.helped)
        trace.markedBytes = marked
        return marked
    }

    /// Marks the object of every aligned word in [low, high), greying onto `grey`; `spanLocal`:
    /// the mark runs alone, and queues the spans of small grey objects (SpanMark.swift).
    @inline(__always)
    func scan(_ low: UInt, _ high: UInt, into grey: UnsafeMutablePointer<OffHeapWords>, context: MarkContext,
              spanLocal: Bool, marked: inout UInt64) {
        let mask = UInt(MemoryLayout<UInt>.stride) &- 1
        // Wrapping arithmetic: the ranges are stacks, registered ranges and objects, far from the
        // top of the address space.
        scanWords((low &+ mask) & ~mask, high & ~mask, into: grey, context: context, spanLocal: spanLocal, marked: &marked)
    }

    /// ``scan(_:_:into:context:spanLocal:marked:)`` of the words from `low` (aligned) up to `end`
    /// (aligned): an object's, where nothing needs rounding. This loop runs for every word the mark reads.
    @inline(__always)
    func scanWords(_ low: UInt, _ end: UInt, into grey: UnsafeMutablePointer<OffHeapWords>, context: MarkContext,
                   spanLocal: Bool, marked: inout UInt64) {
        var address = low
        while address < end {
            let word = UnsafeRawPointer(bitPattern: address).unsafelyUnwrapped.load(as: UInt.self)
            mark(word, into: grey, context: context, spanLocal: spanLocal, marked: &marked)
            address &+= UInt(MemoryLayout<UInt>.stride)
        }
    }

    /// Marks the managed object that contains `address`, if there is one and it is allocated,
    /// and greys it unless it is noscan. Every word that points into the heap comes here, so the
    /// arithmetic wraps (a span's offsets are far from overflowing) and the object's index,
    /// found by divMul, is checked against nelems rather than computing the span's limit.
    @inline(__always)
    private func mark(_ address: UInt, into grey: UnsafeMutablePointer<OffHeapWords>, context: MarkContext,
                      spanLocal: Bool, marked: inout UInt64) {
        guard address &- context.heapLow < context.heapBytes else { return }
        let span: UnsafeMutablePointer<MSpan>
        if address &- context.homeBase < context.homeBytes {
            span = context.home.unsafelyUnwrapped
        } else {
            // Finds no span for a word that points into no arena, or to pages not in use.
            guard let found = MHeap.spanOf(address), found.pointee.managed, found.pointee.state == .inUse else { return }
            if found.pointee.spanclass.sizeClass == 0 {
                if found.pointee.largeMarked { return }
                found.pointee.largeMarked = true
                marked &+= UInt64(truncatingIfNeeded: found.pointee.bytes)
                // As bounds: scanning it needs no second lookup of its span.
                if !found.pointee.spanclass.noscan { grey.pointee.pushBounds(found.pointee.base, UInt(bitPattern: found.pointee.bytes)) }
                return
            }
            span = found
        }
        let noscan = span.pointee.spanclass.noscan
        let index = span.pointee.objectIndex(address)
        guard index < span.pointee.nelems else { return }
        let marks = span.pointee.gcmarkBytes.unsafelyUnwrapped
        // A free slot is not an object, whatever points at it.
        guard marks[index] == MarkByte.white, span.pointee.isAllocated(index) else { return }
        marked &+= UInt64(truncatingIfNeeded: span.pointee.elemsize)
        if spanLocal && !noscan {
            if span.greyInSpan(index) {
                grey.pointee.push(UInt(bitPattern: span))
                grey.pointee.push(0)
            }
            return
        }
        marks[index] = MarkByte.black
        if !noscan { grey.pointee.pushBounds(span.pointee.objectAddress(index), UInt(bitPattern: span.pointee.elemsize)) }
    }
}
