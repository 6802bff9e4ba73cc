import BenchKit
import BenchResults
/// The metrics workloads reported themselves (`b.reportMetric`: ops/s, MemStats changes, ...), one
/// line per cell and metric, since which metrics exist depends on the workload.
public enum ExtraMetricsTable {
    /// Nil when no workload reported any.
    public static func table(_ summary: [SummaryRow], runs: [RunRow]) -> ReportTable? {
        let extra = Metric.all(in: runs.filter { $0.status == .ok }).filter(\.isExtra)
        guard !extra.isEmpty else { return nil }
        let byCell = SummaryRow.byCell(summary)
        let naming = CellColumns(runs)
        var columns = naming.columns + [.init("metric")]
        columns += ["median", "± 95% CI", "min", "max", "n"].map { .init($0, numeric: true) }

        var anyWithoutInterval = false
        var rows: [[String]] = []
        for group in CellGroup.inReportOrder(runs) {
            for metric in extra {
                guard let row = byCell[group.cell]?[metric.name] else { continue }
                if row.ciPercent == nil { anyWithoutInterval = true }
                rows.append(naming.cells(group.cell) + [metric.name, metric.format(row.median), NumberFormat.plusMinus(row.ciPercent),
                         metric.format(row.min), metric.format(row.max), String(row.n)])
            }
        }
        return ReportTable(columns: columns, rows: rows, footnotes: anyWithoutInterval ? [Summary.noIntervalFootnote] : [])
    }
}
