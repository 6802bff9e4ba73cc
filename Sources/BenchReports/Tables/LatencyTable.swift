import BenchKit
import BenchResults
/// Single calls and batches (`--latency`, `--batches`): per cell the medians over repetitions of
/// the latency pass's percentiles of allocating and freeing calls, and of the timed pass's batches'
/// ns/op, beside the cell's median ns/op across processes.
public enum LatencyTable {
    /// The metrics of the table, in column order, with their headings.
    static let columns: [(metric: String, title: String)] = [
        ("ns_per_op", "ns/op"), ("op_p50_ns", "batch p50"), ("op_p99_ns", "batch p99"),
        ("alloc_p50_ns", "alloc p50"), ("alloc_p99_ns", "alloc p99"), ("alloc_p999_ns", "alloc p99.9"), ("alloc_max_ns", "alloc max"),
        ("free_p50_ns", "free p50"), ("free_p99_ns", "free p99"), ("free_p999_ns", "free p99.9"), ("free_max_ns", "free max"),
    ]

    /// Nil when no cell has latency figures (the latency pass did not run).
    public static func table(_ summary: [SummaryRow], runs: [RunRow]) -> ReportTable? {
        guard runs.contains(where: { $0.allocLatency != nil }) else { return nil }
        let byCell = SummaryRow.byCell(summary)
        let naming = CellColumns(runs)
        let rows = CellGroup.inReportOrder(runs).compactMap { group -> [String]? in
            guard let cell = byCell[group.cell], cell["alloc_p50_ns"] != nil else { return nil }
            return naming.cells(group.cell) + columns.map { column in
                cell[column.metric].map { NumberFormat.goStyle($0.median) } ?? ""
            }
        }
        return ReportTable(columns: naming.columns + columns.map { .init($0.title, numeric: true) }, rows: rows,
                           footnotes: ["ns; medians over repetitions. Calls: every malloc-family call of the latency pass, "
                               + "the clock's own floor included (docs/metrics.md); batches: ns/op of the timed pass's batches."])
    }
}
