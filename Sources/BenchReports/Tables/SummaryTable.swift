import BenchKit
import BenchResults
/// The table every report leads with (the terminal after `bench run`, `report.md`, `index.html`):
/// one line per cell with `median ± x%` of ns/op, its range, and what it allocates. Cells that
/// were not measured stay in the table with the reason: `all 5 failed`.
public enum SummaryTable {
    /// What the note column says of an unstable cell.
    static let unstableFootnote = "unstable: the slowest repetition is more than \(NumberFormat.compact(Summary.unstableSpread))x "
        + "the fastest; the note lists the modes (median x repetitions), or the range when there are no clear modes. "
        + "Compare such cells with care, or run more repetitions."

    public static func table(_ summary: [SummaryRow], runs: [RunRow]) -> ReportTable {
        let byCell = SummaryRow.byCell(summary)
        let naming = CellColumns(runs)
        // Instructions per op stand beside the time, in runs that counted them (--instructions).
        let counted = summary.contains { $0.metric == "instructions_per_op" }
        var columns = naming.columns
        columns += (["ns/op", "± 95% CI", "min", "max"] + (counted ? ["instr/op"] : []) + ["B/op", "allocs/op", "peak RSS", "reps"])
            .map { .init($0, numeric: true) }
        columns.append(.init("note"))

        var anyWithoutInterval = false, anyUnstable = false
        let rows = CellGroup.inReportOrder(runs).map { group -> [String] in
            let metrics = byCell[group.cell] ?? [:]
            let time = metrics["ns_per_op"]
            var notes: [String] = []
            if let time, time.unstable {
                anyUnstable = true
                // Repetitions can drift apart without clear gaps: then the range says it.
                notes.append("unstable: " + (time.modes.isEmpty ? "\(NumberFormat.goStyle(time.min)) to \(NumberFormat.goStyle(time.max))"
                                                                : Summary.describe(time.modes)))
            }
            let failed = group.runs.filter(\.status.isFailure).count
            if failed > 0 {
                notes.append(failed == group.runs.count ? "all \(failed) failed" : "\(failed) failed")
            }
            if let time, time.ciPercent == nil { anyWithoutInterval = true }
            return naming.cells(group.cell) + [
                time.map { NumberFormat.goStyle($0.median) } ?? "",
                time.map { NumberFormat.plusMinus($0.ciPercent) } ?? "",
                time.map { NumberFormat.goStyle($0.min) } ?? "",
                time.map { NumberFormat.goStyle($0.max) } ?? "",
            ] + (counted ? [metrics["instructions_per_op"].map { NumberFormat.goStyle($0.median) } ?? ""] : []) + [
                metrics["bytes_per_op"].map { NumberFormat.goStyle($0.median) } ?? "",
                metrics["allocs_per_op"].map { NumberFormat.goStyle($0.median) } ?? "",
                metrics["peak_rss_bytes"].map { NumberFormat.bytes($0.median) } ?? "",
                // A repetition counts when it has a time: an ok row whose value was removed does not.
                "\(group.runs.filter { $0.status == .ok && $0.nsPerOp != nil }.count)/\(group.runs.count)", notes.joined(separator: "; "),
            ]
        }
        var footnotes: [String] = []
        if anyWithoutInterval { footnotes.append(Summary.noIntervalFootnote) }
        if anyUnstable { footnotes.append(unstableFootnote) }
        return ReportTable(columns: columns, rows: rows, footnotes: footnotes)
    }
}
