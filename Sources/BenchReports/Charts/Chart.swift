import BenchKit
import BenchResults
/// One chart of a report: its file under `charts/`, its title, and the SVG.
public struct Chart: Equatable, Sendable {
    public let fileName: String
    public let title: String
    public let svg: String

    /// Every chart a run gets, in the order the report shows them: per suite the time, the ratio
    /// to `baseline`, bytes, allocations, peak RSS and thread scaling; then the MemStats curves and
    /// the programs' resident memory over time, resident over live bytes where a workload counts
    /// what it holds, and the latency of single calls;
    /// then a flame graph per cell whose instructions were counted, one per cell whose allocation
    /// sites were recorded, and a timeline per cell whose runtime was traced.
    /// Charts with nothing to show (a suite that never allocates) are left out.
    public static func all(data: RunData, summary: [SummaryRow], baseline: String) -> [Chart] {
        let context = ChartContext(data: data, summary: summary)
        var charts: [Chart] = []
        for suite in context.suites {
            charts += [MetricBars.chart(MetricBars.time, suite: suite, context: context),
                       MetricBars.chart(MetricBars.instructions, suite: suite, context: context),
                       RatioBars.chart(suite: suite, baseline: baseline, context: context),
                       MetricBars.chart(MetricBars.bytes, suite: suite, context: context),
                       MetricBars.chart(MetricBars.allocations, suite: suite, context: context),
                       MetricBars.chart(MetricBars.peakRSS, suite: suite, context: context)].compactMap { $0 }
            charts += ThreadScaling.charts(suite: suite, context: context)
        }
        let flameGraphs = data.foldedStacks.compactMap { FlameGraph.chart(cell: $0.cell, folded: $0.text, byline: context.footer) }
        let allocationGraphs = data.allocationProfiles.compactMap { file in
            (try? AllocationProfile(json: file.text)).flatMap {
                FlameGraph.chart(cell: file.cell, folded: $0.folded, measure: .allocations, byline: context.footer)
            }
        }
        let timelines = data.runtimeTraces.compactMap { file in
            RuntimeTraceFile.read(file.text).map { Timeline.chart(cell: file.cell, trace: $0.trace, byline: context.footer) }
        }
        return charts + MemStatsCurves.charts(context: context) + ResidentCurves.charts(context: context)
            + ResidentPerLiveCurves.charts(context: context) + LatencyCurves.charts(context: context) + flameGraphs
            + allocationGraphs + timelines
    }
}
