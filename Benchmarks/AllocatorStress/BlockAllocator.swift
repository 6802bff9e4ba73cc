import BenchKit

/// What the stress tests allocate through: the explicit ``Allocator`` of the worker in a run (so
/// they run on every allocator, `go` included), or, in the tests, an allocator that breaks on
/// purpose to show that the tests notice.
///
/// The tests are generic over it and specialised for ``Allocator`` in the suite, so a run pays
/// nothing for the indirection.
protocol BlockAllocator: Sendable {
    func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer
    func deallocate(_ block: UnsafeMutableRawPointer, byteCount: Int, alignment: Int)
}

extension Allocator: BlockAllocator {}

extension BlockAllocator {
    /// Every block of the suite has the natural 16-byte alignment.
    @inline(__always)
    func block(_ byteCount: Int) -> UnsafeMutableRawPointer {
        allocate(byteCount: byteCount, alignment: 16)
    }

    @inline(__always)
    func release(_ block: UnsafeMutableRawPointer, _ byteCount: Int) {
        deallocate(block, byteCount: byteCount, alignment: 16)
    }
}
