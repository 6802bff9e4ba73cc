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
        struct Key: Hashable { let suite, workload: String; let threads: Int; let host: String }
        var order: [Key] = []
        var rows: [Key: [MemStatsRow]] = [:]
        for row in context.data.memStats where row.residentBytes != nil && row.elapsedSeconds != nil {
            let key = Key(suite: row.suite, workload: row.workload, threads: row.threads, host: row.host)
            if rows[key] == nil { order.append(key) }
            rows[key, default: []].append(row)
        }
        let showThreads = Set(order.map(\.threads)).count > 1
        return order.filter { Set(rows[$0]!.map(\.tick)).count >= minimumSamples }.map { key in
            var name = [key.suite, key.workload]
            if showThreads { name.append("\(key.threads)-threads") }
            if context.showHost { name.append(key.host) }
            return chart(title: name.joined(separator: "/") + ": resident memory over time", fileName: name + ["rss"],
                         rows: rows[key]!, context: context)
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
