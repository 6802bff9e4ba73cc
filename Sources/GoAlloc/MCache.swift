// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

/// A thread's private cache of objects (Go's `mcache`, runtime/mcache.go). Allocation and free of
/// small objects touch only this structure: no lock, no atomic read-modify-write.
///
/// For each size class the cache holds
/// - a LIFO list of free objects, linked through their first word: freed objects are reused at
///   once, whichever span (or thread) they came from, as in tcmalloc;
/// - a spare list, full or absent (see below); and
/// - a carving range in a fresh span (Go's "one span per class"): objects are cut from it one at
///   a time, so memory the program has not asked for yet is never written.
///
/// Go's own mcache allocates with a bitmap cursor (`allocCache`, count trailing zeros), which only
/// moves forward through a span: with explicit frees, a just-freed object would wait until the
/// span is swept, and a free would have to find the span and clear its bit (two dependent loads,
/// a division, and an atomic when another thread caches the span). The list serves a freed object
/// on the next allocation with a pop, and a free is a push: 43 instructions for malloc and free
/// of an 80-byte block, misuse checks and per-class counts included, fewer than mimalloc's 44.5
/// (scripts/instructions-per-op.sh; docs/goalloc.md).
///
/// The two lists are Bonwick's magazines (Bonwick & Adams, "Magazines and Vmem", USENIX 2001): a
/// list holds at most `limit` objects. When the loaded list is full, a free makes it the spare and
/// starts an empty one, and the spare it had goes to the class's MCentral as one batch, which the
/// next cache to run out takes whole (TransferBatches.swift); when the loaded list is empty, an
/// allocation takes the spare before it goes to the central. Each exchange moves a list head and
/// a count and reads no object: a cache that kept the newer half of one long list had to walk
/// that half to cut it off, one dependent load per object, a miss for most of them (20% of a
/// producer/consumer program's time, stress-xmalloc, perf at 10 kHz). And a thread that
/// allocates and frees around the limit swaps its two lists and never reaches the central.
/// When a thread exits, everything goes back to its spans and the cache returns to the heap's
/// FixAlloc.
///
/// Layout: this header; the cache's own copy of the table from request size to class (malloc
/// indexes it from the cache pointer it holds already, rather than forming the address of the
/// C table: one instruction); then the per-class fields of `CacheClass`, each an array with one
/// word per size class (structure of arrays: an object's class indexes every field with a scaled
/// index, no multiplication by an entry's size and no entry address to form).
struct MCache {
    static let headerBytes = 64
    static let classTableBytes = Int(GOALLOC_CLASS_TABLE_BYTES)
    static let classesOffset = headerBytes + classTableBytes
    /// The header and `CacheClass.fields` words per size class; C knows the size too, for the
    /// empty cache (`goalloc_empty_cache`); a test checks that the two agree.
    static let bytes = Int(GOALLOC_MCACHE_BYTES)
    /// Most bytes of free objects one list of a class holds: its `limit` in objects, at least
    /// `listObjectsMinimum` and at most `listObjectsLimit`. A class holds at most two lists.
    static let listBytesLimit = 64 * 1024
    static let listObjectsLimit = 2048
    /// Lists of the classes over 4 KiB hold 16 objects, not the 2-13 that 64 KiB would give: a
    /// program that allocates and frees them a few at a time (rptest's random sizes up to 16,000
    /// bytes) otherwise exchanges its lists and goes to the central every few calls
    /// (stress-rptest under callgrind: 987 M instructions with no minimum, 957 M with 8, 874 M
    /// with 16; peak RSS unchanged, 73-74 MiB).
    static let listObjectsMinimum = 16

    /// Live caches, linked for ReadMemStats (heap lock).
    var next: UnsafeMutablePointer<MCache>?
    var prev: UnsafeMutablePointer<MCache>?

    /// Whether the list at `head`, of `count` objects, holds `object`. Reads at most `count` links.
    static func list(_ head: UnsafeMutableRawPointer?, count: Int, holds object: UnsafeMutableRawPointer) -> Bool {
        var next = head
        var remaining = count
        while let candidate = next, remaining > 0 {
            if candidate == object { return true }
            next = candidate.load(as: UnsafeMutableRawPointer?.self)
            remaining -= 1
        }
        return false
    }
}

/// One size class in a thread cache: the class's word in each of the cache's field arrays. The
/// owning thread is the only writer; ReadMemStats reads `nmalloc` and `nfree` from other threads,
/// so they change by relaxed atomic increments (one `inc` on memory each: the per-class
/// statistics cost two instructions per alloc+free pair).
struct CacheClass {
    /// Words per size class (fields below).
    static let fields = 9
    /// The class's word in the first array; field f's word is f arrays further.
    let slot: UnsafeMutableRawPointer

