// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// All of GoAlloc's state: the heap, the central lists, the registry of thread caches, the
/// scavenger, the stack pool. It lives in memory mapped for it at the first allocation and is
/// reached through a C pointer (`goalloc_root`), not a Swift global: a Swift global with an
/// initialiser is set up lazily by the runtime, and global variables are checked for exclusive
/// access at run time, neither of which the allocator's paths may do.
struct Globals {
    /// The heap, after this struct in the same block.
    var heap: UnsafeMutablePointer<MHeap>?
    /// One MCentral per size class, after the heap.
    var centrals: UnsafeMutablePointer<MCentral>?
    /// Live thread caches (heap lock).
    var caches: UnsafeMutablePointer<MCache>?
    /// Per-class allocation counts, then free counts, of caches whose threads have exited (heap lock).
    var deadCounts: UnsafeMutablePointer<UInt64>?
    /// Room for ReadMemStats to add up per-class counts without allocating (heap lock).
    var scratchCounts: UnsafeMutablePointer<UInt64>?
    /// The key whose destructor returns a thread's cache when the thread exits.
    var threadKey = pthread_key_t()
    var scavenger = Scavenger()
    /// Thread stacks from the heap: the stack pool and cache, the unjoined threads (heap lock).
    var stacks = StackPool()
    /// The garbage-collected heap's state (GC/GC.swift), in a block of its own.
    var gc: UnsafeMutablePointer<GC>?
    /// Bytes mapped for this block (OtherSys).
    var otherSys: UInt64 = 0
    /// The execution trace's events, while a program asks for them (heap lock).
    var trace = ExecutionTrace()

    /// GoAlloc's state, set up on first use.
    @inline(__always)
    static var shared: UnsafeMutablePointer<Globals> {
        if let root = goalloc_load_root() { return root.assumingMemoryBound(to: Globals.self) }
        return initialize()
    }

    /// The state if something was ever allocated, without setting it up.
    @inline(__always)
    static var existing: UnsafeMutablePointer<Globals>? {
        goalloc_load_root()?.assumingMemoryBound(to: Globals.self)
    }

    @inline(never)
    private static func initialize() -> UnsafeMutablePointer<Globals> {
        InitLock.lock()
        if let root = goalloc_load_root() {
            InitLock.unlock()
            return root.assumingMemoryBound(to: Globals.self)
        }
        let globals = create()
        goalloc_publish_root(UnsafeMutableRawPointer(globals))
        InitLock.unlock()
        globals.registerForkHandlers()
        return globals
    }

    /// Maps and sets up the state: this struct, the heap, the central lists, the counts. Init lock held.
    private static func create() -> UnsafeMutablePointer<Globals> {
        var sys: UInt64 = 0
        let heapOffset = (MemoryLayout<Globals>.stride + 63) & ~63
        let centralsOffset = (heapOffset + MemoryLayout<MHeap>.stride + 63) & ~63
        let countsOffset = centralsOffset + SizeClasses.count * MemoryLayout<MCentral>.stride
        let countsBytes = 2 * SizeClasses.count * MemoryLayout<UInt64>.stride
        let stackListsOffset = countsOffset + 2 * countsBytes
        let stackListsCount = StackPool.orders + 1
        let block = OSMemory.sysAlloc(stackListsOffset + stackListsCount * MemoryLayout<MSpanList>.stride, charging: &sys)
        let globals = block.bindMemory(to: Globals.self, capacity: 1)
        globals.initialize(to: Globals())
        globals.pointee.otherSys = sys
        let heap = (block + heapOffset).bindMemory(to: MHeap.self, capacity: 1)
        heap.initialize(to: MHeap())
        heap.pointee.initialize()
        globals.pointee.heap = heap
        let centrals = (block + centralsOffset).bindMemory(to: MCentral.self, capacity: SizeClasses.count)
        var sizeClass = 0
        while sizeClass < SizeClasses.count {
            (centrals + sizeClass).initialize(to: MCentral())
            centrals[sizeClass].lock.initialize(rank: .explicitCentral)
            centrals[sizeClass].spanclass = SpanClass(sizeClass: sizeClass, noscan: false)
            sizeClass += 1
        }
        globals.pointee.centrals = centrals
        let counts = (block + countsOffset).bindMemory(to: UInt64.self, capacity: 4 * SizeClasses.count)
        globals.pointee.deadCounts = counts
        globals.pointee.scratchCounts = counts + 2 * SizeClasses.count
        let stackLists = (block + stackListsOffset).bindMemory(to: MSpanList.self, capacity: stackListsCount)
        var list = 0
        while list < stackListsCount {
            (stackLists + list).initialize(to: MSpanList(tag: StackPool.firstListTag + UInt8(list)))
            list += 1
        }
        globals.pointee.stacks.lists = stackLists
        globals.pointee.gc = GC.create(charging: &globals.pointee.otherSys)
        pthread_key_create(&globals.pointee.threadKey) { cache in
            guard let cache else { return }
            goalloc_set_thread_exited()
            Globals.shared.releaseCache(cache.assumingMemoryBound(to: MCache.self))
        }
        return globals
    }
}

