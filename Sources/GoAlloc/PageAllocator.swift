// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// The page allocator (Go's pageAlloc, runtime/mpagealloc.go), reduced to what GoAlloc needs:
/// one alloc bit and one scavenged bit per page in each arena's metadata, and a summary per 4 MiB
/// chunk (free run at its start, longest free run, free run at its end), so a search skips every
/// chunk that cannot hold the request.
///
/// Allocation is address-ordered first fit, as in Go: the lowest run of free pages that is long
/// enough, whether it lies inside a chunk or spans several contiguous chunks and arenas. Freed
/// runs coalesce with their free neighbours by construction (they are just clear bits). Released
/// (scavenged) pages are free pages like any other, so they are reused before the heap grows.
///
/// All functions require the heap lock.
extension UnsafeMutablePointer where Pointee == MHeap {
    private static var chunkBytes: UInt { UInt(HeapArena.chunkPages << SizeClasses.pageShift) }

    /// Calls `body(arena, chunk)` for every mapped chunk in address order.
    private func forEachMappedChunk(_ body: (UnsafeMutablePointer<HeapArena>, Int) -> Bool) {
        var arena = pointee.arenas
        while let current = arena {
            var chunk = 0
            while chunk < HeapArena.chunks {
                if current.isChunkMapped(chunk) && !body(current, chunk) { return }
                chunk += 1
            }
            arena = current.pointee.next
        }
    }

    /// The address of the first run of `npages` free pages, or nil.
    func findRunLocked(npages: Int) -> UInt? {
        assertHeapLockHeld()
        var found: UInt?
        var runStart: UInt = 0
        var runLength = 0
        var expected: UInt = 0
        forEachMappedChunk { arena, chunk in
            let chunkAddress = arena.pointee.base + UInt(chunk) * Self.chunkBytes
            if chunkAddress != expected { runLength = 0 }
            let summary = arena.summaries[chunk]
            // A run that started in earlier chunks comes first in address order.
            if runLength > 0 && runLength + Int(summary.start) >= npages {
                found = runStart
                return false
            }
            if Int(summary.max) >= npages {
                let first = chunk * HeapArena.chunkPages
                if let page = Bitmap.firstClearRun(arena.allocBits, length: npages, start: first,
                                                   limit: first + HeapArena.chunkPages) {
                    found = arena.pointee.base + UInt(page << SizeClasses.pageShift)
                    return false
                }
            }
            if Int(summary.start) == HeapArena.chunkPages {
                if runLength == 0 { runStart = chunkAddress }
                runLength += HeapArena.chunkPages
            } else {
                runLength = Int(summary.end)
                runStart = chunkAddress + UInt((HeapArena.chunkPages - runLength) << SizeClasses.pageShift)
            }
            expected = chunkAddress + Self.chunkBytes
            return true
        }
        return found
    }

    /// Marks `npages` free pages at `address` in use. Returns how many of them were scavenged
    /// (they become Ready again) and whether any may hold old data.
    func allocRangeLocked(_ address: UInt, npages: Int) -> (scavenged: Int, needzero: Bool) {
        assertHeapLockHeld()
        var scavenged = 0
        var needzero = false
        forEachArenaSegment(address, npages) { arena, page, count in
            if Bitmap.countSet(arena.allocBits, page, count) != 0 { fatal("allocRange: pages already in use") }
            let scavengedHere = Bitmap.countSet(arena.scavengedBits, page, count)
            scavenged += scavengedHere
            // Pages below zeroedBase were used before; unless scavenged since, they hold old data.
            let usedEnd = min(page + count, arena.pointee.zeroedBase)
            if usedEnd > page && Bitmap.countSet(arena.scavengedBits, page, usedEnd - page) < usedEnd - page {
                needzero = true
            }
            Bitmap.set(arena.allocBits, page, count)
            Bitmap.clear(arena.scavengedBits, page, count)
            arena.pointee.zeroedBase = max(arena.pointee.zeroedBase, page + count)
            updateSummaries(arena, page, count)
        }
        pointee.pagesAllocated += npages
        return (scavenged, needzero)
    }

    /// Marks `npages` in-use pages at `address` free.
    func freeRangeLocked(_ address: UInt, npages: Int) {
        assertHeapLockHeld()
        forEachArenaSegment(address, npages) { arena, page, count in
            if Bitmap.countSet(arena.allocBits, page, count) != count { fatal("freeRange: pages already free") }
            Bitmap.clear(arena.allocBits, page, count)
            updateSummaries(arena, page, count)
        }
        pointee.pagesAllocated -= npages
    }

    /// Records free pages as returned to the OS.
    func markScavengedLocked(_ address: UInt, npages: Int) {
        assertHeapLockHeld()
        forEachArenaSegment(address, npages) { arena, page, count in
            Bitmap.set(arena.scavengedBits, page, count)
        }
        pointee.pagesReleased += npages
    }

