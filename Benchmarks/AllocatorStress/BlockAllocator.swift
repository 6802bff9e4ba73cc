import BenchKit

/// What the stress tests allocate through: the explicit ``Allocator`` of the worker in a run (so
/// they run on every allocator, `go` included), or, in the tests, an allocator that breaks on
/// purpose to show that the tests notice.
///
/// The tests are generic over it and specialised for ``Allocator`` in the suite, so a run pays
/// nothing for the indirection.
protocol BlockAllocator: Sendable {
    func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer
    /// See ``Allocator/allocate(byteCount:alignment:holdsPointers:)``: a block that holds only data.
    func allocate(byteCount: Int, alignment: Int, holdsPointers: Bool) -> UnsafeMutableRawPointer
    func deallocate(_ block: UnsafeMutableRawPointer, byteCount: Int, alignment: Int)
    /// See ``Allocator/registerRoot(_:byteCount:)``: memory that holds the only pointers to blocks.
    func registerRoot(_ base: UnsafeRawPointer, byteCount: Int)
    func unregisterRoot(_ base: UnsafeRawPointer)
    /// See ``Allocator/registerThread()``: called on each thread before it is timed.
    func registerThread()
}

extension Allocator: BlockAllocator {}

extension BlockAllocator {
    /// An allocator that does not tell pointer-free blocks apart allocates them as any other.
    func allocate(byteCount: Int, alignment: Int, holdsPointers: Bool) -> UnsafeMutableRawPointer {
        allocate(byteCount: byteCount, alignment: alignment)
    }

    /// Every block of the suite has the natural 16-byte alignment. Blocks that hold only stamps
    /// and data say so (`holdsPointers: false`), as Go's tests would allocate them as `[]byte`:
    /// go-gc's collector then does not scan them.
    @inline(__always)
    func block(_ byteCount: Int, holdsPointers: Bool = true) -> UnsafeMutableRawPointer {
        allocate(byteCount: byteCount, alignment: 16, holdsPointers: holdsPointers)
    }

    @inline(__always)
    func release(_ block: UnsafeMutableRawPointer, _ byteCount: Int) {
        deallocate(block, byteCount: byteCount, alignment: 16)
    }

    /// `count` uninitialised slots from malloc, for values (block pointers, or structures holding
    /// them) that may be the only references to blocks. They are registered as a root, so a
    /// collecting allocator (go-gc) keeps those blocks alive; free them with ``releaseRoots(_:)``.
    func rootSlots<Slot>(_ count: Int, of type: Slot.Type = Slot.self) -> UnsafeMutablePointer<Slot> {
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: count)
        registerRoot(slots, byteCount: count * MemoryLayout<Slot>.stride)
        return slots
    }

    /// Unregisters and frees slots from ``rootSlots(_:of:)``.
    func releaseRoots<Slot>(_ slots: UnsafeMutablePointer<Slot>) {
        unregisterRoot(slots)
        slots.deallocate()
    }
}

extension BlockAllocator {
    /// An allocator that frees only when told to has no roots to know about.
    func registerRoot(_ base: UnsafeRawPointer, byteCount: Int) {}
    func unregisterRoot(_ base: UnsafeRawPointer) {}
    func registerThread() {}
}
