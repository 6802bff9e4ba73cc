import CGoAlloc
#if canImport(Glibc)
import Glibc
#endif

// GoAlloc: Go's memory allocator, written in Swift.
//
// This file is the overview, in the spirit of Go's runtime/malloc.go; every other file holds one
// part and is named after it. The design is Go 1.19's, with one change where Go relies on a
// garbage collector: objects are freed explicitly, so each thread cache keeps a free list.
//
// The main parts, from the program down to the OS:
//
//	MCache      a per-thread cache (MCache.swift): for each size class a free list and a carving
//	            range in a fresh span; allocation and free take no lock
//	MCentral    per size class (MCentral.swift): spans with free objects and spans without;
//	            caches take objects from here and give them back, in batches
//	MHeap       the page heap (MHeap.swift): 64 MiB arenas, a page allocator (PageAllocator.swift)
//	            that finds free page runs by address-ordered first fit, and the arena index that
//	            maps any address to its span
//	OSMemory    the OS states of address space (OSMemory.swift): Reserved, Prepared, Ready
//	FixAlloc    fixed-size metadata (FixAlloc.swift): span structs and caches never live in the
//	            heap they describe
//	Scavenger   returns idle pages to the OS (Scavenger.swift)
//	StackAlloc  thread stacks from heap pages, with a pool and cache (StackAlloc.swift)
//	MemStats    Go's runtime.MemStats (MemStats.swift)
//
// Allocating a small object (up to 32 KiB; SizeClasses.swift):
//
//	1. Round the size up to one of Go's 67 size classes (16-byte minimum alignment, as glibc).
//	2. Take the first object of the thread's free list for the class, or else cut the next object
//	   from the class's carving range. No lock, no atomic read-modify-write. This is the fast path.
//	3. If both are empty, take the class's spare list; else refill from the class's MCentral: a
//	   batch another cache gave back, the free objects of a span that has some, linked into the
//	   list; or, when no span has any, an empty span it keeps or a fresh one from the MHeap,
//	   which becomes the carving range.
//	4. If the MHeap has no free page run long enough, it grows: it maps the next 4 MiB of its
//	   current arena, or reserves a new 64 MiB arena from the OS.
//
// Freeing a small object:
//
//	1. Find its size class through the arena index and the arena's class of each page (two
//	   loads), which also proves that GoAlloc owns it. (The sized free,
//	   `deallocate(_:byteCount:alignment:)`, computes the class from the size instead.)
//	2. Push it on the thread's free list for the class: the next allocation of that class on this
//	   thread reuses it. Any thread may free any object: the object simply joins the freeing
//	   thread's list.
//	3. When the list is full (64 KiB of objects, 16 to 2048), it becomes the class's spare
//	   list, and the spare it had goes to the MCentral as one batch, kept whole for the next
//	   cache that runs out (up to 4 a class; past them the MCentral returns each object to its
//	   span, clearing its bit in the span's allocBits; a span that no longer has an object in use
//	   stays with the MCentral for the next cache that needs one, or goes back to the MHeap).
//
// Large objects (over 32 KiB) get a span of their own, whole pages, straight from the MHeap
// under its lock; freeing one returns the pages at once.
//
// A thread's cache goes back to the MCentral lists when the thread exits (a pthread key
// destructor), and the cache itself to the FixAlloc.
//
// Thread stacks (StackAlloc.swift, StackThread.swift). GoAlloc.spawnOnHeapStack runs a closure on
// a pthread whose stack is cut from a manual span of heap pages (Go's mSpanManual), with a guard
// page at its low end; small stacks come from a pool of spans kept for reuse, as Go's stackpool.
//
// Memory states. The heap maps memory as it grows (Reserved -> Prepared) and counts fresh memory
// as released until it is first used, as Go does. Free pages stay Ready (cheap to reuse) until
// the scavenger returns them (Ready -> Prepared, MADV_DONTNEED), in the background at about 1% of
// a CPU, at once when an allocation made the heap retain more than 18% over the most it has had
// in use (Go's heap-growth scavenging, bounded by the high-water mark), or all at once with freeOSMemory(). Released pages are free pages like
// any other, so the page allocator reuses them before it maps new ones.
//
// Zeroing. calloc clears only what may hold old data, as Go's mallocgc does by a span's needzero:
// the page allocator knows which pages were ever used (below an arena's zeroedBase) and which
// came back from the OS since (released pages read as zero), so a large object on such pages,
// and a small object carved from a span on them, is handed out unwritten. A list object, and
// a span carved again after it emptied, are cleared.
//
// Statistics. Thread caches count their own allocations and frees per size class; MemStats adds
// them up under the heap lock, with the heap's page counts and the FixAllocs' figures, to give
// every field of Go's runtime.MemStats with Go's meaning and invariants.
//
// Locks. The init lock (once), the collector's cycle lock, each MCentral's lock (its span lists)
// and the heap lock (MHeap: pages, spans tables, arenas, FixAllocs, stacks, the collector's
// registry and pacer). Each has a rank, and a thread takes locks in increasing rank: the order,
// and why it is that order, is written once, in LockRank.swift (Go's lockrank.go). A function
// that expects a lock held ends in `Locked` and asserts it on entry (Mutex.assertHeld, Go's
// assertLockHeld). Debug and test builds record each lock's holder and the ranks each thread
// holds and stop the process on a violation; release builds record and check nothing.
//
// Nothing on the allocate and free paths allocates: no classes, no existentials, no Swift arrays
// or strings, no unspecialised generics, no Swift globals (the root lives behind a C pointer, the
// thread cache behind an initial-exec C thread-local, the tables are C constants). So the same
// code can serve as the process's malloc.
//
// The garbage-collected heap (GC/, public API GoAlloc.Managed). Beside the explicit heap, with its
// own spans (MSpan.managed) and its own central lists, one per span class (size class x noscan),
// so the explicit heap's paths are untouched. A thread allocates from a cached span by Go's
// nextFreeFast (the first clear bit of allocBits from freeindex), never from a free list: the
// collector's sweep is the only thing that frees. Pointer-free objects under 16 bytes share Go's
// 16-byte tiny blocks. Objects are zeroed, as Go's are.
//
// A collection (GC/Cycle.swift) stops the world (GC/StopTheWorld.swift: a signal to each
// registered thread, deferred to the allocation safepoint when it lands on the managed fast
// path), hands every thread's cached spans back to the central lists, marks conservatively from
// each registered thread's stack and spilled registers and the registered root ranges into
// mark bytes, following interior pointers through the arena index and scanning only objects that
// are not noscan (GC/Mark.swift). Then it sweeps (GC/Sweep.swift): allocBits = the marks,
// allocCount = population, frees counted then, empty spans back to the heap. Large objects are
// swept in the pause, and so is everything after a forced cycle; after a paced one the small
// objects' spans wait on their centrals' unswept lists, and a thread that needs a span sweeps them
// one at a time, as Go's mcentral does; the next cycle sweeps what is left before it marks. Go's
// pacer (GC/GCPacer.swift) sets the next goal from the marked heap and GOGC. Go marks
// concurrently; here the mark runs in the pause, which is simpler and keeps every invariant
// checkable between cycles.

