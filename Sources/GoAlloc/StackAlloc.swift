// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif

/// Thread stacks carved from the heap (Go's runtime/stack.go): spans in the `manual` state, whose
/// pages leave HeapSys and HeapIdle for StackInuse and StackSys while they are stacks.
///
/// Small stacks (32 to 256 KiB, four orders of two, as Go has four orders from 2 KiB) come from
/// the stack pool: 512 KiB spans cut into stacks of one order, so that starting many threads does
/// not go to the heap for each one (Go's stackpool, whose 32 KiB spans hold sixteen of its
/// smallest stacks; 512 KiB holds sixteen of ours). Larger stacks get a span of their own, whole
/// pages (Go's stackLarge).
///
/// Free stacks are cached for reuse, as Go keeps them until a collection ends: a pool span whose
/// stacks are all free, and a large stack's span, stay stack memory while the cache holds under
/// ``retainBytes``; beyond that they go back to the heap at once. ``GoAlloc/freeOSMemory()``
/// empties the cache (Go's FreeOSMemory runs a collection, whose end frees cached stack spans).
///
/// Guard pages: the lowest OS page of every stack is made inaccessible (PROT_NONE) for as long
/// as its span is a stack span, and made usable again before the pages go back to the heap. A
/// thread that overflows its stack faults there instead of writing over the heap below it. The
/// guard is inside the stack's size, so sizes stay powers of two, and a cached stack keeps its
/// guard: reuse costs no system call.
///
/// Everything here is guarded by the heap lock; system calls (mprotect) are made without it.
struct StackPool {
    static let orders = 4
    /// The smallest stack: its usable part (less the guard page and glibc's thread descriptor
    /// and static TLS at the top) must hold PTHREAD_STACK_MIN (16 KiB) and then some.
    static let minStackBytes = 32 << 10
    static let maxPooledBytes = minStackBytes << (orders - 1)
    static let poolSpanBytes = 16 * minStackBytes
    /// Free stack memory the cache keeps at most.
    static let retainBytes = 4 << 20
    /// The tags of the pool lists (orders 0 to 3) and of the large list; MCentral uses 1 to 4.
    static let firstListTag: UInt8 = 5

    /// `orders` pool lists (spans with a free stack, per order), then the list of free large
    /// stack spans; in GoAlloc's root block.
    var lists: UnsafeMutablePointer<MSpanList>?
    /// Bytes of free stacks the cache holds: pool spans with every stack free, free large spans.
    var cachedBytes = 0
    /// Stacks handed out and not yet freed.
    var stacksInUse = 0
    /// Threads that nobody will join, waiting for the reaper (``HeapStackThread``).
    var unjoined: UnsafeMutablePointer<StackThread>?

    /// The size of stack that serves a request of `bytes`: an order's size, or whole pages.
    static func stackSize(for bytes: Int) -> Int {
        let wanted = max(bytes, minStackBytes)
        guard wanted <= maxPooledBytes else { return (wanted + SizeClasses.pageSize - 1) & ~(SizeClasses.pageSize - 1) }
        var size = minStackBytes
        while size < wanted { size <<= 1 }
        return size
    }

    /// The order of a pooled stack size.
    static func order(of stackBytes: Int) -> Int {
        stackBytes.trailingZeroBitCount - minStackBytes.trailingZeroBitCount
    }

    /// The OS page made inaccessible at the low end of each stack.
    static var guardBytes: Int { Int(getpagesize()) }
}

/// One stack: the span it lies in and its lowest address (the guard page).
struct Stack {
    var span: UnsafeMutablePointer<MSpan>
    var low: UInt
    var bytes: Int { span.pointee.elemsize }
}

extension UnsafeMutablePointer where Pointee == Globals {
    /// The pool list of `order`, or the large list for `StackPool.orders`.
    private func stackList(_ index: Int) -> UnsafeMutablePointer<MSpanList> {
        pointee.stacks.lists.unsafelyUnwrapped + index
    }

    /// A stack of at least `bytes` (see ``StackPool/stackSize(for:)``), or nil when the heap
    /// cannot grow or the guard page cannot be set.
    func stackAlloc(bytes: Int) -> Stack? {
        let size = StackPool.stackSize(for: bytes)
        return size <= StackPool.maxPooledBytes ? poolAlloc(size) : largeAlloc(size)
    }

    /// Frees a stack no thread runs on any more: into the cache, or back to the heap.
    func stackFree(_ stack: Stack) {
        let span = stack.span
        var release = false
        heap.pointee.lock.lock()
        pointee.stacks.stacksInUse -= 1
        if span.pointee.elemsize <= StackPool.maxPooledBytes {
            let list = stackList(StackPool.order(of: span.pointee.elemsize))
            if span.pointee.manualFreeList == nil { list.pointee.insert(span) }
            pushFreeStackLocked(stack.low, span)
            span.pointee.allocCount -= 1
            if span.pointee.allocCount == 0 {
                release = !retainLocked(span)
                if release { list.pointee.remove(span) }
            }
        } else {
            release = !retainLocked(span)
            if !release { stackList(StackPool.orders).pointee.insert(span) }
        }
        heap.pointee.lock.unlock()
        if release { releaseStackSpan(span) }
    }

    /// Returns every cached stack span to the heap.
    func releaseStackCache() {
        while let span = takeCachedSpan() { releaseStackSpan(span) }
    }

