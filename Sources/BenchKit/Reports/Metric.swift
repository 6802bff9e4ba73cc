/// A quantity of `runs.csv` that reports summarise and compare: its column name, the unit tables
/// print, and how to read it from a row.
public struct Metric: Sendable {
    /// The `runs.csv` column (or the unit of an extra metric a workload reported).
    public let name: String
    /// The unit for headings: `ns/op`, `B/op`, `B`, `s`, or the name itself.
    public let unit: String
    /// A duration, where larger is slower: what instability marks and `--threshold` gates.
    public let isTime: Bool
    let value: @Sendable (RunRow) -> Double?

    init(_ name: String, unit: String? = nil, isTime: Bool = false, _ value: @escaping @Sendable (RunRow) -> Double?) {
        self.name = name
        self.unit = unit ?? name
        self.isTime = isTime
        self.value = value
    }

    /// The metrics every row can have, in the order summaries list them.
    static let standard: [Metric] = [
        Metric("ns_per_op", unit: "ns/op", isTime: true, \.nsPerOp),
        Metric("bytes_per_op", unit: "B/op", \.bytesPerOp),
        Metric("allocs_per_op", unit: "allocs/op", \.allocsPerOp),
        Metric("counted_ns_per_op", unit: "counted ns/op", isTime: true, \.countedNsPerOp),
        Metric("peak_rss_bytes", unit: "B", { $0.process?.peakRSSBytes.map { Double($0) } }),
        Metric("minor_faults", { $0.process.map { Double($0.minorFaults) } }),
        Metric("major_faults", { $0.process.map { Double($0.majorFaults) } }),
        Metric("vol_ctx_switches", { $0.process.map { Double($0.voluntaryContextSwitches) } }),
        Metric("invol_ctx_switches", { $0.process.map { Double($0.involuntaryContextSwitches) } }),
        Metric("user_s", unit: "s", isTime: true, { $0.process?.userSeconds }),
        Metric("sys_s", unit: "s", isTime: true, { $0.process?.systemSeconds }),
    ] + MemStatsField.allCases.map { field in Metric(field.rawValue, { $0.memStats[field] }) }

    /// The standard metrics, then the extra metrics the rows report (sorted by unit), keeping
    /// only those with at least one value.
    public static func all(in runs: [RunRow]) -> [Metric] {
        let extra = Set(runs.flatMap(\.metrics.keys)).sorted().map { unit in Metric(unit, { $0.metrics[unit] }) }
        return (standard + extra).filter { metric in runs.contains { metric.value($0) != nil } }
    }

    /// The metric's values over `runs`, skipping rows that lack it.
    public func values(_ runs: [RunRow]) -> [Double] {
        runs.compactMap(value)
    }
}
