/// Reads MemStats the way the current pass reports them: the allocator's own statistics in the
/// timed pass, the counted ones in the counting pass (the runner merges the two, field by field,
/// as it does for the statistics after the run).
///
/// Made once per worker, before any run; after that a read into a snapshot with room for every
/// field allocates nothing, so samples taken inside a workload do not see the harness.
final class MemStatsSampler {
    private let native: NativeStatsReader
    private let counter: AllocationCounter?

    init(allocator: AllocatorName, counter: AllocationCounter?) {
        native = NativeStatsReader(allocator)
        self.counter = counter
        // One read now, so that what the first read sets up lazily (in a debug build, witness
        // tables of the number conversions, in 16 KiB slabs from malloc) is not set up between
        // two samples of a workload, where it would show as a heap change of the workload's.
        _ = read()
    }

    /// The allocator as it names itself.
    var allocatorVersion: String { native.version }

    /// Fills `stats` in place.
    func read(into stats: inout MemStatsSnapshot) {
        if let counter {
            stats.record(counted: counter.totals())
        } else {
            native.read(into: &stats)
        }
    }

    /// A fresh snapshot.
    func read() -> MemStatsSnapshot {
        var stats = MemStatsSnapshot.withRoomForEveryField()
        read(into: &stats)
        return stats
    }
}
