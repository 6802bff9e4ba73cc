import BenchKit
import BenchResults
/// The grouped-bar chart of one metric over a suite: a group per workload, a bar per allocator
/// at the median, the 95% interval as a whisker, every repetition as a dot.
enum MetricBars {
    /// How a metric is drawn: which one, the chart's words, and the unit its axis shows.
    struct Spec {
        var metric: String
        var fileSuffix: String
        var title: String
        var axisTitle: String
        /// What a reader should take from the chart, under the title.
        var reading: String
        /// Divides values for the axis (1024 * 1024 to draw bytes in MiB).
        var divisor: Double = 1
        /// Printed after a bar's value (` MiB`).
        var labelUnit = ""

        var value: @Sendable (RunRow) -> Double? { Metric.standard(named: metric)!.value }
    }

    static let time = Spec(metric: "ns_per_op", fileSuffix: "ns-per-op", title: "time per operation",
                           axisTitle: "ns/op", reading: "Shorter is faster.")
    static let instructions = Spec(metric: "instructions_per_op", fileSuffix: "instructions-per-op",
                                   title: "instructions per operation",
                                   axisTitle: "instructions/op (callgrind, while the timer ran)",
                                   reading: "Counted, not timed: the same in every process, so small differences are real. Shorter executes less.")
    static let bytes = Spec(metric: "bytes_per_op", fileSuffix: "bytes-per-op", title: "bytes allocated per operation",
                            axisTitle: "B/op (bytes requested from malloc while the timer ran)",
                            reading: "Bytes the workload asked the allocator for, per op; the same on every allocator unless it allocates differently.")
    static let allocations = Spec(metric: "allocs_per_op", fileSuffix: "allocs-per-op", title: "allocations per operation",
                                  axisTitle: "allocs/op (malloc-family calls while the timer ran)",
                                  reading: "Calls into the allocator per op.")
    static let peakRSS = Spec(metric: "peak_rss_bytes", fileSuffix: "peak-rss", title: "peak resident memory",
                              axisTitle: "peak RSS of the worker process (MiB)",
                              reading: "The worker's high-water mark of resident memory while the measured run ran. Shorter uses less memory.",
                              divisor: 1024 * 1024, labelUnit: " MiB")

    /// The chart for `spec` over `suite`; nil when no cell has a non-zero value (a suite that
    /// never allocates gets no B/op chart).
    static func chart(_ spec: Spec, suite: String, context: ChartContext) -> Chart? {
        let series = context.series(in: suite)
        var categories: [BarChart.Category] = []
        var anyInterval = false, anyUnstable = false, repetitions: Set<Int> = []
        for (label, cells) in context.categories(of: suite) {
            var category = BarChart.Category(label: label, bars: [])
            for group in cells {
                let index = series.firstIndex { $0.name == group.cell.allocator }!
                guard let row = context.summary[group.cell]?[spec.metric] else {
                    category.missing.append((index, ChartContext.missingReason(group)))
                    continue
                }
                let points = group.runs.compactMap { run in spec.value(run).map { (run.rep, $0 / spec.divisor) } }
                let interval = row.interval.map { ($0.lower / spec.divisor, $0.upper / spec.divisor) }
                anyInterval = anyInterval || interval != nil
                anyUnstable = anyUnstable || row.unstable
                repetitions.insert(row.n)
                category.bars.append(BarChart.Bar(series: index, value: row.median / spec.divisor, interval: interval,
                                                  points: points, note: row.unstable ? "unstable" : nil))
            }
            categories.append(category)
        }
        guard categories.contains(where: { $0.bars.contains { $0.value > 0 } }) else { return nil }

        var legend = series.map { ChartFrame.LegendEntry(mark: .swatch($0.colour), name: $0.name) }
        legend.append(.init(mark: .dot, name: "one repetition"))
        if anyInterval { legend.append(.init(mark: .whisker, name: "95% CI of the median")) }
        let counts = repetitions.sorted().map(String.init).joined(separator: " or ")
        var subtitle: String
        if Metric.standard(named: spec.metric)?.isExact == true {
            // A count needs no interval: every process gives the same one.
            subtitle = "Bars: one count per cell (its first repetition). "
        } else {
            subtitle = "Bars: median of \(counts) repetition\(counts == "1" ? "" : "s") per cell, each in a fresh process. "
            subtitle += anyInterval ? "Whiskers: 95% confidence interval of the median. " : "No interval with fewer than 6 repetitions. "
        }
        subtitle += spec.reading
        if anyUnstable { subtitle += " unstable: repetitions split into modes more than \(NumberFormat.compact(Summary.unstableSpread))x apart." }
        let title = "\(suite): \(spec.title)"
        let chart = BarChart(frame: ChartFrame(title: title, subtitle: subtitle, legend: legend, footer: context.footer,
                                               width: ChartContext.width),
                             series: series, categories: categories, axisTitle: spec.axisTitle,
                             format: { NumberFormat.goStyle($0) + spec.labelUnit })
        return Chart(fileName: ChartContext.fileName([suite, spec.fileSuffix]), title: title, svg: chart.render())
    }
}
