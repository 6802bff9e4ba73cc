import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchReports

/// What an SVG holds, read back with Foundation's XML parser: proof that it is well-formed XML,
/// and the names a reader sees (series, categories, panels, every text).
final class SVGContent: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var series: [String] = []
    var categories: [String] = []
    var panels: [String] = []
    var texts: [String] = []
    private var text = ""

    /// Nil when the file is not well-formed XML.
    static func parse(_ svg: String) -> SVGContent? {
        let content = SVGContent()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = content
        return parser.parse() ? content : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        elements[name, default: 0] += 1
        if let name = attributes["data-series"] { series.append(name) }
        if let name = attributes["data-category"] { categories.append(name) }
        if let name = attributes["data-panel"] { panels.append(name) }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text) }
        text = ""
    }
}

@Suite struct ChartTests {
    /// Two workloads on three allocators; `go` failed on one of them; an empty loop at 10⁻⁸ ns
    /// beside a 40 ns allocation; a parallel workload at 1, 2 and 4 threads.
    static let runs: [RunRow] = {
        var runs = SampleRuns.cell("Alloc", "system", [40, 41, 39, 42, 40.5, 39.5])
            + SampleRuns.cell("Alloc", "jemalloc", [30, 31, 29, 30.5, 60, 61])
            + [SampleRuns.row("Alloc", "go", ns: nil, status: .crashed, error: "signal 11")]
            + SampleRuns.cell("Empty", "system", [2e-8, 3e-8, 2.5e-8])
            + SampleRuns.cell("Empty", "jemalloc", [2e-8, 2.2e-8, 2.4e-8])
            + SampleRuns.cell("Empty", "go", [2.1e-8, 2.3e-8, 2.2e-8])
        for threads in [1, 2, 4] {
            for (allocator, base) in [("system", 100.0), ("jemalloc", 90.0)] {
                runs += SampleRuns.cell("Shared", allocator, [base / Double(threads), base / Double(threads) * 1.05],
                                        threads: threads, suite: "Par")
            }
        }
        return runs
    }()

    /// Sawtooth-like samples: the heap grows for 5 ticks and drops, a GC at ticks 5 and 10.
    static let memStats: [MemStatsRow] = ["system", "go"].flatMap { allocator in
        (0..<12).map { tick in
            var snapshot = MemStatsSnapshot()
            snapshot[.heapAlloc] = Double(tick % 5 + 1) * 1024 * 1024
            snapshot[.heapInuse] = Double(tick % 5 + 2) * 1024 * 1024
            snapshot[.heapSys] = 8 * 1024 * 1024
            if allocator == "go" {
                snapshot[.heapReleased] = 1024 * 1024
                snapshot[.numGC] = Double(tick / 5)
            }
            return MemStatsRow(cell: CellKey(suite: "Sawtooth", workload: "Teeth", allocator: allocator, threads: 1, host: "h"),
                               runID: "r", rep: 1, tick: tick, memStats: snapshot)
        }
    }

    static func charts() throws -> [Chart] {
        let data = try RunData.load([SampleRuns.folder(runs, memStats: memStats, name: "charts")])
        return Chart.all(data: data, summary: Summary.rows(data.runs), baseline: "system")
    }

    func content(_ charts: [Chart], _ name: String) throws -> SVGContent {
        let chart = try #require(charts.first { $0.fileName == name }, "\(name) among \(charts.map(\.fileName))")
        return try #require(SVGContent.parse(chart.svg), "\(name) parses as XML")
    }

