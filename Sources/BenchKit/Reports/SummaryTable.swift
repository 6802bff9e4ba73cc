/// The table every report leads with (the terminal after `bench run`, `report.md`, `index.html`):
/// one line per cell with `median ± x%` of ns/op, its range, and what it allocates.
public enum SummaryTable {
    /// What the note column says of an unstable cell.
    static let unstableFootnote = "unstable: the slowest repetition is more than \(NumberFormat.goStyle(Summary.unstableSpread))x "
        + "the fastest; the note lists the modes (median x repetitions). Compare such cells with care, or run more repetitions."

    public static func table(_ summary: [SummaryRow], runs: [RunRow]) -> ReportTable {
        var byCell: [CellKey: [String: SummaryRow]] = [:]
        for row in summary { byCell[row.cell, default: [:]][row.metric] = row }
        let showHost = Set(runs.map(\.host)).count > 1
        var columns: [ReportTable.Column] = [.init("workload"), .init("allocator"), .init("threads", numeric: true)]
        if showHost { columns.append(.init("host")) }
        columns += ["ns/op", "± 95% CI", "min", "max", "B/op", "allocs/op", "peak RSS", "reps"].map { .init($0, numeric: true) }
        columns.append(.init("note"))

        var infinite = false, unstable = false
        let rows = CellGroup.inReportOrder(runs).map { group -> [String] in
            let metrics = byCell[group.cell] ?? [:]
            let ok = group.runs.filter { $0.status == .ok }.count
            let time = metrics["ns_per_op"]
            var notes: [String] = []
            if let time, time.unstable {
                unstable = true
                notes.append("unstable: " + Summary.describe(time.modes.isEmpty ? Statistics.modes([time.min, time.max]) : time.modes))
            }
            let failed = group.runs.filter(\.status.isFailure).count
            if time == nil, let notApplicable = group.runs.first(where: { $0.status == .notApplicable }) {
                notes.append("n/a: " + notApplicable.error)
            } else if failed > 0 {
                notes.append(failed == group.runs.count ? "all \(failed) failed" : "\(failed) failed")
            }
            if time != nil, time?.ciPercent == nil { infinite = true }
            let cell = group.cell
            var row = ["\(cell.suite)/\(cell.workload)", cell.allocator, String(cell.threads)]
            if showHost { row.append(cell.host) }
            row += [
                time.map { NumberFormat.goStyle($0.median) } ?? "",
                time.map { NumberFormat.plusMinus($0.ciPercent) } ?? "",
                time.map { NumberFormat.goStyle($0.min) } ?? "",
                time.map { NumberFormat.goStyle($0.max) } ?? "",
                metrics["bytes_per_op"].map { NumberFormat.goStyle($0.median) } ?? "",
                metrics["allocs_per_op"].map { NumberFormat.goStyle($0.median) } ?? "",
                metrics["peak_rss_bytes"].map { NumberFormat.bytes($0.median) } ?? "",
                "\(ok)/\(group.runs.count)", notes.joined(separator: "; "),
            ]
            return row
        }
        var footnotes: [String] = []
        if infinite { footnotes.append(Summary.noIntervalFootnote) }
        if unstable { footnotes.append(unstableFootnote) }
        return ReportTable(columns: columns, rows: rows, footnotes: footnotes)
    }
}
