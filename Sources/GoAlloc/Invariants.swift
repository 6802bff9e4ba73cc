// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// Slow reference checks of the heap's internal consistency, for tests: everything the fast
/// paths keep incrementally is recomputed from the bitmaps and compared. Stops the process on the
/// first violation (like Go's throw), naming it.
extension GoAlloc {
    /// Checks every invariant of the heap, the central lists (the managed heap's too: between
    /// collections no mark bit is set), the stack pool and (when `includingCaches`) the thread
    /// caches. Other threads may allocate meanwhile, except that
    /// `includingCaches` requires no other thread to be using its cache.
    public static func checkInvariants(includingCaches: Bool = true) {
        guard let globals = Globals.existing else { return }
        for sizeClass in 0..<SizeClasses.count { globals.central(sizeClass).pointee.lock.lock() }
        globals.heap.pointee.lock.lock()
        defer {
            globals.heap.pointee.lock.unlock()
            for sizeClass in 0..<SizeClasses.count { globals.central(sizeClass).pointee.lock.unlock() }
        }
        globals.heap.checkPagesLocked()
        globals.checkStacksLocked()
        for sizeClass in 1..<SizeClasses.count {
            globals.central(sizeClass).checkListsLocked()
            globals.central(sizeClass).checkTransfersLocked()
        }
        globals.gc.checkManagedLocked(includingCaches: includingCaches)
        if includingCaches {
            globals.forEachCacheLocked { cache in
                for sizeClass in 1..<SizeClasses.count { cache.checkClass(sizeClass, heap: globals.heap) }
            }
        }
    }
}

extension UnsafeMutablePointer where Pointee == MHeap {
    /// Page bitmaps, chunk summaries, span tables and page counts agree. Heap lock held.
    func checkPagesLocked() {
        pointee.lock.assertHeld()
        var allocated = 0, released = 0, mapped = 0, spanPages = 0, stackPages = 0
        var previousBase: UInt = 0
        var arena = pointee.arenas
        while let current = arena {
            if current.pointee.base <= previousBase && previousBase != 0 { fatal("invariant: arenas out of address order") }
            if MHeap.arenaOf(current.pointee.base) != current { fatal("invariant: arena missing from the index") }
            previousBase = current.pointee.base
            for chunk in 0..<HeapArena.chunks where current.isChunkMapped(chunk) {
                let first = chunk * HeapArena.chunkPages
                mapped += HeapArena.chunkPages
                allocated += Bitmap.countSet(current.allocBits, first, HeapArena.chunkPages)
                released += Bitmap.countSet(current.scavengedBits, first, HeapArena.chunkPages)
                for word in first / 64..<(first + HeapArena.chunkPages) / 64
                where current.allocBits[word] & current.scavengedBits[word] != 0 {
                    fatal("invariant: a page is both in use and released")
                }
                // Recomputed run by run, not as the page allocator does it (a word at a time).
                let stored = current.summaries[chunk]
                let limit = first + HeapArena.chunkPages
                var longest = 0, end = 0
                var bit = first
                while bit < limit {
                    let runStart = Bitmap.next(false, in: current.allocBits, from: bit, limit: limit)
                    let runEnd = Bitmap.next(true, in: current.allocBits, from: runStart, limit: limit)
                    longest = Swift.max(longest, runEnd - runStart)
                    if runEnd == limit { end = runEnd - runStart }
                    bit = runEnd
                }
                if Int(stored.max) != longest { fatal("invariant: a chunk summary's longest free run is stale") }
                if Int(stored.start) != Bitmap.next(true, in: current.allocBits, from: first, limit: limit) - first
                    || Int(stored.end) != end { fatal("invariant: a chunk summary's free run at its start or end is stale") }
            }
            var page = 0
            while page < HeapArena.pages {
                guard let span = current.spans[page] else {
                    page += 1
                    continue
                }
                if span.pointee.state == .dead { fatal("invariant: the spans table points at a dead span") }
                if span.pointee.startAddr != current.pointee.base + UInt(page << SizeClasses.pageShift) {
                    fatal("invariant: the spans table and a span's start disagree")
                }
                for offset in 0..<span.pointee.npages {
                    let address = span.pointee.startAddr + UInt(offset << SizeClasses.pageShift)
                    guard let owner = MHeap.arenaOf(address), owner.spans[owner.pageIndex(address)] == span,
                          Bitmap.isSet(owner.allocBits, owner.pageIndex(address))
                    else { fatal("invariant: a span's page is not marked as the span's") }
                }
                if span.pointee.state == .manual { stackPages += span.pointee.npages } else { spanPages += span.pointee.npages }
                // A span crossing into the next arena is counted once, from its first page.
                page += span.pointee.npages
            }
            arena = current.pointee.next
        }
        if mapped != pointee.pagesMapped { fatal("invariant: pagesMapped is off") }
        if allocated != pointee.pagesAllocated { fatal("invariant: pagesAllocated is off") }
        if released != pointee.pagesReleased { fatal("invariant: pagesReleased is off") }
        if spanPages != pointee.pagesInUse { fatal("invariant: pagesInUse is off") }
        if stackPages != pointee.pagesInStacks { fatal("invariant: pagesInStacks is off") }
    }
}

