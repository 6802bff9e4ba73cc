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
///
/// The fast path (a small object from the cached span's allocCache) calls nothing: every other
/// case leaves through a tail call, so the path saves no registers and sets up no frame (Go's
/// mallocgc keeps its fast path as short). The slot is zeroed after the safepoint window: the
/// object is allocated already and its address is in a register, which a collection that stops
/// the thread in between scans (its old contents may keep something alive one more cycle).
@inline(__always)
func mallocgc(_ byteCount: Int, alignment: Int, noscan: Bool) -> UnsafeMutableRawPointer? {
    // The fast path's requests: 16 to 1016 bytes aligned to at most 8 (Go's classes, in one table
    // load), or up to 32 KiB aligned to 16. Requests under 16 bytes (tiny ones among them) take
    // a path of their own; the rest (0 bytes, larger alignments, large objects) are rare.
    let sizeClass: Int
    if UInt(bitPattern: alignment &- 1) < 8 && alignment & (alignment &- 1) == 0
        && UInt(bitPattern: byteCount &- 16) <= UInt(SizeClasses.maxSmallSize8 - 16) {
        sizeClass = SizeClasses.sizeClass8(byteCount)
    } else if alignment == 16 && UInt(bitPattern: byteCount &- 16) <= UInt(SizeClasses.maxSmallSize - 16) {
        sizeClass = SizeClasses.sizeClass16(byteCount)
    } else if UInt(bitPattern: byteCount &- 1) < UInt(Tiny.blockBytes - 1) {
        return mallocgcUnder16(byteCount, alignment: alignment, noscan: noscan)
    } else {
        return mallocgcSlow(byteCount, alignment: alignment, noscan: noscan)
    }
    guard let thread = UnsafeMutablePointer<GCThread>.current else {
        return mallocgcSlow(byteCount, alignment: alignment, noscan: noscan)
    }
    goalloc_gc_enter(thread.stopState)
    var clear = 0
    guard let object = thread.takeFreeSlot(SpanClass(sizeClass: sizeClass, noscan: noscan), refilling: false,
                                           clearing: &clear) else {
        return thread.leaveThenMallocgcSlow(byteCount, alignment: alignment, noscan: noscan)
    }
    if goalloc_gc_leave(thread.stopState) != 0 { return thread.parkThenClear(object, bytes: clear) }
    if clear == 0 { return object }
    if clear > 64 { return clearLarge(object, bytes: clear) }
    zeroSlot(object, bytes: clear)
    return object
}

extension UnsafeMutablePointer where Pointee == GCThread {
    /// The fast path found no free slot: out of the safepoint window, then the slow path.
    @inline(never)
    func leaveThenMallocgcSlow(_ byteCount: Int, alignment: Int, noscan: Bool) -> UnsafeMutableRawPointer? {
        if goalloc_gc_leave(stopState) != 0 { goalloc_stw_park(stopState) }
        return mallocgcSlow(byteCount, alignment: alignment, noscan: noscan)
    }

    /// A stop arrived in the fast path's window: wait for the world to start, then zero the slot.
    @inline(never)
    func parkThenClear(_ object: UnsafeMutableRawPointer, bytes: Int) -> UnsafeMutableRawPointer {
        goalloc_stw_park(stopState)
        if bytes != 0 { zeroSlot(object, bytes: bytes) }
        return object
    }
}

/// A request of 1 to 15 bytes: Go's tiny allocator when it is pointer-free and its alignment
/// allows, else its class, at the safepoint; the slow path when the thread is not registered or
/// the cached span or block is used up.
@inline(never)
func mallocgcUnder16(_ byteCount: Int, alignment: Int, noscan: Bool) -> UnsafeMutableRawPointer? {
    let sizeClass = managedSizeClass(byteCount, alignment: alignment)
    if sizeClass != 0, let thread = UnsafeMutablePointer<GCThread>.current,
       let object = thread.allocateAtSafepoint(byteCount, alignment: alignment, sizeClass: sizeClass, noscan: noscan) {
        return object
    }
    return mallocgcSlow(byteCount, alignment: alignment, noscan: noscan)
}

