import BenchKit
import BenchResults
/// What memory does over a workload's ticks, for every allocator, where the workload says how many
/// bytes it holds (`memstats.csv`'s `live_bytes`, the Fragmentation suite): the process's resident
/// memory beside those live bytes, and resident over live, the Mesh paper's measure of memory the
/// allocator holds that the program no longer uses. One line per allocator, the median of its
/// repetitions at each tick.
enum ResidentPerLiveCurves {
    static func charts(context: ChartContext) -> [Chart] {
        context.sampleGroups(minimumTicks: ResidentCurves.minimumSamples) { $0.liveBytes != nil && $0.residentBytes != nil }
            .map { group in chart(name: group.name, rows: group.rows, context: context) }
    }

    static func chart(name: [String], rows: [MemStatsRow], context: ChartContext) -> Chart {
        let title = name.joined(separator: "/") + ": resident memory over live bytes"
        let mebibyte = 1024.0 * 1024
        let allocators = AllocatorOrder.sorted(rows.map(\.allocator))
        /// The median over repetitions at each tick of `value`, for the rows `include` keeps.
        func curve(_ own: [MemStatsRow], _ value: (MemStatsRow) -> Double?) -> [LineChart.Point] {
            let byTick = Dictionary(grouping: own, by: \.tick)
            return byTick.keys.sorted().compactMap { tick in
                Statistics.median(byTick[tick]!.compactMap(value)).map { LineChart.Point(x: Double(tick), y: $0) }
            }
        }
        func series(_ value: @escaping (MemStatsRow) -> Double?) -> [LineChart.Series] {
            allocators.map { allocator in
                LineChart.Series(name: allocator, colour: context.colour(of: allocator), dash: context.dash(of: allocator),
                                 points: curve(rows.filter { $0.allocator == allocator }, value), markers: false)
            }
        }
        // The workload's own count is the same under every allocator (fixed seeds); the first's is drawn.
        let live = LineChart.Series(name: "live bytes", colour: Palette.ink, dash: "2 3",
                                    points: curve(rows.filter { $0.allocator == allocators[0] }) { $0.liveBytes.map { Double($0) / mebibyte } },
                                    markers: false)
        let resident = series { $0.residentBytes.map { Double($0) / mebibyte } } + [live]
        let ratio = series { row in
            guard let rss = row.residentBytes, let held = row.liveBytes, held > 0 else { return nil }
            return Double(rss) / Double(held)
        }
        let legend = (resident).map { ChartFrame.LegendEntry(mark: .line($0.colour, dash: $0.dash), name: $0.name) }
        let subtitle = "The worker's resident memory (its own ~30 MiB included) after each tick, beside the bytes the "
            + "workload holds; below, the one over the other. Median of the repetitions at each tick."
        let chart = LineChart(
            frame: ChartFrame(title: title, subtitle: subtitle, legend: legend, footer: context.footer, width: ChartContext.width),
            panels: [LineChart.Panel(title: "resident and live, MiB", series: resident),
                     LineChart.Panel(title: "resident / live", series: ratio)],
            xTitle: "tick", yTitle: "", xScale: Scale.integers(covering: rows.map(\.tick)), xFormat: NumberFormat.compact,
            yLogAllowed: false, sharedYAxis: false)
        return Chart(fileName: ChartContext.fileName(name + ["resident-per-live"]), title: title, svg: chart.render())
    }
}