extension UnsafeMutablePointer where Pointee == MCentral {
    /// Every span on the partial list has free objects and some in use, every span on the full
    /// list none free, and allocCount matches allocBits. Central lock held.
    func checkListsLocked() {
        pointee.lock.assertHeld()
        // No array of the two lists: these checks hold locks the process's malloc may need.
        checkList(pointee.partial, full: false)
        checkList(pointee.full, full: true)
        var count = 0
        var next = pointee.empty.first
        while let span = next {
            count += 1
            if span.pointee.spanclass != pointee.spanclass || span.pointee.state != .inUse || span.pointee.allocCount != 0
                || Bitmap.countSet(span.pointee.allocBits!, 0, span.pointee.nelems) != 0 {
                fatal("invariant: a span on a central's empty list is not an empty in-use span of its class")
            }
            next = span.pointee.next
        }
        if count != pointee.empty.count { fatal("invariant: a span list's count is off") }
    }

    func checkList(_ list: MSpanList, full: Bool) {
        var count = 0
        var next = list.first
        while let span = next {
            count += 1
            if span.pointee.spanclass != pointee.spanclass { fatal("invariant: a span on another class's list") }
            let used = Bitmap.countSet(span.pointee.allocBits!, 0, span.pointee.nelems)
            if used != span.pointee.allocCount { fatal("invariant: allocCount disagrees with allocBits") }
            if full ? used != span.pointee.nelems : (used == 0 || used == span.pointee.nelems) {
                fatal("invariant: a span is on the wrong central list")
            }
            next = span.pointee.next
        }
        if count != list.count { fatal("invariant: a span list's count is off") }
    }
}

extension UnsafeMutablePointer where Pointee == MCache {
    /// Cached objects belong to spans of their class and are marked not free there; the list's
    /// length matches its count, and a spare list holds `limit` objects. The cache's owner must
    /// not be running.
    func checkClass(_ sizeClass: Int, heap: UnsafeMutablePointer<MHeap>) {
        let entry = entry(sizeClass)
        if checkedLength(entry.head.pointee, sizeClass) != entry.count { fatal("invariant: a cache list's count is off") }
        if entry.spare.pointee != nil, checkedLength(entry.spare.pointee, sizeClass) != entry.limit.pointee {
            fatal("invariant: a cache's spare list is not full")
        }
    }

    /// The length of a cached list, each object checked to be held for the cache in its span.
    private func checkedLength(_ head: UnsafeMutableRawPointer?, _ sizeClass: Int) -> Int {
        var count = 0
        var next = head
        while let object = next {
            count += 1
            let address = UInt(bitPattern: object)
            guard let span = MHeap.spanOf(address), span.pointee.spanclass.sizeClass == sizeClass,
                  span.pointee.isAllocated(span.pointee.objectIndex(address))
            else { fatal("invariant: a cached object is not held for its cache in its span") }
            next = object.load(as: UnsafeMutableRawPointer?.self)
        }
        return count
    }
}

