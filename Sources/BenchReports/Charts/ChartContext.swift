import BenchKit
import BenchResults
/// What every chart of a report draws from: the rows, their statistics, the allocators with
/// their fixed colours, and the footer naming the machines and dates.
struct ChartContext {
    let data: RunData
    let summary: [CellKey: [String: SummaryRow]]
    /// Every allocator of the run in ``AllocatorOrder``.
    let allocators: [String]
    let footer: String
    /// Whether labels must name hosts (they vary in the run).
    let showHost: Bool

    static let width = 900.0

    init(data: RunData, summary: [SummaryRow]) {
        self.data = data
        self.summary = SummaryRow.byCell(summary)
        allocators = data.allocators
        footer = Self.footer(data)
        showHost = Set(data.runs.map(\.host)).count > 1
    }

    /// The allocators that ran `suite`, as bar-chart series in their global colours (a suite
    /// run on fewer allocators leaves no empty slots).
    func series(in suite: String) -> [BarChart.Series] {
        let present = Set(data.runs.filter { $0.suite == suite }.map(\.allocator))
        return allocators.filter(present.contains).map { BarChart.Series(name: $0, colour: colour(of: $0)) }
    }

    func colour(of allocator: String) -> String { Palette.colour(style(of: allocator)) }
    func dash(of allocator: String) -> String { Palette.dash(style(of: allocator)) }

    /// An allocator's colour and dash pattern: by its place among the allocators `bench` knows,
    /// so `jemalloc` is the same orange in every chart of every report and a reader learns the
    /// colours once; names `bench` does not know come after, in the run's order.
    func style(of allocator: String) -> Int {
        let known = AllocatorName.allCases.map(\.rawValue)
        if let index = known.firstIndex(of: allocator) { return index }
        return known.count + (allocators.filter { !known.contains($0) }.firstIndex(of: allocator) ?? 0)
    }

    /// The suites of the run, in the order they first appear.
    var suites: [String] { unique(data.runs.map(\.suite)) }

    /// One bar group per workload x threads x host of `suite`, in report order; each holds the
    /// groups of rows of its allocators (measured or not).
    func categories(of suite: String) -> [(label: String, cells: [CellGroup])] {
        let runs = data.runs.filter { $0.suite == suite }
        let showThreads = Set(runs.map(\.threads)).count > 1
        var order: [String] = []
        var cells: [String: [CellGroup]] = [:]
        for group in CellGroup.inReportOrder(runs) {
            let label = categoryLabel(group.cell, showThreads: showThreads)
            if cells[label] == nil { order.append(label) }
            cells[label, default: []].append(group)
        }
        return order.map { ($0, cells[$0]!) }
    }

    /// `CopyIt`, `Churn · 4 threads`, `Churn · 4 threads · node7`.
    func categoryLabel(_ cell: CellKey, showThreads: Bool) -> String {
        let parts = [cell.workload] + (showThreads ? ["\(cell.threads) thread\(cell.threads == 1 ? "" : "s")"] : [])
            + (showHost ? [cell.host] : [])
        return parts.joined(separator: " · ")
    }

    /// Why a cell has no value for a metric: `failed`, or `not reported`.
    static func missingReason(_ group: CellGroup) -> String {
        if !group.runs.contains(where: { $0.status == .ok }) { return "failed" }
        return "not reported"
    }

    /// A chart file name from its parts: letters, digits, `-`, `_` and `.` only, lower case.
    static func fileName(_ parts: [String]) -> String {
        parts.joined(separator: "-").lowercased()
            .map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" }
            + ".svg"
    }

    /// The samples of `memstats.csv` that `include` keeps, grouped by workload, thread count and
    /// host in the file's order, each group with the parts of its chart's title and file name
    /// (the thread count when the run has several, the host when it varies), and only the groups
    /// with at least `minimumTicks` distinct ticks.
    /// A sample group's key.
    private struct SampleKey: Hashable { let suite, workload: String; let threads: Int; let host: String }

    func sampleGroups(minimumTicks: Int, where include: (MemStatsRow) -> Bool) -> [(name: [String], rows: [MemStatsRow])] {
        var order: [SampleKey] = []
        var rows: [SampleKey: [MemStatsRow]] = [:]
        for row in data.memStats where include(row) {
            let key = SampleKey(suite: row.suite, workload: row.workload, threads: row.threads, host: row.host)
            if rows[key] == nil { order.append(key) }
            rows[key, default: []].append(row)
        }
        let showThreads = Set(order.map(\.threads)).count > 1
        return order.filter { Set(rows[$0]!.map(\.tick)).count >= minimumTicks }.map { key in
            var name = [key.suite, key.workload]
            if showThreads { name.append("\(key.threads)-threads") }
            if showHost { name.append(key.host) }
            return (name, rows[key]!)
        }
    }

    /// `vm: AMD EPYC, 2 cores, linux 6.18.44 · 2026-11-23 · commit d6d48b8`, from `params.json`
    /// when the run has one, else from the rows (host and start dates).
    static func footer(_ data: RunData) -> String {
        let machines = data.parameters.compactMap(\.decoded).map(\.machine)
        let hosts = unique(machines.map(\.host) + data.runs.map(\.host))
        let described = hosts.map { host in
            machines.first { $0.host == host }.map { "\(host): \($0.cpu), \($0.cores) cores, \($0.os) \($0.kernel)" } ?? host
        }
        let dates = Set(data.runs.map { String($0.startedAt.prefix(10)) }.filter { !$0.isEmpty }).sorted()
        let dateText = dates.count > 1 ? "\(dates.first!) to \(dates.last!)" : dates.first ?? ""
        let commits = unique(machines.map { String($0.commit.prefix(7)) + ($0.commit.hasSuffix("-dirty") ? "-dirty" : "") })
        return (described + [dateText] + (commits.isEmpty ? [] : ["commit " + commits.joined(separator: ", ")]))
            .filter { !$0.isEmpty }.joined(separator: " · ")
    }
}

/// The elements of `values` without repeats, in the order they first appear.
func unique<T: Hashable>(_ values: [T]) -> [T] {
    var seen = Set<T>()
    return values.filter { seen.insert($0).inserted }
}