    @Test func everyChartIsWellFormedXMLWithTitleAxesLegendAndFooter() throws {
        let charts = try Self.charts()
        #expect(charts.map(\.fileName) == [
            "s-ns-per-op.svg", "s-ratio-to-system.svg", "s-bytes-per-op.svg", "s-allocs-per-op.svg", "s-peak-rss.svg",
            "par-ns-per-op.svg", "par-ratio-to-system.svg", "par-bytes-per-op.svg", "par-allocs-per-op.svg",
            "par-peak-rss.svg", "par-shared-threads.svg", "sawtooth-teeth-memstats.svg",
        ])
        for chart in charts {
            let svg = try content(charts, chart.fileName)
            #expect(svg.texts.contains(chart.title), "\(chart.fileName) has its title")
            #expect(svg.texts.contains { $0.hasPrefix("h · 2026-11-23") }, "\(chart.fileName) names the machine and date")
            #expect((svg.elements["line"] ?? 0) > 3, "\(chart.fileName) has axes")
        }
    }

    @Test func timeBarsShowEverySeriesRepetitionAndWhyABarIsMissing() throws {
        let svg = try content(Self.charts(), "s-ns-per-op.svg")
        #expect(Set(svg.series) == ["system", "jemalloc", "go"])
        #expect(svg.categories == ["Alloc", "Empty"])
        for name in ["system", "jemalloc", "go", "one repetition", "95% CI of the median"] {
            #expect(svg.texts.contains(name), "legend: \(name)")
        }
        #expect(svg.texts.contains("go: failed"))
        // 10⁻⁸ ns beside 40 ns: a linear axis would flatten the empty loop.
        #expect(svg.texts.contains("ns/op (log scale)"))
        // One dot (with its tooltip) per repetition, plus the legend's dot.
        #expect(svg.elements["circle"] == 6 + 6 + 3 + 3 + 3 + 1)
        // jemalloc's repetitions split 30 / 60: marked on its label.
        #expect(svg.texts.contains("30.75  unstable"))
    }

    @Test func ratioBarsAreRelativeToTheBaseline() throws {
        let svg = try content(Self.charts(), "s-ratio-to-system.svg")
        #expect(Set(svg.series) == ["jemalloc", "go"])
        #expect(svg.texts.contains("system = 1"))
        #expect(svg.texts.contains("ns/op ÷ system's ns/op"))
        #expect(svg.texts.contains("go: failed"))
    }

    @Test func threadScalingHasALinePerAllocatorOverTheThreadCounts() throws {
        let svg = try content(Self.charts(), "par-shared-threads.svg")
        #expect(svg.series == ["system", "jemalloc"])
        #expect(svg.elements["polyline"] == 2)
        for label in ["1", "2", "4", "threads (log scale)", "ns/op"] { #expect(svg.texts.contains(label), "\(label)") }
    }

    @Test func memStatsCurvesHaveAPanelPerAllocatorAndMarkCollections() throws {
        let svg = try content(Self.charts(), "sawtooth-teeth-memstats.svg")
        #expect(svg.panels == ["system", "go"])
        #expect(svg.series == ["HeapAlloc", "HeapInuse", "HeapSys", "HeapAlloc", "HeapInuse", "HeapSys", "HeapReleased"])
        #expect(svg.texts.filter { $0 == "GC" }.count == 2) // NumGC moved at ticks 5 and 10, on go only
        #expect(svg.texts.contains("not reported by system: HeapReleased"))
        #expect(svg.texts.contains("MiB"))
        #expect(svg.texts.contains("tick"))
    }

    /// A program's RSS samples: one line per allocator over seconds, and no heap chart (their
    /// MemStats fields are empty).
    @Test func residentCurvesHaveALinePerAllocatorOverSeconds() throws {
        let samples: [MemStatsRow] = ["system", "tbb"].flatMap { allocator in
            (0..<10).map { tick in
                var row = MemStatsRow(cell: CellKey(suite: "Programs", workload: "Lua", allocator: allocator, threads: 1, host: "h"),
                                      runID: "r", rep: 1, tick: tick, memStats: MemStatsSnapshot())
                row.residentBytes = UInt64(tick + 1) * 1024 * 1024 * (allocator == "tbb" ? 2 : 1)
                row.elapsedSeconds = Double(tick + 1) / 10
                return row
            }
        }
        let data = try RunData.load([SampleRuns.folder(Self.runs, memStats: samples, name: "rss")])
        let charts = Chart.all(data: data, summary: Summary.rows(data.runs), baseline: "system")
        #expect(!charts.contains { $0.fileName.hasSuffix("-memstats.svg") })
        let svg = try content(charts, "programs-lua-rss.svg")
        #expect(svg.series == ["system", "tbb"])
        #expect(svg.texts.contains("seconds") && svg.texts.contains("MiB"))
        #expect(svg.texts.contains("20")) // tbb's last sample, 20 MiB, sets the axis
    }

    /// Samples that carry the process's RSS draw it as one more line of each panel.
    @Test func memStatsCurvesDrawTheResidentMemoryWhereItWasRead() throws {
        let samples = Self.memStats.map { row -> MemStatsRow in
            var row = row
            row.residentBytes = 16 * 1024 * 1024 + UInt64(row.tick) * 4096
            return row
        }
        let data = try RunData.load([SampleRuns.folder(Self.runs, memStats: samples, name: "rss-ticks")])
        let charts = Chart.all(data: data, summary: Summary.rows(data.runs), baseline: "system")
        let svg = try content(charts, "sawtooth-teeth-memstats.svg")
        #expect(svg.series == ["HeapAlloc", "HeapInuse", "HeapSys", "RSS", "HeapAlloc", "HeapInuse", "HeapSys", "HeapReleased", "RSS"])
        #expect(!charts.contains { $0.fileName == "sawtooth-teeth-rss.svg" }, "tick samples are no program's time series")
    }

    @Test func identicalInputsGiveByteIdenticalCharts() throws {
        #expect(try Self.charts() == Self.charts())
    }

    @Test func labelsAreEscaped() throws {
        let runs = SampleRuns.cell("A<B>&\"C\"", "system", [1, 2])
        let data = try RunData.load([SampleRuns.folder(runs, name: "escape")])
        for chart in Chart.all(data: data, summary: Summary.rows(data.runs), baseline: "system") {
            let svg = try #require(SVGContent.parse(chart.svg))
            #expect(svg.categories.contains("A<B>&\"C\""))
        }
    }

    @Test func scalesChooseRoundTicksAndLogOnlyForDecades() {
        let linear = Scale.automatic(covering: [5, 47], origin: 0) // under 10x
        #expect(!linear.isLog)
        #expect(linear.ticks == [0, 10, 20, 30, 40, 50])
        let log = Scale.automatic(covering: [2e-8, 40], origin: 0)
        #expect(log.isLog)
        #expect(log.ticks.first == 1e-8 && log.ticks.last == 100)
        #expect(NumberFormat.compact(1e-8) == "1e-8")
        #expect(NumberFormat.compact(0.25) == "0.25")
    }
}

