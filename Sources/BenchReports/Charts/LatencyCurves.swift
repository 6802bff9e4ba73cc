import BenchKit
import BenchResults
import Foundation

/// How long single malloc-family calls took (`--latency`): per workload (and thread count and
/// host) a panel for allocating calls and one for freeing calls, the latency at each percentile
/// as HdrHistogram plots it, on a "nines" axis (90%, 99%, 99.9%, ...), one line per allocator with
/// its repetitions' histograms merged. Where lines part at the right is the tail a median hides.
enum LatencyCurves {
    static func charts(context: ChartContext) -> [Chart] {
        let histograms = Dictionary(context.data.latencyHistograms.map { ($0.cell, $0.text) }) { first, _ in first }
        guard !histograms.isEmpty else { return [] }
        var order: [CellGroupKey] = []
        var merged: [CellGroupKey: [(allocator: String, latency: AllocationLatency)]] = [:]
        for group in CellGroup.inReportOrder(context.data.runs) {
            let latencies = group.runs.compactMap { run in
                histograms[LatencyFile.baseName(run.cell, rep: run.rep)].flatMap { try? LatencyFile.parse($0) }
            }
            guard let first = latencies.first else { continue }
            let combined = latencies.dropFirst().reduce(first) { $0.merged(with: $1) }
            let key = CellGroupKey(suite: group.cell.suite, workload: group.cell.workload, threads: group.cell.threads,
                                   host: group.cell.host)
            if merged[key] == nil { order.append(key) }
            merged[key, default: []].append((group.cell.allocator, combined))
        }
        let showThreads = Set(order.map(\.threads)).count > 1
        return order.map { key in
            var name = [key.suite, key.workload]
            if showThreads { name.append("\(key.threads)-threads") }
            if context.showHost { name.append(key.host) }
            return chart(name: name, latencies: merged[key]!, context: context)
        }
    }

    private struct CellGroupKey: Hashable { let suite, workload: String; let threads: Int; let host: String }

    static func chart(name: [String], latencies: [(allocator: String, latency: AllocationLatency)], context: ChartContext) -> Chart {
        let title = name.joined(separator: "/") + ": latency of single calls"
        func panel(_ title: String, _ histogram: (AllocationLatency) -> LatencyHistogram) -> LineChart.Panel {
            let series = latencies.map { allocator, latency in
                LineChart.Series(name: allocator, colour: context.colour(of: allocator), dash: context.dash(of: allocator),
                                 points: points(histogram(latency)), markers: false)
            }
            return LineChart.Panel(title: title, series: series.filter { !$0.points.isEmpty })
        }
        let panels = [panel("malloc, calloc, realloc, aligned (allocating calls)", \.alloc),
                      panel("free (freeing calls)", \.free)].filter { !$0.series.isEmpty }
        let legend = latencies.map { ChartFrame.LegendEntry(mark: .line(context.colour(of: $0.allocator), dash: context.dash(of: $0.allocator)),
                                                            name: $0.allocator) }
        let empty = latencies.map(\.latency.emptyRegionNs).max() ?? 0
        let subtitle = "Each malloc-family call timed with the CPU's cycle counter in a pass of its own (the timed pass is "
            + "untouched), repetitions merged; values include the clock's own \(NumberFormat.goStyle(empty)) ns (an empty timed region)."
        let nines = panels.flatMap(\.series).flatMap(\.points).map(\.x)
        let chart = LineChart(
            frame: ChartFrame(title: title, subtitle: subtitle, legend: legend, footer: context.footer, width: ChartContext.width),
            panels: panels, xTitle: "percentile of calls", yTitle: "ns",
            xScale: Scale.integers(covering: [0] + nines.map { Int($0.rounded(.up)) }), xFormat: percentileLabel,
            sharedYAxis: false)
        return Chart(fileName: ChartContext.fileName(name + ["latency"]), title: title, svg: chart.render())
    }

    /// The curve's points: the latency at 1 - 10^(-k/8) for k = 0, 1, ... while more than one call
    /// lies above it, then the longest call at the last call's "nines" (log10 of the count).
    static func points(_ histogram: LatencyHistogram) -> [LineChart.Point] {
        let count = Double(histogram.count)
        guard count > 0 else { return [] }
        var points: [LineChart.Point] = []
        var k = 0.0
        while pow(10, -k / 8) * count > 1, let value = histogram.value(atQuantile: 1 - pow(10, -k / 8)) {
            points.append(LineChart.Point(x: k / 8, y: value))
            k += 1
        }
        points.append(LineChart.Point(x: log10(count), y: histogram.maxNs))
        return points
    }

    /// `0%`, `90%`, `99%`, `99.9%` for 0, 1, 2, 3 "nines", up to `99.999%`; from 6 nines on
    /// `1−10⁻⁶`, which stays short enough to fit at the axis's end.
    static func percentileLabel(_ nines: Double) -> String {
        guard nines > 0 else { return "0%" }
        let whole = Int(nines.rounded())
        if whole >= 6, abs(nines - Double(whole)) < 1e-9 {
            let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
            return "1−10⁻" + String(String(whole).map { superscripts[Int(String($0))!] })
        }
        return String(format: "%.\(max(0, whole - 2))f%%", 100 * (1 - pow(10, -nines)))
    }
}
