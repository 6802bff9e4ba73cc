// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

// Allocation in the managed heap (Go's mallocgc, runtime/malloc.go). The fast path runs between
// goalloc_gc_enter and goalloc_gc_leave: a stop that arrives there waits for its end, the
// allocation safepoint (see StopTheWorld.swift). It takes no lock and never blocks. Everything
// that may block (refills, large objects, a collection, registration) runs outside that window.

/// Go's tiny allocator: pointer-free objects under 16 bytes share 16-byte blocks.
enum Tiny {
    static let blockBytes = 16
    static var spanclass: SpanClass { SpanClass(sizeClass: SizeClasses.sizeClass(blockBytes), noscan: true) }
}

/// The size class of a managed request: Go's own classes when 8-byte alignment will do (Go's
/// guarantee for its objects; the 8- and 24-byte classes included), else the explicit heap's rule.
/// 0: a large object.
@inline(__always)
func managedSizeClass(_ byteCount: Int, alignment: Int) -> Int {
    if UInt(bitPattern: alignment) &- 1 < 8 && alignment & (alignment &- 1) == 0
        && UInt(bitPattern: byteCount) <= UInt(SizeClasses.maxSmallSize) {
        return SizeClasses.sizeClass(byteCount > 0 ? byteCount : 1)
    }
    return SizeClasses.sizeClass(size: byteCount, alignment: alignment)
}

/// Allocates a zeroed managed object; nil when the request is invalid or memory cannot be had.
@inline(__always)
func mallocgc(_ byteCount: Int, alignment: Int, noscan: Bool) -> UnsafeMutableRawPointer? {
    let sizeClass = managedSizeClass(byteCount, alignment: alignment)
    if sizeClass != 0, let thread = UnsafeMutablePointer<GCThread>.current,
       let object = thread.allocateAtSafepoint(byteCount, alignment: alignment, sizeClass: sizeClass, noscan: noscan) {
        return object
    }
    return mallocgcSlow(byteCount, alignment: alignment, noscan: noscan)
}

/// Registration, the pacer's check, refills and large objects.
@inline(never)
func mallocgcSlow(_ byteCount: Int, alignment: Int, noscan: Bool) -> UnsafeMutableRawPointer? {
    guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= GoAlloc.maxAlignment,
          byteCount >= 0, byteCount <= GoAlloc.maxAllocation else { return nil }
    let globals = Globals.shared
    defer { globals.startScavengerIfNeeded() }
    let gc = globals.gc
    let thread = UnsafeMutablePointer<GCThread>.current ?? gc.registerCurrentThread(heap: globals.heap)
    // Go checks the trigger after an allocation that took the slow path; checking before it
    // keeps the new object out of the cycle (it cannot yet be reachable from anything).
    if goalloc_load_relaxed(&gc.pointee.pacer.heapLive) >= goalloc_load_relaxed(&gc.pointee.pacer.trigger) {
        gc.collect(forced: false)
    }
    let sizeClass = managedSizeClass(byteCount, alignment: alignment)
    if sizeClass == 0 { return gc.allocateLarge(byteCount, alignment: alignment, noscan: noscan, heap: globals.heap) }
    while true {
        if let object = thread.allocateAtSafepoint(byteCount, alignment: alignment, sizeClass: sizeClass, noscan: noscan) { return object }
        let spanclass = tinyEligible(byteCount, alignment: alignment, noscan: noscan) ? Tiny.spanclass : SpanClass(sizeClass: sizeClass, noscan: noscan)
        guard thread.refill(spanclass, gc: gc, heap: globals.heap) else { return nil }
    }
}

/// Whether the tiny allocator serves the request: pointer-free, under 16 bytes, and asking for
/// no more alignment than the tiny allocator gives its size (8 for multiples of 8, then 4, 2, 1).
@inline(__always)
func tinyEligible(_ byteCount: Int, alignment: Int, noscan: Bool) -> Bool {
    noscan && byteCount > 0 && byteCount < Tiny.blockBytes
        && alignment <= 1 << min(byteCount.trailingZeroBitCount, 3)
}

extension UnsafeMutablePointer where Pointee == GCThread {
    /// The fast path, bracketed by the safepoint: a tiny slot, or a free slot of the cached span.
    @inline(__always)
    func allocateAtSafepoint(_ byteCount: Int, alignment: Int, sizeClass: Int, noscan: Bool) -> UnsafeMutableRawPointer? {
        goalloc_gc_enter(stopState)
        let object = tinyEligible(byteCount, alignment: alignment, noscan: noscan)
            ? allocateTiny(byteCount)
            : nextFree(SpanClass(sizeClass: sizeClass, noscan: noscan))
        if goalloc_gc_leave(stopState) != 0 { goalloc_stw_park(stopState) }
        return object
    }

    /// The next free slot of the class's cached span, zeroed (Go's nextFreeFast: the first clear
    /// bit of allocBits at or after freeindex, by count-trailing-zeros). Nil when the span is used up.
    @inline(__always)
    func nextFree(_ spanclass: SpanClass) -> UnsafeMutableRawPointer? {
        let entry = entry(Int(spanclass.rawValue))
        guard let span = entry.pointee.span else { return nil }
        let nelems = span.pointee.nelems
        let bits = span.pointee.allocBits.unsafelyUnwrapped
        var index = entry.pointee.freeIndex
        while index < nelems {
            let free = ~bits[index &>> 6] &>> UInt64(index & 63)
            if free != 0 {
                index &+= free.trailingZeroBitCount
                break
            }
            index = (index | 63) &+ 1
        }
        guard index < nelems else {
            entry.pointee.freeIndex = nelems
            return nil
        }
        bits[index &>> 6] |= 1 &<< UInt64(index & 63)
        span.pointee.allocCount &+= 1
        entry.pointee.freeIndex = index &+ 1
        goalloc_store_relaxed(&entry.pointee.nmalloc, entry.pointee.nmalloc &+ 1)
        let object = UnsafeMutableRawPointer(bitPattern: span.pointee.objectAddress(index)).unsafelyUnwrapped
        if entry.pointee.needzero { object.initializeMemory(as: UInt8.self, repeating: 0, count: span.pointee.elemsize) }
        return object
    }

