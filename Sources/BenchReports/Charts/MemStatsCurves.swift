import BenchKit
import BenchResults
/// The heap over time for a time-series workload (`memstats.csv`, e.g. Sawtooth): HeapAlloc,
/// HeapInuse, HeapSys and HeapReleased at every tick (and StackInuse where it moves, and the
/// process's RSS where it was read, for every allocator), one panel
/// per allocator, each on its own scale (allocators' heaps differ tenfold), with the ticks where
/// a garbage collection ran (NumGC moved) marked. Workloads with two samples (a before and an
/// after) get no curve: their changes are in memstats-changes.md and the Δ metrics.
///
/// With several repetitions each curve is the median at each tick, which keeps a sawtooth's teeth
/// (every repetition has them at the same ticks) and drops one process's outlier.
enum MemStatsCurves {
    static let fields: [MemStatsField] = [.heapAlloc, .heapInuse, .heapSys, .heapReleased]
    /// Drawn too when they move: a workload that grows its threads' stacks.
    static let fieldsWhenMoving: [MemStatsField] = [.stackInuse]
    /// A series needs this many ticks to be a curve.
    static let minimumTicks = 3

    /// A chart per workload (and thread count and host) that has MemStats samples (a program
    /// cell's samples hold its RSS alone: ResidentCurves draws them).
    static func charts(context: ChartContext) -> [Chart] {
        let groups = context.sampleGroups(minimumTicks: minimumTicks) { $0.elapsedSeconds == nil }
        return groups.map { group -> Chart in
            let title = group.name.joined(separator: "/") + ": heap over time"
            return chart(title: title, fileName: group.name + ["memstats"], rows: group.rows, context: context)
        }
    }

    /// One line of a panel: a MemStats field, or the process's resident memory beside it.
    enum Curve: Equatable {
        case field(MemStatsField)
        case resident

        var name: String {
            switch self {
            case .field(let field): field.rawValue
            case .resident: "RSS"
            }
        }

        func value(_ row: MemStatsRow) -> Double? {
            switch self {
            case .field(let field): row.memStats[field]
            case .resident: row.residentBytes.map { Double($0) }
            }
        }
    }

    static func chart(title: String, fileName: [String], rows: [MemStatsRow], context: ChartContext) -> Chart {
        let moving = fieldsWhenMoving.filter { field in Set(rows.compactMap { $0.memStats[field] }).count > 1 }
        let curves = (Self.fields + moving).map(Curve.field) + (rows.contains { $0.residentBytes != nil } ? [.resident] : [])
        let largest = rows.flatMap { row in curves.compactMap { $0.value(row) } }.max() ?? 0
        let (unit, divisor) = largest >= 1024 * 1024 ? ("MiB", 1024.0 * 1024) : largest >= 1024 ? ("KiB", 1024.0) : ("B", 1.0)
        let ticks = Set(rows.map(\.tick)).sorted()
        var repetitions: Set<Int> = []
        let panels = AllocatorOrder.sorted(rows.map(\.allocator)).map { allocator -> LineChart.Panel in
            let own = rows.filter { $0.allocator == allocator }
            repetitions.insert(Set(own.map(\.rep)).count)
            let byTick = Dictionary(grouping: own, by: \.tick)
            func medians(_ curve: Curve) -> [(tick: Int, value: Double)] {
                ticks.compactMap { tick in Statistics.median((byTick[tick] ?? []).compactMap(curve.value)).map { (tick, $0) } }
            }
            var series: [LineChart.Series] = []
            var missing: [String] = []
            for (index, curve) in curves.enumerated() {
                let points = medians(curve)
                if points.isEmpty { missing.append(curve.name); continue }
                series.append(LineChart.Series(
                    name: curve.name, colour: Palette.colour(index), dash: Palette.dash(index),
                    points: points.map { LineChart.Point(x: Double($0.tick), y: $0.value / divisor) }, markers: false))
            }
            let collections = medians(.field(.numGC))
            let marks = zip(collections, collections.dropFirst()).filter { $1.value > $0.value }.map { (Double($1.tick), "GC") }
            return LineChart.Panel(title: allocator, series: series, marks: marks,
                                   note: missing.isEmpty ? "" : "not reported by \(allocator): " + missing.joined(separator: ", "))
        }
        let legend = curves.enumerated().map { ChartFrame.LegendEntry(mark: .line(Palette.colour($0), dash: Palette.dash($0)), name: $1.name) }
            + [.init(mark: .rule(dash: "3 3"), name: "a GC ran (NumGC moved)")]
        let counts = repetitions.sorted().map(String.init).joined(separator: " or ")
        let subtitle = "Go's MemStats at each tick, median of \(counts) repetition\(counts == "1" ? "" : "s"): HeapAlloc (live objects) "
            + "under HeapInuse (spans in use) under HeapSys (heap memory from the OS); HeapReleased is the part of HeapSys given back"
            + (curves.contains(.resident) ? "; RSS is the whole process's resident memory." : ".")
        let chart = LineChart(
            frame: ChartFrame(title: title, subtitle: subtitle, legend: legend, footer: context.footer, width: ChartContext.width),
            panels: panels, xTitle: "tick", yTitle: unit, xScale: Scale.integers(covering: ticks),
            xFormat: NumberFormat.compact, yLogAllowed: false, sharedYAxis: false)
        return Chart(fileName: ChartContext.fileName(fileName), title: title, svg: chart.render())
    }
}
