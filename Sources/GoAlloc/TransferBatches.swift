// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// Whole batches of freed objects, kept by a size class's MCentral between a thread cache that
/// had too many and one that has none (tcmalloc's transfer cache; Go has no explicit free and no
/// need of one).
///
/// Without them every object a full cache gives back goes to its span (find the span, check it,
/// clear its bit, move the span between lists, hand an emptied span to the heap), and the cache
/// that runs out next rebuilds a list from a span's bitmap or takes a fresh span from the heap.
/// Where one thread allocates and another frees (a producer and its consumer), every object made
/// that round trip: under callgrind, stress-xmalloc spent 22% of its instructions returning
/// objects to spans and 19% in the page allocator's summaries, for spans emptied and taken again.
/// A batch here moves as a list head and a count, under the central lock, whatever its length.
///
/// The cost is memory held: objects in batches keep their spans in use (as objects in thread
/// caches do), at most `capacity` batches of a cache's full list per class (64 KiB each, 2048
/// objects for the smallest classes, 16 for those over 4 KiB). When the slots are full, a batch goes to its spans as before;
/// a thread's exit (which returns its own lists to their spans directly) and freeOSMemory return
/// them all (`releaseKept`).
struct TransferBatches {
    /// Batches one class keeps.
    static let capacity = 4

    /// A list of freed objects linked through their first word, and its length.
    struct Batch {
        var list: UnsafeMutableRawPointer?
        var count = 0
    }

    /// The batches, the newest at `count - 1`: a fixed array (a homogeneous tuple is laid out as
    /// one), so that keeping a batch allocates nothing.
    var slots = (Batch(), Batch(), Batch(), Batch())
    var count = 0
}

extension UnsafeMutablePointer where Pointee == MCentral {
    /// The transfer slots as an array of `TransferBatches.capacity` batches.
    private var transferSlots: UnsafeMutablePointer<TransferBatches.Batch> {
        UnsafeMutableRawPointer(pointer(to: \.transfer.slots)!).assumingMemoryBound(to: TransferBatches.Batch.self)
    }

    /// Keeps a cache's batch whole for the next cache of this class that runs out, or returns it to
    /// its spans when the slots are full.
    func returnBatch(_ list: UnsafeMutableRawPointer?, count: Int, heap: UnsafeMutablePointer<MHeap>) {
        pointee.lock.lock()
        if pointee.transfer.count < TransferBatches.capacity {
            transferSlots[pointee.transfer.count] = TransferBatches.Batch(list: list, count: count)
            pointee.transfer.count += 1
            pointee.lock.unlock()
            return
        }
        pointee.lock.unlock()
        returnObjects(list, count: count, heap: heap)
    }

    /// The newest kept batch, if any. Central lock held.
    func takeBatchLocked() -> TransferBatches.Batch? {
        pointee.lock.assertHeld()
        guard pointee.transfer.count > 0 else { return nil }
        pointee.transfer.count -= 1
        let batch = transferSlots[pointee.transfer.count]
        transferSlots[pointee.transfer.count] = TransferBatches.Batch()
        return batch
    }

    /// Returns every kept batch to its spans, and the kept empty spans (MCentral) to the heap: what the
    /// central holds for caches to come goes back, and its pages can go to the OS.
    func releaseKept(heap: UnsafeMutablePointer<MHeap>) {
        pointee.lock.lock()
        while let batch = takeBatchLocked() {
            pointee.lock.unlock()
            returnObjects(batch.list, count: batch.count, heap: heap)
            pointee.lock.lock()
        }
        pointee.lock.unlock()
        releaseEmpty(heap: heap)
    }

    /// Whether `object` is in one of the kept batches: a second free of it is a double free. The
    /// free path asks only for an object that carries the freed-object key (FreedKey).
    func transfersHold(_ object: UnsafeMutableRawPointer) -> Bool {
        pointee.lock.lock()
        defer { pointee.lock.unlock() }
        var slot = 0
        while slot < pointee.transfer.count {
            if MCache.list(transferSlots[slot].list, count: transferSlots[slot].count, holds: object) { return true }
            slot += 1
        }
        return false
    }

    /// Every kept batch's objects belong to spans of this class and are held (not free) there, and
    /// its length matches its count. Central lock held.
    func checkTransfersLocked() {
        pointee.lock.assertHeld()
        var slot = 0
        while slot < TransferBatches.capacity {
            let batch = transferSlots[slot]
            if slot >= pointee.transfer.count {
                if batch.list != nil || batch.count != 0 { fatal("invariant: a transfer slot past the count holds a batch") }
            } else {
                var length = 0
                var next = batch.list
                while let object = next {
                    length += 1
                    let address = UInt(bitPattern: object)
                    guard let span = MHeap.spanOf(address), span.pointee.spanclass == pointee.spanclass,
                          span.pointee.isAllocated(span.pointee.objectIndex(address))
                    else { fatal("invariant: an object in a transfer batch is not held for it in its span") }
                    next = object.load(as: UnsafeMutableRawPointer?.self)
                }
                if length != batch.count || length == 0 { fatal("invariant: a transfer batch's count is off") }
            }
            slot += 1
        }
    }
}