    /// Go's tiny allocator: the object goes into the current 16-byte block, aligned to its size's
    /// alignment, when it fits; else a new block, which replaces the current one if it leaves more room.
    @inline(__always)
    func allocateTiny(_ byteCount: Int) -> UnsafeMutableRawPointer? {
        var offset = pointee.tinyOffset
        if byteCount & 7 == 0 {
            offset = (offset + 7) & ~7
        } else if byteCount & 3 == 0 {
            offset = (offset + 3) & ~3
        } else if byteCount & 1 == 0 {
            offset = (offset + 1) & ~1
        }
        if pointee.tiny != 0 && offset + byteCount <= Tiny.blockBytes {
            pointee.tinyOffset = offset + byteCount
            goalloc_store_relaxed(&pointee.tinyAllocs, pointee.tinyAllocs &+ 1)
            return UnsafeMutableRawPointer(bitPattern: pointee.tiny + UInt(offset))
        }
        guard let block = nextFree(Tiny.spanclass) else { return nil }
        if byteCount < pointee.tinyOffset || pointee.tiny == 0 {
            pointee.tiny = UInt(bitPattern: block)
            pointee.tinyOffset = byteCount
        }
        return block
    }

    /// Replaces the class's used-up span with one that has free slots: a swept span from the
    /// central partial list, else the first of the spans the last cycle left unswept that has a
    /// free slot once swept (Go's mcentral.cacheSpan; the full ones go on the full list), else a
    /// fresh span from the heap (Go's mcache.refill). False when the heap cannot grow. Runs
    /// outside the safepoint window: it may wait for locks (and be stopped meanwhile, which is why
    /// the entry is re-read under the central lock). A span from a list is cached before the
    /// lock is released, so a collection never finds one on no list and in no cache: with that
    /// window open, BinaryTrees at two threads lost nodes of its long-lived tree in 2 of 44
    /// worker processes once sweeping was lazy, and in none of 52 after.
    func refill(_ spanclass: SpanClass, gc: UnsafeMutablePointer<GC>, heap: UnsafeMutablePointer<MHeap>) -> Bool {
        let entry = entry(Int(spanclass.rawValue))
        let central = gc.central(spanclass)
        central.pointee.lock.lock()
        if let used = entry.pointee.span {
            entry.pointee.span = nil
            central.pointee.full.insert(used)
        }
        if let span = central.pointee.partial.first {
            central.pointee.partial.remove(span)
            install(span, in: entry, needzero: true, gc: gc)
            central.pointee.lock.unlock()
            return true
        }
        while let span = central.pointee.unsweptPartial.first ?? central.pointee.unsweptFull.first {
            central.takeUnswept(span)
            if gc.sweepBits(span) < span.pointee.nelems {
                install(span, in: entry, needzero: true, gc: gc)
                central.pointee.lock.unlock()
                return true
            }
            central.pointee.full.insert(span)
        }
        central.pointee.lock.unlock()
        guard let span = heap.allocSpan(npages: SizeClasses.npages(spanclass.sizeClass), spanclass: spanclass, managed: true)
        else { return false }
        install(span, in: entry, needzero: span.pointee.needzero, gc: gc)
        return true
    }

    /// Caches `span`, counting its free slots as live heap, as Go counts a cached span.
    private func install(_ span: UnsafeMutablePointer<MSpan>, in entry: UnsafeMutablePointer<ManagedClass>, needzero: Bool,
                         gc: UnsafeMutablePointer<GC>) {
        entry.pointee.span = span
        entry.pointee.freeIndex = 0
        entry.pointee.needzero = needzero
        let freeBytes = (span.pointee.nelems - span.pointee.allocCount) * span.pointee.elemsize
        _ = goalloc_fetch_add(&gc.pointee.pacer.heapLive, UInt64(freeBytes))
    }
}

extension UnsafeMutablePointer where Pointee == GC {
    /// A managed object of its own span (over 32 KiB, or aligned past what a class gives),
    /// listed for the sweeper in its class-0 central's full list.
    func allocateLarge(_ byteCount: Int, alignment: Int, noscan: Bool, heap: UnsafeMutablePointer<MHeap>) -> UnsafeMutableRawPointer? {
        let npages = (max(byteCount, 1) + SizeClasses.pageSize - 1) / SizeClasses.pageSize
        let spanclass = SpanClass(sizeClass: 0, noscan: noscan)
        guard let span = heap.allocLarge(npages: npages, alignment: max(alignment, SizeClasses.pageSize),
                                         spanclass: spanclass, managed: true) else { return nil }
        let central = central(spanclass)
        central.pointee.lock.lock()
        // A collection between allocLarge and here may have marked it: that mark is not this cycle's.
        span.pointee.largeMarked = false
        central.pointee.full.insert(span)
        central.pointee.lock.unlock()
        _ = goalloc_fetch_add(&pointee.pacer.heapLive, UInt64(span.pointee.bytes))
        let object = UnsafeMutableRawPointer(bitPattern: span.pointee.base).unsafelyUnwrapped
        if span.pointee.needzero { object.initializeMemory(as: UInt8.self, repeating: 0, count: span.pointee.bytes) }
        return object
    }
}
