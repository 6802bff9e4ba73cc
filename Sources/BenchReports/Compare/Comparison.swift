import BenchKit
import BenchResults
import Foundation

/// Two sets of repetitions per cell, compared the way `benchstat` does: the medians, the change
/// between them, and whether the change is real by a two-sided Mann-Whitney U test (``alpha``).
///
/// Two kinds of pairs: the same cell in two runs (`bench compare OLD NEW`: before and after a
/// change), or two allocators on the same workload of one run (`bench compare DIR --by allocator
/// --baseline system`).
public struct Comparison: Sendable {
    /// A change with a larger p-value is reported as `~`, no difference.
    public static let alpha = 0.05

    /// What is compared: one metric of one pair of samples.
    public struct Row: Sendable {
        /// The cells that name the pair in a table (workload, allocator, threads, ...).
        public var key: [String]
        public var old: [Double]
        public var new: [Double]
        /// The metric is exact (``Metric/isExact``): any change of the median is real, no test needed.
        public var exact = false

        public var oldMedian: Double? { Statistics.median(old) }
        public var newMedian: Double? { Statistics.median(new) }

        /// The change of the median in percent; nil when a side is missing or the old median is 0.
        public var changePercent: Double? {
            guard let oldMedian, let newMedian, oldMedian != 0 else { return nil }
            return (newMedian - oldMedian) / abs(oldMedian) * 100
        }

        /// Two-sided U test; nil when a side is missing or the metric is exact.
        public var test: MannWhitneyU.Result? { exact ? nil : MannWhitneyU.test(old, new) }

        /// Whether the change is real: for an exact metric, whenever the medians differ.
        public var isSignificant: Bool {
            guard exact else { return (test?.pValue ?? 1) < Comparison.alpha }
            guard let oldMedian, let newMedian else { return false }
            return oldMedian != newMedian
        }

        /// Whether these sample sizes could ever give p < alpha: with 3 and 3 repetitions the
        /// smallest two-sided p is 2/20 = 0.1, so no difference can be shown however large.
        public var canBeSignificant: Bool {
            guard !old.isEmpty, !new.isEmpty else { return false }
            return exact || MannWhitneyU.smallestPValue(old.count, new.count) < Comparison.alpha
        }
    }

    /// The comparison of one metric: its rows, and the geometric mean of the medians over the
    /// rows where both are positive (the overall change, as `benchstat` prints it).
    public struct Section: Sendable {
        public var metric: Metric
        public var rows: [Row]

        public var geomean: (old: Double, new: Double)? {
            let both = rows.compactMap { row -> (Double, Double)? in
                guard let old = row.oldMedian, let new = row.newMedian, old > 0, new > 0 else { return nil }
                return (old, new)
            }
            guard !both.isEmpty else { return nil }
            func mean(_ values: [Double]) -> Double { exp(values.map(log).reduce(0, +) / Double(values.count)) }
            return (mean(both.map(\.0)), mean(both.map(\.1)))
        }

        /// Rows left out of the geomean (a side missing, or a median of 0).
        public var rowsOutsideGeomean: Int {
            rows.filter { ($0.oldMedian ?? 0) <= 0 || ($0.newMedian ?? 0) <= 0 }.count
        }
    }

    /// The columns of ``Row/key``, and the names of the two sides.
    public var keyColumns: [String]
    public var oldName: String
    public var newName: String
    public var sections: [Section]

    /// Rows of time metrics that got significantly slower by more than `percent`, and rows of
    /// exact counts (instructions per op) that grew by more than `percent`.
    public func regressions(beyond percent: Double) -> [(metric: Metric, row: Row)] {
        sections.filter { $0.metric.isTime || $0.metric.isExact }.flatMap { section in
            section.rows.filter { row in row.isSignificant && (row.changePercent ?? 0) > percent }.map { (section.metric, $0) }
        }
    }

    /// The same cells in two runs. A cell is a workload on an allocator with a thread count; each
    /// side must hold it from one machine only (pooling two machines' repetitions would test the
    /// machines, not the change).
    public static func runs(old: [RunRow], new: [RunRow], oldName: String, newName: String,
                            metrics: [String]?) throws(InputError) -> Comparison {
        try checkOneHostPerCell(old, side: oldName)
        try checkOneHostPerCell(new, side: newName)
        func key(_ run: RunRow) -> CellKeyIgnoringHost { CellKeyIgnoringHost(run.cell) }
        let measuredOld = old.filter { $0.status == .ok }, measuredNew = new.filter { $0.status == .ok }
        let keys = unique(CellGroup.inReportOrder(measuredOld + measuredNew).map { key($0.runs[0]) })
        let oldByKey = Dictionary(grouping: measuredOld, by: key), newByKey = Dictionary(grouping: measuredNew, by: key)
        let sections = try select(metrics, from: measuredOld + measuredNew).map { metric in
            Section(metric: metric, rows: keys.map { key in
                Row(key: [key.suite + "/" + key.workload, key.allocator, String(key.threads)],
                    old: metric.values(oldByKey[key] ?? []), new: metric.values(newByKey[key] ?? []), exact: metric.isExact)
            }.filter { !$0.old.isEmpty || !$0.new.isEmpty })
        }
        return Comparison(keyColumns: ["workload", "allocator", "threads"], oldName: oldName, newName: newName,
                          sections: sections)
    }

