import BenchKit
import BenchResults

extension RunRow {
    /// Fills the row from a cell's timed and counting passes, the one place a Swift workload's
    /// measurements become columns. Returns what the hardware counters said of themselves
    /// (`available`, or why not; nil when the pass did not try).
    mutating func record(timed: CellResult, counted: CellResult, allocator: AllocatorAvailability) -> String? {
        // A user's library has no statistics interface bench knows; its package names it.
        allocatorVersion = timed.allocatorVersion.isEmpty ? allocator.version ?? "" : timed.allocatorVersion
        debugBuild = timed.debugBuild ?? false
        n = timed.n
        nsPerOp = timed.nsPerOp
        if let counts = counted.counts, timed.n > 0 {
            allocsPerOp = Double(counts.mallocs) / Double(timed.n)
            bytesPerOp = Double(counts.bytesRequested) / Double(timed.n)
        }
        memStats = timed.memStats.filling(from: counted.memStats)
        process = timed.process
        countedNsPerOp = counted.nsPerOp
        opLatency = timed.batchNsPerOp.flatMap(BatchPercentiles.init(batches:))
        switch timed.hardwareCounters {
        case .counts(let totals)? where timed.n > 0 && totals.count == 4:
            let perOp = Double(timed.n)
            hardware = HardwareCountsPerOp(instructions: Double(totals[0]) / perOp, cycles: Double(totals[1]) / perOp,
                                           branchMisses: Double(totals[2]) / perOp, cacheMisses: Double(totals[3]) / perOp)
            return "available"
        case .unavailable(let reason)?: return reason
        default: return nil
        }
    }
}