/// Go's memory allocator in Swift: allocate, free, resize, and read Go's MemStats.
///
///     let p = GoAlloc.allocate(byteCount: 80)!   // an 80-byte object from size class 7
///     GoAlloc.deallocate(p)                      // back on this thread's free list
///     let stats = GoAlloc.readMemStats()         // stats.mallocs, stats.heapInuse, ...
///
/// All functions are thread-safe. Misuse that can be detected cheaply (freeing memory GoAlloc
/// does not own, freeing a large object twice or by an interior pointer, a small object freed
/// twice or by an interior pointer through the unsized free, and, when objects are handed back to
/// their spans, a small object freed twice or with the wrong size) stops the process with a message rather
/// than corrupting memory.
public enum GoAlloc {
    /// Go's page size; objects aligned to more than this get a span of their own.
    public static let pageSize = SizeClasses.pageSize
    /// Larger objects get a span of their own.
    public static let maxSmallSize = SizeClasses.maxSmallSize
    /// Requests larger than this fail (returns nil), as they could never be satisfied.
    static let maxAllocation = 1 << 46
    /// The largest alignment `allocate` honours (the size of an arena). Alignments above the page
    /// size are for large objects only: such an object gets whole pages of its own.
    public static let maxAlignment = 1 << 26

    /// Allocates `byteCount` bytes aligned to `alignment` (a power of two up to ``maxAlignment``;
    /// at least 16, as glibc's malloc). Returns nil, with errno set to ENOMEM as malloc sets it,
    /// when the request cannot be met: an alignment that is not a power of two or exceeds
    /// ``maxAlignment``, or memory the OS will not give.
    @inlinable @inline(__always)
    public static func allocate(byteCount: Int, alignment: Int = 16) -> UnsafeMutableRawPointer? {
        // Inlined so that a constant alignment (nearly always) picks the path at compile time.
        alignment > 0 && alignment <= 16 && alignment & (alignment &- 1) == 0
            ? allocateNaturallyAligned(byteCount)
            : allocateSlow(byteCount: byteCount, alignment: alignment)
    }

