import BenchKit
import BenchResults
/// ns/op over thread counts for a parallel workload run with `--threads` of several counts: a
/// line per allocator through the medians, whiskers for their 95% intervals, dots for the
/// repetitions. Parallel ns/op is wall time over all threads' ops, so a line that falls as
/// threads are added is an allocator that scales.
enum ThreadScaling {
    /// A chart per workload (and host) of `suite` measured at two or more thread counts.
    static func charts(suite: String, context: ChartContext) -> [Chart] {
        let measured = context.data.runs.filter { $0.suite == suite && $0.status == .ok }
        var charts: [Chart] = []
        for workload in unique(measured.map(\.workload)) {
            for host in unique(measured.map(\.host)) {
                let runs = measured.filter { $0.workload == workload && $0.host == host }
                let threads = Set(runs.map(\.threads)).sorted()
                guard threads.count > 1 else { continue }
                charts.append(chart(suite: suite, workload: workload, host: host, runs: runs,
                                    threads: threads, context: context))
            }
        }
        return charts
    }

    static func chart(suite: String, workload: String, host: String, runs: [RunRow], threads: [Int],
                      context: ChartContext) -> Chart {
        var anyInterval = false
        let present = context.allocators.filter { allocator in runs.contains { $0.allocator == allocator } }
        let series = present.enumerated().compactMap { index, allocator -> LineChart.Series? in
            let points = threads.compactMap { count -> LineChart.Point? in
                let cell = CellKey(suite: suite, workload: workload, allocator: allocator, threads: count, host: host)
                guard let row = context.summary[cell]?["ns_per_op"] else { return nil }
                let interval = row.interval
                anyInterval = anyInterval || interval != nil
                let spread = runs.filter { $0.allocator == allocator && $0.threads == count }.compactMap(\.nsPerOp)
                return LineChart.Point(x: Double(count), y: row.median, interval: interval, spread: spread)
            }
            guard !points.isEmpty else { return nil }
            // Side by side at each thread count, so that the whiskers and dots do not hide each other.
            return LineChart.Series(name: allocator, colour: context.colour(of: allocator), dash: context.dash(of: allocator),
                                    points: points, markers: true, offset: (Double(index) - Double(present.count - 1) / 2) * 9)
        }
        let legend = series.map { ChartFrame.LegendEntry(mark: .line($0.colour, dash: $0.dash), name: $0.name) }
            + [.init(mark: .dot, name: "one repetition")] + (anyInterval ? [.init(mark: .whisker, name: "95% CI of the median")] : [])
        let title = "\(suite)/\(workload): ns/op by thread count" + (context.showHost ? " on \(host)" : "")
        let subtitle = "Median ns/op at each thread count (wall time divided by the ops of all threads): "
            + "a falling line scales with threads, a flat one does not, a rising one contends. "
            + (anyInterval ? "Whiskers: 95% confidence interval of the median; dots: repetitions." : "Dots: repetitions.")
        let values = threads.map(Double.init)
        let x = (threads.last! / threads.first! >= 4 ? Scale.log(covering: values, base: 2) : Scale.linear(covering: values))
            .ticking(at: values).padded(by: 0.08)
        let chart = LineChart(
            frame: ChartFrame(title: title, subtitle: subtitle, legend: legend, footer: context.footer, width: ChartContext.width),
            panels: [LineChart.Panel(title: "", series: series)], xTitle: "threads" + (x.isLog ? " (log scale)" : ""),
            yTitle: "ns/op", xScale: x, xFormat: { String(Int($0)) })
        let name = [suite, workload, "threads"] + (context.showHost ? [host] : [])
        return Chart(fileName: ChartContext.fileName(name), title: title, svg: chart.render())
    }
}