/// Zeroes a slot over 64 bytes (memset) and returns it: a tail call from the fast path.
@inline(never)
func clearLarge(_ object: UnsafeMutableRawPointer, bytes: Int) -> UnsafeMutableRawPointer {
    object.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    return object
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

/// Zeroes an object of `bytes` bytes (its class's size, a multiple of 8) that may hold an old
/// object's data. Up to 64 bytes, the classes BinaryTrees-like programs allocate most, by
/// overlapping 8- and 16-byte stores, as memset does inside; a call to memset costs more than that.
@inline(__always)
func zeroSlot(_ object: UnsafeMutableRawPointer, bytes: Int) {
    if bytes <= 16 {
        object.storeBytes(of: 0, as: UInt64.self)
        object.storeBytes(of: 0, toByteOffset: bytes &- 8, as: UInt64.self)
    } else if bytes <= 32 {
        object.storeBytes(of: .zero, as: SIMD2<UInt64>.self)
        object.storeBytes(of: .zero, toByteOffset: bytes &- 16, as: SIMD2<UInt64>.self)
    } else if bytes <= 64 {
        object.storeBytes(of: .zero, as: SIMD2<UInt64>.self)
        object.storeBytes(of: .zero, toByteOffset: 16, as: SIMD2<UInt64>.self)
        object.storeBytes(of: .zero, toByteOffset: bytes &- 32, as: SIMD2<UInt64>.self)
        object.storeBytes(of: .zero, toByteOffset: bytes &- 16, as: SIMD2<UInt64>.self)
    } else {
        object.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
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

    /// The next free slot of the class's cached span, zeroed; nil when the span is used up.
    @inline(__always)
    func nextFree(_ spanclass: SpanClass) -> UnsafeMutableRawPointer? {
        var clear = 0
        guard let object = takeFreeSlot(spanclass, refilling: true, clearing: &clear) else { return nil }
        if clear != 0 { zeroSlot(object, bytes: clear) }
        return object
    }

    /// Takes the next free slot of the class's cached span; nil when the span is used up (or,
    /// unless `refilling`, when the allocCache is). `clear` is set to the bytes the caller must
    /// zero (0 when the span's free slots are zero already). Go's nextFreeFast: the entry's
    /// `allocCache` holds the free bits of the allocBits word at `freeIndex`, shifted so that bit
    /// 0 is `freeIndex`'s slot, and count-trailing-zeros finds the slot. Only when the word has no
    /// free slot left does ``refillAllocCache(_:)`` read the bitmap (Go's nextFree).
    @inline(__always)
    func takeFreeSlot(_ spanclass: SpanClass, refilling: Bool, clearing clear: inout Int) -> UnsafeMutableRawPointer? {
        let entry = entry(Int(spanclass.rawValue))
        guard let span = entry.pointee.span else { return nil }
        var cache = entry.pointee.allocCache
        if cache == 0 {
            guard refilling else { return nil }
            cache = refillAllocCache(entry)
            if cache == 0 { return nil }
        }
        let bit = cache.trailingZeroBitCount
        let index = entry.pointee.freeIndex &+ bit
        // The last word's bits past nelems read as free.
        guard index < span.pointee.nelems else {
            entry.pointee.freeIndex = span.pointee.nelems
            entry.pointee.allocCache = 0
            return nil
        }
        // Two shifts: bit + 1 may be 64, which one shift would take modulo 64.
        entry.pointee.allocCache = (cache &>> UInt64(bit)) &>> 1
        entry.pointee.freeIndex = index &+ 1
        span.pointee.allocBits.unsafelyUnwrapped[index &>> 6] |= 1 &<< UInt64(index & 63)
        span.pointee.allocCount &+= 1
        goalloc_store_relaxed(&entry.pointee.nmalloc, entry.pointee.nmalloc &+ 1)
        if span.pointee.needzero { clear = span.pointee.elemsize }
        return UnsafeMutableRawPointer(bitPattern: span.pointee.objectAddress(index)).unsafelyUnwrapped
    }

    /// Moves `freeIndex` to the first free slot at or after it (Go's nextFreeIndex and
    /// refillAllocCache) and returns its word's free bits from there, also cached in the entry;
    /// 0 when the span has no free slot left.
    @inline(never)
    func refillAllocCache(_ entry: UnsafeMutablePointer<ManagedClass>) -> UInt64 {
        let span = entry.pointee.span.unsafelyUnwrapped
        let nelems = span.pointee.nelems
        let bits = span.pointee.allocBits.unsafelyUnwrapped
        var index = entry.pointee.freeIndex
        while index < nelems {
            let free = ~bits[index &>> 6] &>> UInt64(index & 63)
            if free != 0 {
                entry.pointee.freeIndex = index
                entry.pointee.allocCache = free
                return free
            }
            index = (index | 63) &+ 1
        }
        entry.pointee.freeIndex = nelems
        entry.pointee.allocCache = 0
        return 0
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
            central.takeUnsweptLocked(span)
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
        entry.pointee.allocCache = 0 // the first allocation reads the first word
        span.pointee.needzero = needzero
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