    @inline(__always)
    private func word(_ field: Int) -> UnsafeMutableRawPointer { slot + field * SizeClasses.count * 8 }

    /// Allocations from this cache (Go's smallAllocCount, per thread).
    var nmalloc: UnsafeMutablePointer<UInt64> { word(0).assumingMemoryBound(to: UInt64.self) }
    /// Frees into this cache (Go's smallFreeCount, per thread).
    var nfree: UnsafeMutablePointer<UInt64> { word(1).assumingMemoryBound(to: UInt64.self) }
    /// Free objects, linked through their first word.
    var head: UnsafeMutablePointer<UnsafeMutableRawPointer?> { word(2).assumingMemoryBound(to: UnsafeMutableRawPointer?.self) }
    /// How many more objects the list takes before it becomes the spare: `limit` minus its length
    /// (a count down, so that free tests it with the decrement it makes anyway). Owner only.
    var room: UnsafeMutablePointer<Int> { word(3).assumingMemoryBound(to: Int.self) }
    /// Most objects a list holds.
    var limit: UnsafeMutablePointer<Int> { word(4).assumingMemoryBound(to: Int.self) }
    /// The carving range [bumpNext, bumpEnd) of the class's fresh span.
    var bumpNext: UnsafeMutablePointer<UInt> { word(5).assumingMemoryBound(to: UInt.self) }
    var bumpEnd: UnsafeMutablePointer<UInt> { word(6).assumingMemoryBound(to: UInt.self) }
    var elemsize: UnsafeMutablePointer<Int> { word(7).assumingMemoryBound(to: Int.self) }
    /// A full list (`limit` objects, linked through their first word), or nil. Owner only.
    var spare: UnsafeMutablePointer<UnsafeMutableRawPointer?> { word(8).assumingMemoryBound(to: UnsafeMutableRawPointer?.self) }

    /// Objects on the list.
    var count: Int { limit.pointee - room.pointee }
}

extension UnsafeMutablePointer where Pointee == MCache {
    /// The calling thread's cache, if it has one.
    @inline(__always)
    static var current: UnsafeMutablePointer<MCache>? {
        goalloc_current_cache()?.assumingMemoryBound(to: MCache.self)
    }

    /// The calling thread's cache, or the read-only empty cache (`goalloc_empty_cache`) when it
    /// has none: for the fast paths, which find nothing to hand out in it and no room to free
    /// into (its room is 0), and take their slow paths. Never written through.
    @inline(__always)
    static var currentOrEmpty: UnsafeMutablePointer<MCache> {
        goalloc_cache_or_empty().unsafelyUnwrapped.assumingMemoryBound(to: MCache.self)
    }

    /// The read-only empty cache (see currentOrEmpty).
    static var empty: UnsafeMutablePointer<MCache> {
        UnsafeMutableRawPointer(mutating: UnsafeRawPointer(goalloc_empty_cache_address())).assumingMemoryBound(to: MCache.self)
    }

    @inline(__always)
    func entry(_ sizeClass: Int) -> CacheClass {
        CacheClass(slot: UnsafeMutableRawPointer(self) + (MCache.classesOffset &+ sizeClass &* 8))
    }

    /// The class of a request of `size` bytes (0...32768) aligned to 16: SizeClasses.sizeClass16
    /// from the cache's copy (0 in the empty cache, whose class 0 has nothing to hand out).
    @inline(__always)
    func sizeClass16(_ size: Int) -> Int {
        Int(UnsafeRawPointer(self).load(fromByteOffset: MCache.headerBytes + (size &+ 15) &>> 4, as: UInt8.self))
    }

    /// An object of `sizeClass` from the list or the carving range, or nil when both are empty.
    @inline(__always)
    func allocate(sizeClass: Int) -> UnsafeMutableRawPointer? {
        let entry = entry(sizeClass)
        if let object = entry.head.pointee {
            entry.head.pointee = object.load(as: UnsafeMutableRawPointer?.self)
            entry.room.pointee &+= 1
            goalloc_increment_relaxed(entry.nmalloc)
            return object
        }
        let next = entry.bumpNext.pointee
        if next < entry.bumpEnd.pointee {
            entry.bumpNext.pointee = next &+ UInt(bitPattern: entry.elemsize.pointee)
            goalloc_increment_relaxed(entry.nmalloc)
            return UnsafeMutableRawPointer(bitPattern: next)
        }
        return nil
    }

