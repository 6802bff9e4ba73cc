#if canImport(Glibc)
import Glibc
#endif
import CBenchKit

/// Malloc-family calls counted by the interposer (see `Sources/CBenchCount`).
public struct AllocationCounts: Codable, Equatable, Sendable {
    /// Calls that returned a new block.
    public var mallocs: UInt64 = 0
    /// Calls that released a non-null block.
    public var frees: UInt64 = 0
    /// Bytes requested, summed over allocations.
    public var bytesRequested: UInt64 = 0
    /// Bytes handed out (each block's usable size), summed over allocations.
    public var bytesUsable: UInt64 = 0

    public init(mallocs: UInt64 = 0, frees: UInt64 = 0, bytesRequested: UInt64 = 0, bytesUsable: UInt64 = 0) {
        self.mallocs = mallocs
        self.frees = frees
        self.bytesRequested = bytesRequested
        self.bytesUsable = bytesUsable
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        Self(mallocs: lhs.mallocs + rhs.mallocs, frees: lhs.frees + rhs.frees,
             bytesRequested: lhs.bytesRequested + rhs.bytesRequested, bytesUsable: lhs.bytesUsable + rhs.bytesUsable)
    }

    static func - (lhs: Self, rhs: Self) -> Self {
        Self(mallocs: lhs.mallocs - rhs.mallocs, frees: lhs.frees - rhs.frees,
             bytesRequested: lhs.bytesRequested - rhs.bytesRequested, bytesUsable: lhs.bytesUsable - rhs.bytesUsable)
    }
}

/// Reads the counting interposer's totals when it is loaded (the counting pass), else nothing.
struct AllocationCounter {
    private let read: benchcount_read_fn

    /// The counter of this process, or nil when libBenchCount.so is not preloaded (the timed pass).
    static func loaded() -> AllocationCounter? {
        guard let symbol = dlsym(nil, "benchcount_read") else { return nil }
        return AllocationCounter(read: unsafeBitCast(symbol, to: benchcount_read_fn.self))
    }

    /// Everything counted so far.
    func totals() -> AllocationCounts {
        var raw = benchcount_totals()
        read(&raw)
        return AllocationCounts(mallocs: raw.mallocs, frees: raw.frees, bytesRequested: raw.bytes_requested,
                                bytesUsable: raw.bytes_usable)
    }
}
