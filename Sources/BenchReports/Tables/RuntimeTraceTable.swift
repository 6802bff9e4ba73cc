import BenchKit
import BenchResults

/// The report's "Runtime traces" table (`bench run --trace`): per traced cell, the collections,
/// the time the world stood still and its share of the run, the pauses, the scavenger's work
/// and the heap's growth, with the trace file to open in Perfetto.
enum RuntimeTraceTable {
    static func table(_ files: [(cell: String, text: String)]) -> ReportTable? {
        let traces = files.compactMap { file in RuntimeTraceFile.read(file.text).map { (file.cell, $0.trace) } }
        guard !traces.isEmpty else { return nil }
        let rows = traces.map { cell, trace -> [String] in
            let summary = RuntimeTraceSummary(trace)
            return [cell, String(summary.collections), RuntimeTraceSummary.milliseconds(summary.stopTheWorldNs),
                    NumberFormat.fixed(summary.stopTheWorldPercent, 2) + "%",
                    summary.collections > 0 ? RuntimeTraceSummary.microseconds(summary.medianPauseNs) : "",
                    summary.collections > 0 ? RuntimeTraceSummary.microseconds(summary.longestPauseNs) : "",
                    "\(summary.scavengerSteps) (\(NumberFormat.bytes(Double(summary.releasedBytes))))",
                    "\(summary.heapGrowths) (\(NumberFormat.bytes(Double(summary.grownBytes))))",
                    RuntimeTraceSummary.milliseconds(summary.runNs), "\(RunFiles.traces)/\(cell).json"]
        }
        return ReportTable(columns: [.init("cell"), .init("collections", numeric: true), .init("stopped", numeric: true),
                                     .init("of the run", numeric: true), .init("median pause", numeric: true),
                                     .init("longest pause", numeric: true), .init("scavenger steps", numeric: true),
                                     .init("heap growths", numeric: true), .init("run", numeric: true), .init("trace")],
                           rows: rows,
                           footnotes: ["The timed pass's measured run, traced by GoAlloc (go, go-gc). Open the trace in "
                                       + "https://ui.perfetto.dev or chrome://tracing; the timelines are among the charts."])
    }
}