    /// ``allocate(byteCount:alignment:)`` for C's `malloc`, whose blocks come back through the
    /// unsized free: the block carries no freed-object key (``FreedKey``), so that a block freed
    /// twice is told from one freed once.
    public static func allocateForMalloc(byteCount: Int) -> UnsafeMutableRawPointer? {
        goallocMalloc(byteCount)
    }

    @inline(never)
    static func allocateSlowForMalloc(byteCount: Int) -> UnsafeMutableRawPointer? {
        guard let object = allocateSlow(byteCount: byteCount, alignment: 16) else { return nil }
        FreedKey.clear(object)
        return object
    }

    /// Everything but the fast path: large objects, alignments over 16, invalid requests, the
    /// first allocation of a thread, refills, and calloc's allocations (`zeroed`).
    @usableFromInline @inline(never)
    static func allocateSlow(byteCount: Int, alignment: Int, zeroed: Bool = false) -> UnsafeMutableRawPointer? {
        guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= maxAlignment,
              byteCount >= 0, byteCount <= maxAllocation else { return outOfMemory() }
        let globals = Globals.shared
        defer {
            globals.scavengeAfterGrowth()
            globals.startScavengerIfNeeded()
        }
        let sizeClass = SizeClasses.sizeClass(size: byteCount, alignment: alignment)
        if sizeClass == 0 {
            let npages = (max(byteCount, 1) + pageSize - 1) / pageSize
            guard let span = globals.heap.allocLarge(npages: npages, alignment: alignment) else { return outOfMemory() }
            let object = UnsafeMutableRawPointer(bitPattern: span.pointee.base).unsafelyUnwrapped
            if zeroed && span.pointee.needzero { object.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount) }
            return object
        }
        let cache = globals.cache
        if zeroed {
            return cache.allocateZeroed(sizeClass: sizeClass, byteCount: byteCount)
                ?? cache.refillZeroed(sizeClass: sizeClass, byteCount: byteCount, globals: globals) ?? outOfMemory()
        }
        return cache.allocate(sizeClass: sizeClass) ?? cache.refill(sizeClass: sizeClass, globals: globals) ?? outOfMemory()
    }

    /// Sets errno to ENOMEM, as malloc does, and returns nil. Done here rather than by the
    /// malloc wrapper so that the wrapper's call stays a tail call.
    private static func outOfMemory() -> UnsafeMutableRawPointer? {
        goalloc_set_errno(ENOMEM)
        return nil
    }

    /// Allocates zeroed memory, like calloc. Only memory that may hold old data is cleared (Go's
    /// needzero): a large object on pages that are fresh or came back from the OS, and a small
    /// one carved from such a span, read as zero already.
    public static func allocateZeroed(byteCount: Int, alignment: Int = 16) -> UnsafeMutableRawPointer? {
        if alignment > 0 && alignment <= 16 && alignment & (alignment &- 1) == 0
            && UInt(bitPattern: byteCount) <= UInt(SizeClasses.maxSmallSize) {
            // As malloc's fast path: the empty cache (class 0) has nothing to hand out.
            let cache = UnsafeMutablePointer<MCache>.currentOrEmpty
            if let object = cache.allocateZeroed(sizeClass: cache.sizeClass16(byteCount), byteCount: byteCount) { return object }
        }
        return allocateSlow(byteCount: byteCount, alignment: alignment, zeroed: true)
    }

    /// Frees memory from `allocate`, finding its size through the arena index.
    @inlinable @inline(__always)
    public static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        deallocateUnsized(pointer)
    }

    /// A large object, or a small one freed on a thread without a cache.
    @inline(never)
    static func deallocateSlow(_ pointer: UnsafeMutableRawPointer, span: UnsafeMutablePointer<MSpan>) {
        let globals = Globals.shared
        let sizeClass = span.pointee.spanclass.sizeClass
        if sizeClass == 0 {
            if span.pointee.base != UInt(bitPattern: pointer) { fatal("free of a pointer into the middle of a large object") }
            globals.heap.freeLarge(span)
            return
        }
        globals.free(pointer, sizeClass: sizeClass)
    }

    /// Frees memory from `allocate` given the size and alignment it was allocated with: the size
    /// class comes from the size, so the span lookup is skipped (like C++'s sized delete). Only
    /// the arena is checked here; an object freed with the wrong size is caught when its batch
    /// goes back to its span.
    @inlinable @inline(__always)
    public static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int, alignment: Int = 16) {
        if alignment > 0 && alignment <= 16 && alignment & (alignment &- 1) == 0 {
            deallocateNaturallyAligned(pointer, byteCount: byteCount)
        } else {
            deallocateSlow(pointer, byteCount: byteCount, alignment: alignment)
        }
    }

    /// The sized free of an over-aligned object: its class comes from size and alignment.
    @usableFromInline @inline(never)
    static func deallocateSlow(_ pointer: UnsafeMutableRawPointer, byteCount: Int, alignment: Int) {
        let sizeClass = SizeClasses.sizeClass(size: byteCount, alignment: alignment)
        guard sizeClass != 0, let cache = UnsafeMutablePointer<MCache>.current,
              MHeap.arenaOf(UInt(bitPattern: pointer)) != nil else {
            deallocate(pointer)
            return
        }
        cache.free(pointer, sizeClass: sizeClass)
    }

    /// The bytes usable at `pointer`: its size class's size, or the rest of a large object's pages.
    public static func usableSize(of pointer: UnsafeMutableRawPointer) -> Int {
        guard let span = MHeap.spanOf(UInt(bitPattern: pointer)) else {
            fatal("usableSize of a pointer GoAlloc does not own")
        }
        return span.pointee.spanclass.sizeClass == 0
            ? span.pointee.bytes - Int(UInt(bitPattern: pointer) - span.pointee.base)
            : span.pointee.elemsize
    }

    /// Resizes like realloc: keeps the block when the new size still fits it and uses at least
    /// half of it; otherwise moves the contents to a new block. Nil pointer: allocates. Returns
    /// nil, leaving the old block alone, when the new block cannot be had.
    public static func reallocate(_ pointer: UnsafeMutableRawPointer?, byteCount: Int) -> UnsafeMutableRawPointer? {
        guard let pointer else { return allocateForMalloc(byteCount: byteCount) }
        guard owns(pointer) else {
            if MHeap.arenaOf(UInt(bitPattern: pointer)) != nil { fatal("realloc of memory GoAlloc has already freed") }
            fatal("realloc of a pointer GoAlloc does not own")
        }
        let usable = usableSize(of: pointer)
        if byteCount <= usable && byteCount >= usable / 2 { return pointer }
        guard let moved = allocateForMalloc(byteCount: byteCount) else { return nil }
        moved.copyMemory(from: pointer, byteCount: min(usable, byteCount))
        deallocate(pointer)
        return moved
    }

    /// Whether `pointer` lies in a span GoAlloc has in use.
    public static func owns(_ pointer: UnsafeRawPointer) -> Bool {
        MHeap.spanOf(UInt(bitPattern: pointer)) != nil
    }

    /// Allocates uninitialised memory for `capacity` values of `type`. Stops the process when
    /// memory cannot be had.
    @inlinable
    public static func allocate<T>(_ type: T.Type, capacity: Int = 1) -> UnsafeMutablePointer<T> {
        guard let memory = allocate(byteCount: MemoryLayout<T>.stride * capacity, alignment: MemoryLayout<T>.alignment) else {
            fatalError("GoAlloc: out of memory allocating \(capacity) x \(T.self)")
        }
        return memory.bindMemory(to: T.self, capacity: capacity)
    }

    /// Frees memory from ``allocate(_:capacity:)``; the values must be deinitialised already.
    @inlinable
    public static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, capacity: Int = 1) {
        deallocate(UnsafeMutableRawPointer(pointer), byteCount: MemoryLayout<T>.stride * capacity,
                   alignment: MemoryLayout<T>.alignment)
    }

    /// Go's runtime.ReadMemStats.
    public static func readMemStats() -> MemStats {
        var raw = goalloc_memstats()
        readMemStats(into: &raw)
        return MemStats(raw)
    }

    /// Go's runtime.ReadMemStats into the C layout that libgoalloc.so exports.
    public static func readMemStats(into raw: UnsafeMutablePointer<goalloc_memstats>) {
        let globals = Globals.shared
        // Stacks of threads that ended unjoined are free stacks by now: count them so.
        globals.reapExitedThreads()
        globals.fillMemStats(raw)
    }

    /// Go's debug.FreeOSMemory: hands the calling thread's cached objects and the batches the
    /// centrals keep back to their spans, the centrals' kept empty spans and the stack cache's spans
    /// back to the heap, then returns every free page to the OS.
    public static func freeOSMemory() {
        let globals = Globals.shared
        UnsafeMutablePointer<MCache>.current?.releaseAll(globals: globals)
        globals.releaseKept()
        globals.reapExitedThreads()
        globals.releaseStackCache()
        while globals.scavenge(maxPages: Int.max, keeping: nil) > 0 {}
    }

    /// Returns the calling thread's cache now, as its exit would: for a thread that has finished
    /// allocating but lives on. The next allocation on the thread makes a new cache.
    public static func releaseThreadCache() {
        guard let globals = Globals.existing, let cache = UnsafeMutablePointer<MCache>.current else { return }
        pthread_setspecific(globals.pointee.threadKey, nil)
        globals.releaseCache(cache)
    }
}