/// The latency chart: its axis of "nines" and the points of a curve.
@Suite struct LatencyCurvesTests {
    @Test func theNinesAxisReadsAsPercentiles() {
        #expect([0, 1, 2, 3, 5].map(LatencyCurves.percentileLabel) == ["0%", "90%", "99%", "99.9%", "99.999%"])
        #expect(LatencyCurves.percentileLabel(8) == "1−10⁻⁸")
        #expect(LatencyCurves.percentileLabel(12) == "1−10⁻¹²")
    }

    /// 1,000 calls of 1..1000 ns: points every 1/8 of a nine while a call lies above, then the longest.
    @Test func aCurveRisesToTheLongestCall() {
        let histogram = LatencyHistogram(buckets: (1...1000).map { .init(lowNs: Double($0), highNs: Double($0), count: 1) }, maxNs: 1000)
        let points = LatencyCurves.points(histogram)
        #expect(points.first?.x == 0 && points.first?.y == 1)
        #expect(points.last?.x == 3 && points.last?.y == 1000)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.x < $1.x && $0.y <= $1.y })
        #expect(points.contains { abs($0.x - 2) < 1e-9 && $0.y == 990 }, "p99 is the 990th call")
        #expect(LatencyCurves.points(LatencyHistogram()).isEmpty)
    }
}
