/// Go's `runtime.MemStats` fields, by their Go names, in the order `runs.csv` lists them.
public enum MemStatsField: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case alloc = "Alloc", totalAlloc = "TotalAlloc", sys = "Sys", mallocs = "Mallocs", frees = "Frees"
    case heapAlloc = "HeapAlloc", heapSys = "HeapSys", heapIdle = "HeapIdle", heapInuse = "HeapInuse"
    case heapReleased = "HeapReleased", heapObjects = "HeapObjects"
    case stackInuse = "StackInuse", stackSys = "StackSys"
    case mSpanInuse = "MSpanInuse", mSpanSys = "MSpanSys", mCacheInuse = "MCacheInuse", mCacheSys = "MCacheSys"
    case buckHashSys = "BuckHashSys", gcSys = "GCSys", otherSys = "OtherSys"
    case nextGC = "NextGC", lastGC = "LastGC", pauseTotalNs = "PauseTotalNs", numGC = "NumGC"
    case numForcedGC = "NumForcedGC", gcCPUFraction = "GCCPUFraction"
}

/// Go's MemStats fields as one allocator reported them at one moment.
///
/// Each allocator's native statistics are mapped onto Go's meanings (the README has the table);
/// a field an allocator cannot give is nil and stays empty in reports, never a made-up zero.
public struct MemStatsSnapshot: Codable, Equatable, Sendable {
    public private(set) var values: [MemStatsField: MemStatsValue] = [:]

    public init(_ values: [MemStatsField: Double] = [:]) {
        self.values = values.mapValues(MemStatsValue.init)
    }

    /// The field as a number to compute with (nil when the allocator does not give it).
    public subscript(field: MemStatsField) -> Double? {
        get { values[field]?.double }
        set { values[field] = newValue.map(MemStatsValue.init) }
    }

    /// A count or size exactly, as Go's uint64 holds it (LastGC in nanoseconds, NextGC of
    /// 2^64-1): nil when absent, or when the field is GCCPUFraction or was set from a fraction.
    public subscript(exactly field: MemStatsField) -> UInt64? {
        get {
            guard case .count(let count)? = values[field] else { return nil }
            return count
        }
        set { values[field] = newValue.map(MemStatsValue.count) }
    }

    /// An empty snapshot with room for every field: filling it in place allocates nothing, so a
    /// sample read inside a workload does not show up in the statistics of the next sample.
    static func withRoomForEveryField() -> MemStatsSnapshot {
        var snapshot = MemStatsSnapshot()
        snapshot.values.reserveCapacity(MemStatsField.allCases.count)
        return snapshot
    }

    /// The fields that counting gives for any allocator: cumulative allocations and frees since the
    /// process started, TotalAlloc as the bytes the allocator handed out (usable sizes, the
    /// analogue of Go's size-class-rounded bytes), and the live objects they imply.
    public init(counted: AllocationCounts) {
        record(counted: counted)
    }

    /// Sets the fields that counting gives (see ``init(counted:)``), in place.
    mutating func record(counted: AllocationCounts) {
        self[exactly: .mallocs] = counted.mallocs
        self[exactly: .frees] = counted.frees
        self[exactly: .totalAlloc] = counted.bytesUsable
        self[exactly: .heapObjects] = counted.mallocs &- counted.frees
    }

    /// This snapshot, with the fields it lacks taken from `other`.
    public func filling(from other: MemStatsSnapshot) -> MemStatsSnapshot {
        var filled = self
        filled.values.merge(other.values) { mine, _ in mine }
        return filled
    }
}

/// One MemStats value: Go's fields are uint64 counts and sizes, kept exact (a Double holds 53 bits,
/// and LastGC, in nanoseconds since 1970, needs 61), but for GCCPUFraction and what an allocator
/// only knows as a fraction.
public enum MemStatsValue: Codable, Equatable, Sendable {
    case count(UInt64)
    case fraction(Double)

    /// A whole, non-negative number that fits becomes a count; anything else a fraction.
    public init(_ value: Double) {
        if value >= 0, value < 18_446_744_073_709_551_616.0, value == value.rounded() {
            self = .count(UInt64(value))
        } else {
            self = .fraction(value)
        }
    }

    public var double: Double {
        switch self {
        case .count(let count): Double(count)
        case .fraction(let value): value
        }
    }
}
