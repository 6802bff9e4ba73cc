import BenchKit
import BenchResults
/// Each allocator's median ns/op relative to the baseline's, one line per workload (thread
/// count and host) and a column per allocator: the table a reader pastes to say "jemalloc is
/// 0.83x glibc here".
enum RatioTable {
    /// Nil without the baseline or another allocator.
    static func table(_ runs: [RunRow], summary: [SummaryRow], baseline: String) -> ReportTable? {
        let allocators = AllocatorOrder.sorted(runs.map(\.allocator)).filter { $0 != baseline }
        guard !allocators.isEmpty, runs.contains(where: { $0.allocator == baseline }) else { return nil }
        let byCell = SummaryRow.byCell(summary)
        let showHost = Set(runs.map(\.host)).count > 1
        var order: [CellKey] = []
        var groups: [CellKey: [String: CellGroup]] = [:]
        for group in CellGroup.inReportOrder(runs) {
            var key = group.cell
            key.allocator = baseline
            if groups[key] == nil { order.append(key) }
            groups[key, default: [:]][group.cell.allocator] = group
        }
        let columns = [ReportTable.Column("workload"), .init("threads", numeric: true)] + (showHost ? [.init("host")] : [])
            + allocators.map { ReportTable.Column("\($0) / \(baseline)", numeric: true) }
        let rows = order.compactMap { key -> [String]? in
            guard let base = groups[key]?[baseline], byCell[base.cell]?["ns_per_op"] != nil else { return nil }
            return [key.fullName, String(key.threads)] + (showHost ? [key.host] : []) + allocators.map { allocator in
                guard let group = groups[key]?[allocator] else { return "" }
                return BaselineRatio(group, baseline: base, summary: byCell)?.text ?? ChartContext.missingReason(group)
            }
        }
        guard !rows.isEmpty else { return nil }
        return ReportTable(columns: columns, rows: rows, footnotes: [
            "Median ns/op of each allocator divided by \(baseline)'s: below 1 is faster. " + BaselineRatio.footnote(baseline),
        ])
    }
}