    /// Puts a freed object of `sizeClass` on the list; when the list is full, first makes it the
    /// spare (flush).
    @inline(__always)
    func free(_ object: UnsafeMutableRawPointer, sizeClass: Int) {
        let entry = entry(sizeClass)
        if entry.room.pointee <= 0 {
            flushAndFree(object, sizeClass: sizeClass)
            return
        }
        push(object, entry)
    }

    /// `free`'s path (GoAlloc.deallocate): as free(_:sizeClass:), and a double free is stopped
    /// (FreedKey). Class 0 (the page is not a small object's of the explicit heap) and the empty
    /// cache have no room, so their objects take the slow path with full lists.
    @inline(__always)
    func freeUnsized(_ object: UnsafeMutableRawPointer, sizeClass: Int) {
        let entry = entry(sizeClass)
        if entry.room.pointee <= 0 {
            freeUnsizedWithoutRoom(object, sizeClass: sizeClass)
            return
        }
        if FreedKey.isMarked(object) {
            freeMarked(object, sizeClass: sizeClass)
            return
        }
        FreedKey.mark(object)
        push(object, entry)
    }

    /// The push of a freed object on a list with room. Nothing is live after it: a tail call of
    /// the free paths, and no register to save on the way.
    @inline(__always)
    private func push(_ object: UnsafeMutableRawPointer, _ entry: CacheClass) {
        // Compared in memory (by the callers), then decremented in memory by a C store of its own
        // (written as Swift, the compiler keeps the value in a register to write back: two
        // instructions more). The empty cache, read-only, fails the comparison before anything
        // is written.
        goalloc_decrement_relaxed(entry.room)
        object.storeBytes(of: entry.head.pointee, as: UnsafeMutableRawPointer?.self)
        entry.head.pointee = object
        goalloc_increment_relaxed(entry.nfree)
    }

    /// Makes a full list the spare, then frees `object` into the new one. Out of line: the free path
    /// stays a leaf.
    @inline(never)
    func flushAndFree(_ object: UnsafeMutableRawPointer, sizeClass: Int) {
        flush(sizeClass)
        free(object, sizeClass: sizeClass)
    }

    /// freeUnsized's slow path: an object that is not a small one of the explicit heap (class 0:
    /// the full lookup says what it is), a thread without a cache (the object goes where
    /// `Globals.free` puts it), or a full list (it becomes the spare first).
    @inline(never)
    func freeUnsizedWithoutRoom(_ object: UnsafeMutableRawPointer, sizeClass: Int) {
        if sizeClass == 0 {
            deallocateSlowUnsized(object)
        } else if self == .empty {
            FreedKey.mark(object)
            Globals.shared.free(object, sizeClass: sizeClass)
        } else {
            flush(sizeClass)
            freeUnsized(object, sizeClass: sizeClass)
        }
    }

    /// Frees an object that carries the freed-object key (FreedKey): stops the process if it is
    /// already on one of this thread's lists for `sizeClass` or in a batch its central keeps (a
    /// double free), else frees it as usual. Out of line: the free path stays a leaf. The walks are
    /// bounded by the lists' counts, so a corrupted list cannot make them loop.
    @inline(never)
    func freeMarked(_ object: UnsafeMutableRawPointer, sizeClass: Int) {
        let entry = entry(sizeClass)
        if MCache.list(entry.head.pointee, count: entry.count, holds: object)
            || MCache.list(entry.spare.pointee, count: entry.limit.pointee, holds: object)
            || Globals.shared.central(sizeClass).transfersHold(object) {
            fatal("double free of a small object")
        }
        free(object, sizeClass: sizeClass)
    }

    /// Refills an empty class and allocates from it; nil when the heap cannot grow.
    @inline(never)
    func refill(sizeClass: Int, globals: UnsafeMutablePointer<Globals>) -> UnsafeMutableRawPointer? {
        reload(sizeClass, globals: globals) ? allocate(sizeClass: sizeClass) : nil
    }