// MARK: - The fast paths

/// libgoalloc.so's malloc (GoAlloc.allocateForMalloc): the C name `malloc` (CGoAllocMalloc/exports.c)
/// jumps here. In GoAlloc rather than with the rest of the family in GoAllocMalloc so that the
/// fast path is compiled into it, and under a fixed symbol name with Swift's calling convention
/// rather than as @_cdecl, whose C entry point would be one more jump (exports.c declares it
/// `swiftcall`: for these arguments the same registers as C's). size_t arrives as the same
/// register: a size above Int.max reads as negative and fails. GoAlloc sets errno itself when it fails.
@_silgen_name("goalloc_swift_malloc")
func goallocMalloc(_ byteCount: Int) -> UnsafeMutableRawPointer? {
    if let object = allocateFromCache(byteCount) {
        FreedKey.clear(object)
        return object
    }
    // A tail call: the slow path clears the key too, so nothing is left to do after it.
    return GoAlloc.allocateSlowForMalloc(byteCount: byteCount)
}

/// GoAlloc's malloc for alignments up to 16: a small object from the thread's cache, or else the
/// slow path.
@usableFromInline
func allocateNaturallyAligned(_ byteCount: Int) -> UnsafeMutableRawPointer? {
    allocateFromCache(byteCount) ?? GoAlloc.allocateSlow(byteCount: byteCount, alignment: 16)
}

