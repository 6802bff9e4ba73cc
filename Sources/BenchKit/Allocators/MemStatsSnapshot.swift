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
    public private(set) var values: [MemStatsField: Double] = [:]

    public init(_ values: [MemStatsField: Double] = [:]) {
        self.values = values
    }

    public subscript(field: MemStatsField) -> Double? {
        get { values[field] }
        set { values[field] = newValue }
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
        values[.mallocs] = Double(counted.mallocs)
        values[.frees] = Double(counted.frees)
        values[.totalAlloc] = Double(counted.bytesUsable)
        values[.heapObjects] = Double(counted.mallocs &- counted.frees)
    }

    /// This snapshot, with the fields it lacks taken from `other`.
    public func filling(from other: MemStatsSnapshot) -> MemStatsSnapshot {
        MemStatsSnapshot(values.merging(other.values) { mine, _ in mine })
    }
}