    /// The cells measured in `old` that `new` has no measurement of (missing, or every repetition
    /// failed), and those with failed repetitions in `new`, in words, in report order.
    public static func unmeasured(old: [RunRow], new: [RunRow]) -> [String] {
        let newGroups = Dictionary(new.map { (CellKeyIgnoringHost($0.cell), [$0]) }, uniquingKeysWith: +)
        return CellGroup.inReportOrder(old.filter { $0.status == .ok }).compactMap { group in
            let cell = group.cell
            let name = "\(cell.fullName) \(cell.allocator) threads=\(cell.threads)"
            guard let runs = newGroups[CellKeyIgnoringHost(cell)] else { return "\(name): missing" }
            let failed = runs.filter(\.status.isFailure)
            guard !failed.isEmpty else { return nil }
            return "\(name): \(failed.count) of \(runs.count) failed (\(failed[0].status.rawValue): \(failed[0].error))"
        }
    }

    /// A cell on any machine: runs compared across machines pair cells by everything but the host.
    struct CellKeyIgnoringHost: Hashable {
        let suite, workload, allocator: String
        let threads: Int

        init(_ cell: CellKey) {
            suite = cell.suite
            workload = cell.workload
            allocator = cell.allocator
            threads = cell.threads
        }
    }

    /// Every other allocator of one run against `baseline`, workload by workload, on the same
    /// machine and thread count.
    public static func allocators(_ runs: [RunRow], baseline: String, metrics: [String]?) throws(InputError) -> Comparison {
        let measured = runs.filter { $0.status == .ok }
        let allocators = AllocatorOrder.sorted(runs.map(\.allocator))
        guard allocators.contains(baseline) else {
            throw InputError("--baseline \(baseline) is not an allocator of this run; its allocators are \(allocators.joined(separator: ", "))")
        }
        let showHost = Set(runs.map(\.host)).count > 1
        let groups = CellGroup.inReportOrder(measured)
        let byCell = Dictionary(uniqueKeysWithValues: groups.map { ($0.cell, $0.runs) })
        let sections = try select(metrics, from: measured).map { metric in
            Section(metric: metric, rows: groups.filter { $0.cell.allocator != baseline }.compactMap { group in
                var base = group.cell
                base.allocator = baseline
                guard let baseRuns = byCell[base] else { return nil }
                let cell = group.cell
                return Row(key: [cell.fullName, String(cell.threads)] + (showHost ? [cell.host] : []) + [cell.allocator],
                           old: metric.values(baseRuns), new: metric.values(group.runs), exact: metric.isExact)
            }.filter { !$0.old.isEmpty || !$0.new.isEmpty })
        }
        return Comparison(keyColumns: ["workload", "threads"] + (showHost ? ["host"] : []) + ["allocator"],
                          oldName: baseline, newName: "allocator", sections: sections)
    }

    /// The metrics asked for by name (`all` for every one), or by default the headline metrics
    /// and every metric a workload reported.
    static func select(_ names: [String]?, from runs: [RunRow]) throws(InputError) -> [Metric] {
        let available = Metric.all(in: runs)
        guard let names else { return available.filter { Metric.headline.contains($0.name) || $0.isExtra } }
        if names == ["all"] { return available }
        for name in names where !available.contains(where: { $0.name == name }) {
            throw InputError("--metrics: '\(name)' is not a metric of these runs; they have all, "
                + available.map(\.name).joined(separator: ", "))
        }
        return available.filter { names.contains($0.name) }
    }

    static func checkOneHostPerCell(_ runs: [RunRow], side: String) throws(InputError) {
        var hosts: [String: Set<String>] = [:]
        for run in runs where run.status == .ok {
            hosts["\(run.fullName) on \(run.allocator) with \(run.threads) threads", default: []].insert(run.host)
        }
        if let (cell, names) = hosts.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
            throw InputError("\(side) holds \(cell) from \(names.count) machines (\(names.sorted().joined(separator: ", "))); "
                + "compare the folders of one machine each")
        }
    }
}