    /// Adds freshly mapped pages: free, and Prepared (released) until first used, as in Go.
    func addMappedLocked(_ address: UInt, npages: Int) {
        assertHeapLockHeld()
        forEachArenaSegment(address, npages) { arena, page, count in
            var chunk = page / HeapArena.chunkPages
            while chunk < (page + count) / HeapArena.chunkPages {
                arena.pointee.mappedChunks |= 1 << UInt32(chunk)
                chunk += 1
            }
            Bitmap.clear(arena.allocBits, page, count)
            updateSummaries(arena, page, count)
        }
        pointee.pagesMapped += npages
        markScavengedLocked(address, npages: npages)
    }

    /// The highest run of free pages that still hold memory (free and not scavenged), at most
    /// `maxPages` long: the scavenger returns memory from the top of the heap down, as Go's does.
    func highestUnscavengedRunLocked(maxPages: Int) -> (address: UInt, npages: Int)? {
        assertHeapLockHeld()
        var best: (arena: UnsafeMutablePointer<HeapArena>, page: Int)?
        forEachMappedChunk { arena, chunk in
            let firstWord = chunk * HeapArena.chunkPages / 64
            var word = firstWord + HeapArena.chunkPages / 64
            while word > firstWord {
                word -= 1
                let candidates = ~arena.allocBits[word] & ~arena.scavengedBits[word]
                if candidates != 0 {
                    best = (arena, word * 64 + 63 - candidates.leadingZeroBitCount)
                    break
                }
            }
            return true
        }
        guard let (arena, top) = best else { return nil }
        var bottom = top
        while bottom > 0, top - bottom + 1 < maxPages,
              !Bitmap.isSet(arena.allocBits, bottom - 1), !Bitmap.isSet(arena.scavengedBits, bottom - 1),
              arena.isChunkMapped((bottom - 1) / HeapArena.chunkPages) {
            bottom -= 1
        }
        return (arena.pointee.base + UInt(bottom << SizeClasses.pageShift), top - bottom + 1)
    }

    /// Splits [address, address + npages pages) at arena boundaries.
    private func forEachArenaSegment(_ address: UInt, _ npages: Int,
                                     _ body: (UnsafeMutablePointer<HeapArena>, Int, Int) -> Void) {
        var current = address
        var left = npages
        while left > 0 {
            guard let arena = MHeap.arenaOf(current) else { fatal("page allocator: address outside the heap") }
            let page = arena.pageIndex(current)
            let count = min(left, HeapArena.pages - page)
            body(arena, page, count)
            current += UInt(count << SizeClasses.pageShift)
            left -= count
        }
    }

    /// Recomputes the summaries of the chunks that pages [page, page + count) touch.
    private func updateSummaries(_ arena: UnsafeMutablePointer<HeapArena>, _ page: Int, _ count: Int) {
        var chunk = page / HeapArena.chunkPages
        while chunk <= (page + count - 1) / HeapArena.chunkPages {
            arena.summaries[chunk] = HeapArena.ChunkSummary(summarizing: arena.allocBits + chunk * HeapArena.chunkPages / 64)
            chunk += 1
        }
    }
}

extension HeapArena.ChunkSummary {
    /// The summary of one chunk's page bits (1 = in use), a word at a time with bit scans, as
    /// Go's pallocBits.summarize does: every span a central takes from the heap or gives back
    /// updates one. On rptest's pattern (spans of a page or two, runs of a page or two between
    /// them) an update costs about 520 instructions this way, 650 walking the chunk run by run
    /// with Bitmap.next.
    init(summarizing words: UnsafeMutablePointer<UInt64>) {
        var start = 0, longest = 0
        var open = 0          // the free run that reaches the end of the words seen so far
        var atStart = true    // no page in use seen yet
        var index = 0
        while index < HeapArena.chunkPages / 64 {
            let word = words[index]
            index += 1
            if word == 0 {
                open += 64
                if atStart { start += 64 }
                longest = Swift.max(longest, open)
                continue
            }
            // The open run ends at the word's lowest page in use.
            var bit = word.trailingZeroBitCount
            open += bit
            if atStart { start = open; atStart = false }
            longest = Swift.max(longest, open)
            open = 0
            // Runs between pages in use inside the word; the last one stays open at its top.
            while true {
                bit += (~(word >> UInt64(bit))).trailingZeroBitCount // past pages in use
                if bit == 64 { break }
                let rest = word >> UInt64(bit)
                if rest == 0 {
                    open = 64 - bit
                    longest = Swift.max(longest, open)
                    break
                }
                let free = rest.trailingZeroBitCount
                longest = Swift.max(longest, free)
                bit += free
            }
        }
        self.init(start: UInt16(start), max: UInt16(longest), end: UInt16(open))
    }
}