/// The fast path of an allocation aligned to 16: a small object from the thread's cache (a list
/// pop or a carve), or nil. A thread without a cache finds the empty one and gets nil, so the
/// slow path is also where a thread's first allocation makes its cache.
@inline(__always)
func allocateFromCache(_ byteCount: Int) -> UnsafeMutableRawPointer? {
    guard UInt(bitPattern: byteCount) <= UInt(SizeClasses.maxSmallSize) else { return nil }
    let cache = UnsafeMutablePointer<MCache>.currentOrEmpty
    return cache.allocate(sizeClass: cache.sizeClass16(byteCount))
}

/// GoAlloc's free (nil: nothing to do), and libgoalloc.so's: `free` jumps here, as `malloc` to
/// goallocMalloc above. The fast path takes a pointer that is 16-byte aligned and in one of
/// GoAlloc's arenas, reads its page's class (the arena index and the arena's page classes: two
/// loads) and hands it to the thread's cache, which pushes it on its list for the class: class 0
/// (a page that is not a small object's of the explicit heap, or not GoAlloc's) has no room in
/// any cache and goes to the slow path from there, as the empty cache does, at no cost to the
/// fast path. Everything else is out of line, so this path saves no registers and never touches
/// the globals.
@usableFromInline @_silgen_name("goalloc_swift_free")
func deallocateUnsized(_ pointer: UnsafeMutableRawPointer?) {
    let address = UInt(bitPattern: pointer)
    // One test for both: every object of the explicit heap's small classes is 16-byte aligned (a
    // pointer that is not points into the middle of one, or is not GoAlloc's: the slow path says
    // which), and an address at or above 2^47 is nobody's heap.
    if address & MHeap.fastFreeRejectMask == 0, let entry = MHeap.pageClassesEntry(userAddress: address) {
        // In an arena: the pointer is not nil.
        UnsafeMutablePointer<MCache>.currentOrEmpty.freeUnsized(pointer.unsafelyUnwrapped,
                                                               sizeClass: MHeap.pageClass(entry, address))
        return
    }
    deallocateSlowUnsized(pointer)
}

