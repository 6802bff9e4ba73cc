import BenchKit
/// A quantity of `runs.csv` that reports summarise and compare: its column name, the unit tables
/// print, and how to read it from a row.
public struct Metric: Sendable {
    /// How values of a metric read best.
    public enum Kind: Sendable {
        /// A duration per op: larger is slower. Instability is judged on these, and `bench compare
        /// --threshold` gates on them.
        case timePerOp
        /// A count per op that is the same in every process (instructions under callgrind): compared
        /// exactly, with no test of significance, and gated like time.
        case exactPerOp
        /// A size in bytes, printed with a binary unit (`12.3 MiB`).
        case bytes
        /// Anything else: counts, seconds, what a workload reported.
        case plain
    }

    /// How a column of `runs.csv` is summarised: its unit, kind and place in summaries. The
    /// column table (``RunsCSV/schema``) gives it; the metric's name is the column's.
    public struct Description: Sendable {
        /// Where summaries list the metric: the per-op figures, single calls' latencies, then the
        /// process's figures, then MemStats.
        public enum Group: Int, Sendable {
            case perOp, latency, process, memStats
        }

        public let unit: String?
        public let kind: Kind
        public let group: Group

        init(unit: String? = nil, kind: Kind = .plain, _ group: Group) {
            self.unit = unit
            self.kind = kind
            self.group = group
        }
    }

    /// The `runs.csv` column (or the unit of an extra metric a workload reported).
    public let name: String
    /// The unit for headings: `ns/op`, `B/op`, `B`, `s`, or the name itself.
    public let unit: String
    public let kind: Kind
    package let value: @Sendable (RunRow) -> Double?

    init(_ name: String, unit: String? = nil, kind: Kind = .plain, _ value: @escaping @Sendable (RunRow) -> Double?) {
        self.name = name
        self.unit = unit ?? name
        self.kind = kind
        self.value = value
    }

    public var isTime: Bool { kind == .timePerOp }
    /// Whether values do not vary between processes, so two sides compare exactly.
    public var isExact: Bool { kind == .exactPerOp }

    /// The time per op, which most charts and comparisons are about.
    package static let nsPerOp = standard(named: "ns_per_op")!

    /// The metrics every row can have (the metric columns of `runs.csv`), in the order summaries
    /// list them: per-op figures, process figures, MemStats fields, each group in column order.
    static let standard: [Metric] = {
        let schema = RunsCSV.schema
        let described = schema.columns.compactMap { column in column.metric.map { (column, $0) } }
        return described.enumerated().sorted { ($0.element.1.group.rawValue, $0.offset) < ($1.element.1.group.rawValue, $1.offset) }
            .map { _, pair in
                let (column, description) = pair
                return Metric(column.name, unit: description.unit, kind: description.kind, column.number!)
            }
    }()

    /// What `bench compare` shows unless asked for more: time, allocations and memory.
    package static let headline: Set<String> = ["ns_per_op", "bytes_per_op", "allocs_per_op", "peak_rss_bytes",
                                                "instructions_per_op"]

    /// The standard metrics, then the extra metrics the rows report (sorted by unit), keeping
    /// only those with at least one value.
    public static func all(in runs: [RunRow]) -> [Metric] {
        let extra = Set(runs.flatMap(\.metrics.keys)).sorted().map { unit in Metric(unit, { $0.metrics[unit] }) }
        return (standard + extra).filter { metric in runs.contains { metric.value($0) != nil } }
    }

    /// The standard metric with this name.
    package static func standard(named name: String) -> Metric? {
        standard.first { $0.name == name }
    }

    /// Whether a workload reported it (`b.reportMetric`) rather than the harness.
    public var isExtra: Bool { !Self.standard.contains { $0.name == name } }

    /// The metric's values over `runs`, skipping rows that lack it.
    public func values(_ runs: [RunRow]) -> [Double] {
        runs.compactMap(value)
    }

    /// A value as tables print it: `41.40`, `12.3 MiB`.
    public func format(_ value: Double) -> String {
        kind == .bytes ? NumberFormat.bytes(value) : NumberFormat.goStyle(value)
    }
}

extension MemStatsField {
    /// Go's fields are uint64 counts and sizes, but for GCCPUFraction (a float64).
    var numberKind: CSV.NumberKind { self == .gcCPUFraction ? .real : .integer }

    /// Whether the field is a size in bytes (the rest are counts, times and a fraction).
    var isBytes: Bool {
        switch self {
        case .mallocs, .frees, .heapObjects, .lastGC, .pauseTotalNs, .numGC, .numForcedGC, .gcCPUFraction: false
        default: true
        }
    }
}