    /// Gives a class with an empty list and carving range objects again: its spare list, else
    /// what its MCentral has (a list, or a fresh span to carve). False when the heap cannot grow.
    private func reload(_ sizeClass: Int, globals: UnsafeMutablePointer<Globals>) -> Bool {
        let entry = entry(sizeClass)
        if let spare = entry.spare.pointee {
            entry.spare.pointee = nil
            entry.head.pointee = spare
            entry.room.pointee = 0
            return true
        }
        entry.bumpNext.pointee = 0
        entry.bumpEnd.pointee = 0
        guard let objects = globals.central(sizeClass).cacheObjects(heap: globals.heap) else { return false }
        if let span = objects.fresh {
            entry.bumpNext.pointee = span.pointee.base
            entry.bumpEnd.pointee = span.pointee.limit
        } else {
            entry.head.pointee = objects.list
            entry.room.pointee = entry.limit.pointee - objects.count
        }
        return true
    }

    /// calloc's fast path (GoAlloc.allocateZeroed): as allocate(sizeClass:), with the object's
    /// first `byteCount` bytes reading as zero. A carved object of a span whose `needzero` is
    /// false (its pages were never used, or came back from the OS since) is zero already and is
    /// not written, as Go's mallocgc skips the clearing for such a span: calloc of fresh memory
    /// touches only what the program touches. A list object was used before and is cleared.
    @inline(__always)
    func allocateZeroed(sizeClass: Int, byteCount: Int) -> UnsafeMutableRawPointer? {
        // allocate pops the list when it has an object, else carves.
        let carved = entry(sizeClass).head.pointee == nil
        guard let object = allocate(sizeClass: sizeClass) else { return nil }
        if !carved || MHeap.spanOf(UInt(bitPattern: object)).unsafelyUnwrapped.pointee.needzero {
            object.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        }
        return object
    }

    /// refill(sizeClass:globals:) for calloc: refills and allocates a zeroed object.
    @inline(never)
    func refillZeroed(sizeClass: Int, byteCount: Int, globals: UnsafeMutablePointer<Globals>) -> UnsafeMutableRawPointer? {
        reload(sizeClass, globals: globals) ? allocateZeroed(sizeClass: sizeClass, byteCount: byteCount) : nil
    }

    /// Makes the full list of `sizeClass` its spare and starts an empty one; the spare it had goes
    /// to the central as a batch. Reads no object.
    @inline(never)
    func flush(_ sizeClass: Int) {
        let entry = entry(sizeClass)
        if let full = entry.spare.pointee {
            let globals = Globals.shared
            globals.central(sizeClass).returnBatch(full, count: entry.limit.pointee, heap: globals.heap)
        }
        entry.spare.pointee = entry.head.pointee
        entry.head.pointee = nil
        entry.room.pointee = entry.limit.pointee
    }

    /// Returns both lists of one class to their spans.
    func returnLists(_ sizeClass: Int, globals: UnsafeMutablePointer<Globals>) {
        let entry = entry(sizeClass)
        let central = globals.central(sizeClass)
        if let spare = entry.spare.pointee {
            entry.spare.pointee = nil
            central.returnObjects(spare, count: entry.limit.pointee, heap: globals.heap)
        }
        guard let list = entry.head.pointee else { return }
        entry.head.pointee = nil
        let count = entry.count
        entry.room.pointee = entry.limit.pointee
        central.returnObjects(list, count: count, heap: globals.heap)
    }

    /// Returns every cached object and every carving range to the central lists (thread exit,
    /// and the calling thread's part of freeOSMemory). The cache stays usable.
    func releaseAll(globals: UnsafeMutablePointer<Globals>) {
        var sizeClass = 1
        while sizeClass < SizeClasses.count {
            defer { sizeClass += 1 }
            returnLists(sizeClass, globals: globals)
            let entry = entry(sizeClass)
            if entry.bumpNext.pointee < entry.bumpEnd.pointee {
                globals.central(sizeClass).returnRange(entry.bumpNext.pointee, entry.bumpEnd.pointee,
                                                       elemsize: entry.elemsize.pointee, heap: globals.heap)
            }
            entry.bumpNext.pointee = 0
            entry.bumpEnd.pointee = 0
        }
    }

    /// Sets up a new cache's class table and classes.
    func initializeClasses() {
        goalloc_copy_size16_table(UnsafeMutableRawPointer(self) + MCache.headerBytes)
        var sizeClass = 1
        while sizeClass < SizeClasses.count {
            let size = SizeClasses.size(sizeClass)
            let limit = MCache.listBytesLimit / size
            entry(sizeClass).elemsize.pointee = size
            entry(sizeClass).limit.pointee = min(max(limit, MCache.listObjectsMinimum), MCache.listObjectsLimit)
            entry(sizeClass).spare.pointee = nil
            entry(sizeClass).room.pointee = entry(sizeClass).limit.pointee
            sizeClass += 1
        }
    }
}