/// Everything `free`'s fast path leaves: nil, a pointer GoAlloc does not own, a large object, a
/// managed object, a pointer into the middle of an object.
@inline(never)
func deallocateSlowUnsized(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    guard let span = MHeap.spanOf(UInt(bitPattern: pointer)) else { freeOfNoSpan(pointer) }
    if span.pointee.managed { fatal("free of a garbage-collected object (only the collector frees those)") }
    let sizeClass = span.pointee.spanclass.sizeClass
    if sizeClass != 0 {
        // Go's divMagic: the object's index by multiplication, no division. Wrapping arithmetic:
        // the span holds the address, so nothing here can overflow.
        let offset = UInt(bitPattern: pointer) &- span.pointee.startAddr
        let index = UInt((UInt64(offset) &* UInt64(span.pointee.divMul)) &>> 32)
        if index &* UInt(bitPattern: span.pointee.elemsize) != offset { fatal("free of a pointer into the middle of an object") }
        if sizeClass >= FreedKey.smallestClass {
            UnsafeMutablePointer<MCache>.currentOrEmpty.freeUnsized(pointer, sizeClass: sizeClass)
            return
        }
    }
    GoAlloc.deallocateSlow(pointer, span: span)
}

/// glibc's tcache key, in GoAlloc: while a small object freed through `free` waits on a thread's
/// list, its second word holds a key derived from its address; `malloc` clears the word when it
/// hands the object out again. A free that finds the key is a double free, or a live object whose
/// data happens to equal the key (odds of 2^-64): the thread's lists for the class and its
/// central's batches are then searched, and the process stops if the object is on one. An object freed twice after its batch went back
/// to its span, or from another thread's list, is caught when the batch returns (as a wrong count)
/// or not at all, as in glibc. Cost on the unsized path, measured with the instruction pass:
/// see docs/goalloc.md.
enum FreedKey {
    /// Objects from 16 bytes (class 2) have a second word; `malloc`'s are never smaller.
    static let smallestClass = 2
    /// One value for every object, as glibc's key, so that free compares and stores it as an
    /// immediate (a key mixed with the address cost two instructions more). A 32-bit pattern that
    /// sign-extends to 0xFFFF_FFFF_F2EE_D6B1: no small count, pointer or length; data that happens
    /// to hold it costs a search of one list, nothing more.
    static let key = UInt(bitPattern: -0x0D11_294F)

    @inline(__always)
    static func isMarked(_ object: UnsafeMutableRawPointer) -> Bool {
        object.load(fromByteOffset: 8, as: UInt.self) == key
    }

    @inline(__always)
    static func mark(_ object: UnsafeMutableRawPointer) {
        object.storeBytes(of: key, toByteOffset: 8, as: UInt.self)
    }

    /// For `malloc`: an object handed out carries no key (every `malloc` block has 16 bytes).
    @inline(__always)
    static func clear(_ object: UnsafeMutableRawPointer) {
        object.storeBytes(of: 0, toByteOffset: 8, as: UInt.self)
    }
}

/// The message for a free that finds no span: inside GoAlloc's arenas, the memory was in use once
/// and is free now (a large object freed twice); outside them, GoAlloc never owned it.
@inline(never)
func freeOfNoSpan(_ pointer: UnsafeMutableRawPointer) -> Never {
    if MHeap.arenaOf(UInt(bitPattern: pointer)) != nil {
        fatal("free of memory GoAlloc has already freed (a large object freed twice?)")
    }
    fatal("free of a pointer GoAlloc does not own")
}

/// GoAlloc's sized free for alignments up to 16: a push on the thread's list for the class, once
/// the pointer is known to lie in one of GoAlloc's arenas; anything else takes the unsized path.
@usableFromInline
func deallocateNaturallyAligned(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    if UInt(bitPattern: byteCount) <= UInt(SizeClasses.maxSmallSize), let cache = UnsafeMutablePointer<MCache>.current,
       MHeap.arenaOf(UInt(bitPattern: pointer)) != nil {
        cache.free(pointer, sizeClass: SizeClasses.sizeClass16(byteCount))
        return
    }
    GoAlloc.deallocate(pointer)
}