    /// One span the cache holds with no stack in use, off its list, or nil.
    private func takeCachedSpan() -> UnsafeMutablePointer<MSpan>? {
        heap.pointee.lock.lock()
        defer { heap.pointee.lock.unlock() }
        var index = 0
        while index <= StackPool.orders {
            var next = stackList(index).pointee.first
            while let span = next {
                if span.pointee.allocCount == 0 {
                    stackList(index).pointee.remove(span)
                    pointee.stacks.cachedBytes -= span.pointee.bytes
                    span.pointee.manualFreeList = nil
                    return span
                }
                next = span.pointee.next
            }
            index += 1
        }
        return nil
    }

    /// Counts a span with no stack in use as cached, if the cache has room. Heap lock held.
    private func retainLocked(_ span: UnsafeMutablePointer<MSpan>) -> Bool {
        assertHeapLockHeld()
        guard pointee.stacks.cachedBytes + span.pointee.bytes <= StackPool.retainBytes else { return false }
        pointee.stacks.cachedBytes += span.pointee.bytes
        return true
    }

    private func poolAlloc(_ size: Int) -> Stack? {
        let list = stackList(StackPool.order(of: size))
        heap.pointee.lock.lock()
        if let span = list.pointee.first {
            let stack = takeFreeStackLocked(span, list)
            heap.pointee.lock.unlock()
            return stack
        }
        heap.pointee.lock.unlock()

        guard let span = newStackSpan(npages: StackPool.poolSpanBytes >> SizeClasses.pageShift, stackBytes: size)
        else { return nil }
        heap.pointee.lock.lock()
        var index = span.pointee.nelems
        while index > 0 {
            index -= 1
            pushFreeStackLocked(span.pointee.base + UInt(index * size), span)
        }
        // Counted as cached until its first stack is taken, which is now.
        pointee.stacks.cachedBytes += span.pointee.bytes
        list.pointee.insert(span)
        let stack = takeFreeStackLocked(span, list)
        heap.pointee.lock.unlock()
        return stack
    }

    private func largeAlloc(_ size: Int) -> Stack? {
        let list = stackList(StackPool.orders)
        heap.pointee.lock.lock()
        var next = list.pointee.first
        while let span = next, span.pointee.elemsize != size { next = span.pointee.next }
        if let span = next {
            list.pointee.remove(span)
            pointee.stacks.cachedBytes -= span.pointee.bytes
            pointee.stacks.stacksInUse += 1
            heap.pointee.lock.unlock()
            return Stack(span: span, low: span.pointee.base)
        }
        heap.pointee.lock.unlock()
        guard let span = newStackSpan(npages: size >> SizeClasses.pageShift, stackBytes: size) else { return nil }
        heap.pointee.lock.lock()
        pointee.stacks.stacksInUse += 1
        heap.pointee.lock.unlock()
        return Stack(span: span, low: span.pointee.base)
    }

    /// Takes the first free stack of a pool span. Heap lock held.
    private func takeFreeStackLocked(_ span: UnsafeMutablePointer<MSpan>, _ list: UnsafeMutablePointer<MSpanList>) -> Stack {
        assertHeapLockHeld()
        let link = span.pointee.manualFreeList.unsafelyUnwrapped
        span.pointee.manualFreeList = link.load(as: UnsafeMutableRawPointer?.self)
        if span.pointee.manualFreeList == nil { list.pointee.remove(span) }
        if span.pointee.allocCount == 0 { pointee.stacks.cachedBytes -= span.pointee.bytes }
        span.pointee.allocCount += 1
        pointee.stacks.stacksInUse += 1
        return Stack(span: span, low: UInt(bitPattern: link) - UInt(StackPool.guardBytes))
    }

    /// Links the stack at `low` into its span's free list, through its lowest usable word (the
    /// guard page below it cannot hold the link). Heap lock held.
    private func pushFreeStackLocked(_ low: UInt, _ span: UnsafeMutablePointer<MSpan>) {
        assertHeapLockHeld()
        let link = UnsafeMutableRawPointer(bitPattern: low + UInt(StackPool.guardBytes)).unsafelyUnwrapped
        link.storeBytes(of: span.pointee.manualFreeList, as: UnsafeMutableRawPointer?.self)
        span.pointee.manualFreeList = link
    }

    /// A manual span of stacks of `stackBytes`, each with its guard page set. No lock held.
    private func newStackSpan(npages: Int, stackBytes: Int) -> UnsafeMutablePointer<MSpan>? {
        guard let span = heap.allocManual(npages: npages) else { return nil }
        span.pointee.elemsize = stackBytes
        span.pointee.nelems = span.pointee.bytes / stackBytes
        guard setGuards(span, PROT_NONE) else {
            // Out of memory maps (vm.max_map_count): no stack rather than one without a guard.
            _ = setGuards(span, PROT_READ | PROT_WRITE)
            heap.freeManual(span)
            return nil
        }
        return span
    }

    /// Clears a stack span's guard pages and returns its pages to the heap. No lock held.
    private func releaseStackSpan(_ span: UnsafeMutablePointer<MSpan>) {
        if !setGuards(span, PROT_READ | PROT_WRITE) { fatal("cannot make a stack's guard page usable again") }
        heap.freeManual(span)
    }

    /// Sets the protection of the guard page of every stack in `span`.
    private func setGuards(_ span: UnsafeMutablePointer<MSpan>, _ protection: Int32) -> Bool {
        var ok = true
        var index = 0
        while index < span.pointee.nelems {
            let guardPage = UnsafeMutableRawPointer(bitPattern: span.pointee.base + UInt(index * span.pointee.elemsize))
            ok = mprotect(guardPage, StackPool.guardBytes, protection) == 0 && ok
            index += 1
        }
        return ok
    }
}