extension UnsafeMutablePointer where Pointee == Globals {
    @inline(__always)
    var heap: UnsafeMutablePointer<MHeap> { pointee.heap.unsafelyUnwrapped }

    @inline(__always)
    var gc: UnsafeMutablePointer<GC> { pointee.gc.unsafelyUnwrapped }

    @inline(__always)
    func central(_ sizeClass: Int) -> UnsafeMutablePointer<MCentral> { pointee.centrals.unsafelyUnwrapped + sizeClass }

    /// The calling thread's cache, made on its first allocation.
    @inline(__always)
    var cache: UnsafeMutablePointer<MCache> {
        UnsafeMutablePointer<MCache>.current ?? createCache()
    }

    /// Frees a small object on the calling thread: into its cache, or, on a thread that has
    /// already returned its cache at exit, straight back to its span (counted with the frees of
    /// exited threads). A free is the one call that glibc's own thread teardown still makes then.
    func free(_ object: UnsafeMutableRawPointer, sizeClass: Int) {
        if let cache = UnsafeMutablePointer<MCache>.current {
            cache.free(object, sizeClass: sizeClass)
        } else if goalloc_thread_exited() {
            object.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
            central(sizeClass).returnObjects(object, count: 1, heap: heap)
            heap.pointee.lock.lock()
            pointee.deadCounts![SizeClasses.count + sizeClass] &+= 1
            heap.pointee.lock.unlock()
        } else {
            createCache().free(object, sizeClass: sizeClass)
        }
    }

    /// Returns what every central keeps for caches to come: its batches (TransferBatches) to
    /// their spans, its kept empty spans to the heap.
    func releaseKept() {
        var sizeClass = 1
        while sizeClass < SizeClasses.count {
            central(sizeClass).releaseKept(heap: heap)
            sizeClass += 1
        }
    }

    @inline(never)
    private func createCache() -> UnsafeMutablePointer<MCache> {
        heap.pointee.lock.lock()
        let cache = heap.pointee.cacheAlloc.alloc().assumingMemoryBound(to: MCache.self)
        cache.pointee.next = pointee.caches
        pointee.caches?.pointee.prev = cache
        pointee.caches = cache
        heap.pointee.lock.unlock()
        cache.initializeClasses()
        goalloc_set_current_cache(UnsafeMutableRawPointer(cache))
        // The destructor runs only for a non-null value: the cache itself.
        pthread_setspecific(pointee.threadKey, UnsafeRawPointer(cache))
        return cache
    }

    /// Returns a thread's cache: its objects to their spans (and what the centrals keep, batches
    /// it may have given them and kept empty spans: a process whose threads have ended holds no freed
    /// objects and no empty spans),
    /// its counts to the totals of exited threads, its memory to the FixAlloc.
    func releaseCache(_ cache: UnsafeMutablePointer<MCache>) {
        cache.releaseAll(globals: self)
        releaseKept()
        heap.pointee.lock.lock()
        let counts = pointee.deadCounts!
        var sizeClass = 1
        while sizeClass < SizeClasses.count {
            counts[sizeClass] &+= cache.entry(sizeClass).nmalloc.pointee
            counts[SizeClasses.count + sizeClass] &+= cache.entry(sizeClass).nfree.pointee
            sizeClass += 1
        }
        if let previous = cache.pointee.prev { previous.pointee.next = cache.pointee.next } else { pointee.caches = cache.pointee.next }
        cache.pointee.next?.pointee.prev = cache.pointee.prev
        heap.pointee.cacheAlloc.free(UnsafeMutableRawPointer(cache))
        heap.pointee.lock.unlock()
        if UnsafeMutablePointer<MCache>.current == cache { goalloc_set_current_cache(nil) }
    }
}
