import Synchronization

/// Counts allocations made through the explicit ``Allocator`` interface on `go`, in counting
/// passes only: GoAlloc's allocations are not malloc calls, so the interposer cannot see them.
/// Atomic so that parallel workloads count correctly; its cost is paid in counting passes only.
@usableFromInline
final class ExplicitAllocationCounter: Sendable {
    private let mallocs = Atomic<UInt64>(0)
    private let frees = Atomic<UInt64>(0)
    private let bytesRequested = Atomic<UInt64>(0)
    private let bytesUsable = Atomic<UInt64>(0)

    @usableFromInline
    func countAllocation(requested: Int, usable: Int) {
        mallocs.add(1, ordering: .relaxed)
        bytesRequested.add(UInt64(requested), ordering: .relaxed)
        bytesUsable.add(UInt64(usable), ordering: .relaxed)
    }

    @usableFromInline
    func countFree() {
        frees.add(1, ordering: .relaxed)
    }

    var totals: AllocationCounts {
        AllocationCounts(mallocs: mallocs.load(ordering: .relaxed), frees: frees.load(ordering: .relaxed),
                         bytesRequested: bytesRequested.load(ordering: .relaxed),
                         bytesUsable: bytesUsable.load(ordering: .relaxed))
    }
}
