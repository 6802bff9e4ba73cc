import BenchKit
import BenchResults
import Foundation

/// The report of a run (or of several merged): statistics, tables and charts, made from the CSV
/// files alone and written next to them.
///
/// | file | what it holds |
/// |---|---|
/// | `summary.csv`, `summary.json` | n, median, 95% CI, min, max per cell and metric (the same numbers) |
/// | `report.md` | the tables in markdown, ready to paste, with the charts linked |
/// | `charts/*.svg` | the charts (see ``Chart/all(data:summary:baseline:)``) |
/// | `index.html` | one self-contained page: tables, every chart inline, configuration, a guide |
///
/// Every file is a function of the input rows: rendering the same folder twice gives the same bytes.
public struct Report {
    public let data: RunData
    /// The allocator ratios are taken against.
    public let baseline: String
    public let summary: [SummaryRow]
    public let charts: [Chart]

    /// `baseline` must be an allocator of the run; nil picks `system`, or the first allocator
    /// when the run has no `system`.
    public init(data: RunData, baseline requested: String? = nil) throws(InputError) {
        let allocators = data.allocators
        if let requested, !allocators.contains(requested) {
            throw InputError("--baseline \(requested) is not an allocator of this run; its allocators are "
                + allocators.joined(separator: ", "))
        }
        self.data = data
        baseline = requested ?? (allocators.contains("system") ? "system" : allocators.first ?? "system")
        let commits = Dictionary(data.parameters.compactMap(\.decoded).map { ($0.runID, $0.machine.commit) }) { first, _ in first }
        summary = Summary.rows(data.runs, commits: commits)
        charts = Chart.all(data: data, summary: summary, baseline: baseline)
    }

    /// A table of the report with the heading and the anchor pages give it.
    struct Section {
        let id: String
        let title: String
        let table: ReportTable
    }

    /// The tables in the order pages show them (the charts come after the first two).
    var leadingSections: [Section] {
        var sections = [Section(id: "summary", title: "Summary", table: SummaryTable.table(summary, runs: data.runs))]
        if let ratios = RatioTable.table(data.runs, summary: summary, baseline: baseline) {
            sections.append(Section(id: "ratios", title: "ns/op relative to \(baseline)", table: ratios))
        }
        if let latency = LatencyTable.table(summary, runs: data.runs) {
            sections.append(Section(id: "latency", title: "Latency of single calls", table: latency))
        }
        if let extra = ExtraMetricsTable.table(summary, runs: data.runs) {
            sections.append(Section(id: "workload-metrics", title: "Metrics the workloads reported", table: extra))
        }
        return sections
    }

    var trailingSections: [Section] {
        var sections: [Section] = []
        if let sites = AllocationSitesTable.table(data.allocationProfiles) {
            sections.append(Section(id: "allocation-sites", title: "Allocation sites", table: sites))
        }
        if let traces = RuntimeTraceTable.table(data.runtimeTraces) {
            sections.append(Section(id: "runtime-traces", title: "Runtime traces", table: traces))
        }
        if let configuration = ConfigurationTable.table(data.parameters.compactMap(\.decoded)) {
            sections.append(Section(id: "configuration", title: "Configuration", table: configuration))
        }
        sections.append(Section(id: "guide", title: "Reading the report", table: MetricGuide.table))
        return sections
    }

    /// The machines and dates, as every chart's footer has them.
    var byline: String { ChartContext.footer(data) }

    /// What a reader must know before any number: the run measured a debug build.
    public var warning: String? {
        guard data.parameters.contains(where: { $0.decoded?.build == .debug }) else { return nil }
        return "Measured with a debug build: these numbers are of unoptimised code, often many times slower than "
            + "release and not in the same proportions on every allocator. Measure with `make bench` or "
            + "`swift run -c release bench`."
    }

    /// Writes the report's files into `folder`. Charts of an earlier rendering that this one no
    /// longer draws are removed, so `charts/` never shows stale pictures.
    public func write(to folder: String) throws {
        let manager = FileManager.default
        let chartFolder = RunFiles.path(folder, RunFiles.charts)
        try manager.createDirectory(atPath: chartFolder, withIntermediateDirectories: true)
        let current = Set(charts.map(\.fileName))
        for stale in try manager.contentsOfDirectory(atPath: chartFolder) where stale.hasSuffix(".svg") && !current.contains(stale) {
            try manager.removeItem(atPath: RunFiles.path(chartFolder, stale))
        }
        for chart in charts { try write(chart.svg, to: RunFiles.path(chartFolder, chart.fileName)) }
        try write(SummaryFile.csv(summary), to: RunFiles.path(folder, RunFiles.summaryCSV))
        try write(SummaryFile.json(summary), to: RunFiles.path(folder, RunFiles.summaryJSON))
        try write(ReportMarkdown.render(self), to: RunFiles.path(folder, RunFiles.reportMarkdown))
        try write(ReportPage.render(self), to: RunFiles.path(folder, RunFiles.page))
    }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
