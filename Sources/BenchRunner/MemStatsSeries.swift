import BenchKit
import BenchResults
/// What the runner makes of the MemStats samples a workload took in its two passes.
public enum MemStatsSeries {
    /// The timed pass's samples, with the fields they lack taken from the counting pass's samples
    /// at the same ticks: the same rule as the statistics after the run. A field comes from one
    /// pass for the whole series, the timed one only if every timed sample has it (jemalloc's
    /// counts, for one, are left out of a sample when its thread caches disagree), so that a
    /// curve never jumps between two allocators' ways of counting. Both passes run the same b.N,
    /// so a workload takes the same samples in each; if the counts differ anyway the timed samples
    /// stand alone.
    public static func merge(timed: [MemStatsSnapshot]?, counted: [MemStatsSnapshot]?) -> [MemStatsSnapshot] {
        var merged = timed ?? []
        guard let counted, counted.count == merged.count else { return merged }
        for field in MemStatsField.allCases where !merged.allSatisfy({ $0[field] != nil }) {
            for tick in merged.indices { merged[tick][field] = counted[tick][field] }
        }
        return merged
    }

    /// `memstats.csv`'s rows of a cell's merged `series`, with the timed pass's resident bytes and
    /// the workload's live bytes at each sample beside its statistics.
    static func rows(of row: RunRow, _ series: [MemStatsSnapshot], timed: CellResult) -> [MemStatsRow] {
        let resident = timed.residentSeries ?? [], live = timed.liveSeries ?? []
        return series.enumerated().map { tick, memStats in
            var sample = MemStatsRow(cell: row.cell, runID: row.runID, rep: row.rep, tick: tick, memStats: memStats)
            sample.residentBytes = tick < resident.count && resident[tick] > 0 ? resident[tick] : nil
            sample.liveBytes = tick < live.count ? live[tick] : nil
            return sample
        }
    }

    /// `Δ<Field>` = last sample - first sample, for each field both give and that changed. A field
    /// that did not change, or that the allocator does not provide, has no entry: no made-up zeros.
    public static func changes(_ series: [MemStatsSnapshot]) -> [String: Double] {
        guard let first = series.first, let last = series.last, series.count >= 2 else { return [:] }
        var changes: [String: Double] = [:]
        // LastGC is a timestamp: its change is the time between two collections, not a metric.
        for field in MemStatsField.allCases where field != .lastGC {
            if let before = first[field], let after = last[field], after != before {
                changes[MetricName.change(field)] = after - before
            }
        }
        return changes
    }
}