extension UnsafeMutablePointer where Pointee == GC {
    /// The managed central lists hold managed spans of their class with consistent counts and no
    /// mark left over from a cycle; large objects are alone in their spans; a thread's cached
    /// span is its class's and on no list. Heap lock held; takes the managed central locks.
    func checkManagedLocked(includingCaches: Bool) {
        assertHeapLockHeld()
        lockCentrals()
        defer { unlockCentrals() }
        for raw in 0..<GC.spanClassCount {
            let central = pointee.centrals.unsafelyUnwrapped + raw
            if raw < 2 {
                if !central.pointee.partial.isEmpty || !central.pointee.unsweptPartial.isEmpty || !central.pointee.unsweptFull.isEmpty {
                    fatal("invariant: a managed large object on a partial or an unswept list")
                }
                var next = central.pointee.full.first
                while let span = next {
                    // Marks of large objects outlive their sweep only in the generational mode.
                    if !span.pointee.managed || span.pointee.spanclass != central.pointee.spanclass
                        || (span.pointee.largeMarked && !stickyMarks) {
                        fatal("invariant: a managed large object's span is not as listed")
                    }
                    next = span.pointee.next
                }
                continue
            }
            central.checkListsLocked()
            central.checkList(central.pointee.unsweptPartial, full: false)
            central.checkList(central.pointee.unsweptFull, full: true)
            // (No array of the lists, as in checkLists.) Swept spans carry no mark; unswept ones
            // carry the last mark's.
            checkManagedList(central.pointee.partial, swept: true)
            checkManagedList(central.pointee.full, swept: true)
            checkManagedList(central.pointee.unsweptPartial, swept: false)
            checkManagedList(central.pointee.unsweptFull, swept: false)
        }
        guard includingCaches else { return }
        forEachThreadLocked { thread in
            for raw in 2..<GC.spanClassCount {
                guard let span = thread.entry(raw).pointee.span else { continue }
                if !span.pointee.managed || Int(span.pointee.spanclass.rawValue) != raw || span.pointee.listTag != 0 {
                    fatal("invariant: a thread's cached managed span is not its class's or is on a list")
                }
            }
        }
    }

    private func checkManagedList(_ list: MSpanList, swept: Bool) {
        var next = list.first
        while let span = next {
            if !span.pointee.managed { fatal("invariant: an explicit span on a managed list") }
            if (0..<span.pointee.nelems).contains(where: { span.pointee.gcmarkBytes![$0] == MarkByte.grey }) {
                fatal("invariant: an object left grey after the mark")
            }
            let marks = (0..<span.pointee.nelems).reduce(0) { $0 + Int(span.pointee.gcmarkBytes![$1]) }
            // In the generational mode marks outlive the sweep: those of the objects it kept.
            if swept && marks != 0 && !stickyMarks { fatal("invariant: a mark bit outlived its sweep") }
            if swept && stickyMarks && marks > span.pointee.allocCount { fatal("invariant: a kept mark without its object") }
            // The generational mode finds old objects by this flag.
            if swept && stickyMarks && span.pointee.holdsOld != (marks != 0) {
                fatal("invariant: a span's old objects and its holdsOld disagree")
            }
            // The mark only marks allocated objects: an unswept span's marks are a subset of its allocBits.
            if !swept && marks > span.pointee.allocCount { fatal("invariant: an unswept span has more marks than objects") }
            next = span.pointee.next
        }
    }
}

extension UnsafeMutablePointer where Pointee == Globals {
    /// The stack pool's lists hold stack spans of their order with a free stack each, free lists
    /// as long as the free stacks, and the cache's byte count matches its spans. Heap lock held.
    func checkStacksLocked() {
        assertHeapLockHeld()
        var cached = 0
        var index = 0
        while index <= StackPool.orders {
            let list = pointee.stacks.lists.unsafelyUnwrapped + index
            var count = 0
            var next = list.pointee.first
            while let span = next {
                count += 1
                if span.pointee.state != .manual { fatal("invariant: a span on a stack list is not a stack span") }
                if index < StackPool.orders {
                    if StackPool.order(of: span.pointee.elemsize) != index { fatal("invariant: a stack span on another order's list") }
                    var free = 0
                    var link = span.pointee.manualFreeList
                    while let stack = link {
                        free += 1
                        link = stack.load(as: UnsafeMutableRawPointer?.self)
                    }
                    if free == 0 || free != span.pointee.nelems - span.pointee.allocCount {
                        fatal("invariant: a stack span's free list disagrees with its allocCount")
                    }
                }
                if span.pointee.allocCount == 0 { cached += span.pointee.bytes }
                next = span.pointee.next
            }
            if count != list.pointee.count { fatal("invariant: a stack list's count is off") }
            index += 1
        }
        if cached != pointee.stacks.cachedBytes { fatal("invariant: the stack cache's byte count is off") }
    }
}
