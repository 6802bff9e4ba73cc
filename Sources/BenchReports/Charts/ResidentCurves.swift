import BenchKit
import BenchResults
/// A program's resident memory over time (`memstats.csv`'s `rss_bytes`, sampled every 100 ms
/// while a program cell runs): one line per allocator in one panel, so that which allocator holds
/// more memory, and when, reads at a glance. With several repetitions each line is the median at
/// each sample time.
enum ResidentCurves {
    /// A series needs this many samples to be a curve.
    static let minimumSamples = 3

    /// A chart per program (and thread count and host) whose RSS was sampled.
    static func charts(context: ChartContext) -> [Chart] {
        let groups = context.sampleGroups(minimumTicks: minimumSamples) { $0.residentBytes != nil && $0.elapsedSeconds != nil }
        return groups.map { group -> Chart in
            let title = group.name.joined(separator: "/") + ": resident memory over time"
            return chart(title: title, fileName: group.name + ["rss"], rows: group.rows, context: context)
        }
    }

    static func chart(title: String, fileName: [String], rows: [MemStatsRow], context: ChartContext) -> Chart {
        let mebibyte = 1024.0 * 1024
        var repetitions: Set<Int> = []
        let series = AllocatorOrder.sorted(rows.map(\.allocator)).map { allocator -> LineChart.Series in
            let own = rows.filter { $0.allocator == allocator }
            repetitions.insert(Set(own.map(\.rep)).count)
            let byTime = Dictionary(grouping: own) { $0.elapsedSeconds! }
            let points = byTime.keys.sorted().compactMap { time in
                Statistics.median(byTime[time]!.compactMap { $0.residentBytes.map { Double($0) } })
                    .map { LineChart.Point(x: time, y: $0 / mebibyte) }
            }
            return LineChart.Series(name: allocator, colour: context.colour(of: allocator), dash: context.dash(of: allocator),
                                    points: points, markers: false)
        }
        let legend = series.map { ChartFrame.LegendEntry(mark: .line($0.colour, dash: $0.dash), name: $0.name) }
        let counts = repetitions.sorted().map(String.init).joined(separator: " or ")
        let subtitle = "The resident memory of the program's processes, sampled every 100 ms, median of \(counts) "
            + "repetition\(counts == "1" ? "" : "s"). A line ends when that allocator's run ended."
        let chart = LineChart(
            frame: ChartFrame(title: title, subtitle: subtitle, legend: legend, footer: context.footer, width: ChartContext.width),
            panels: [LineChart.Panel(title: "", series: series)], xTitle: "seconds", yTitle: "MiB",
            xScale: Scale.linear(covering: [0] + rows.compactMap(\.elapsedSeconds)),
            xFormat: NumberFormat.compact, yLogAllowed: false)
        return Chart(fileName: ChartContext.fileName(fileName), title: title, svg: chart.render())
    }
}
