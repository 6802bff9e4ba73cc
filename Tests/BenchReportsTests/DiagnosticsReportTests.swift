import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import BenchKit
@testable import BenchReports
import BenchResults

/// The report's pictures and tables of `--trace` and `--memprofile`, from files written by hand.
@Suite struct DiagnosticsReportTests {
    static let start: UInt64 = 5_000_000_000
    static func cycle(_ number: UInt32, at ms: UInt64, pause: UInt64) -> RuntimeTrace.Event {
        let begin = start + ms * 1_000_000
        return .init(kind: .gc, number: number, startNs: begin, endNs: begin + pause + 1_000,
                     phaseStartNs: (0..<7).map { begin + UInt64($0) * pause / 6 }, pauseNs: pause,
                     heapBefore: 4 << 20, heapAfter: 256 << 10, goal: 4 << 20)
    }
    static let trace = RuntimeTrace(
        runStartNs: start, runEndNs: start + 100_000_000, n: 60,
        events: [cycle(1, at: 10, pause: 30_000), cycle(2, at: 40, pause: 20_000), cycle(3, at: 70, pause: 50_000),
                 .init(kind: .scavenge, startNs: start + 80_000_000, endNs: start + 80_100_000, bytes: 2 << 20)],
        dropped: 0)

    @Test func theSummaryAddsUpThePauses() {
        let summary = RuntimeTraceSummary(Self.trace)
        #expect(summary.collections == 3)
        #expect(summary.stopTheWorldNs == 100_000)
        #expect(summary.longestPauseNs == 50_000)
        #expect(summary.medianPauseNs == 30_000)
        #expect(summary.stopTheWorldPercent == 0.1)
        #expect(summary.sentence.hasPrefix("3 collections, the world stopped 0.1000 ms (0.10% of the run; longest pause 50.00 µs)"))
    }

    @Test func theTimelineDrawsAStoppedSpanPerCollection() throws {
        let chart = Timeline.chart(cell: "Sawtooth-QuarterMiBPerTick-go-gc-t1", trace: Self.trace, byline: "vm")
        #expect(chart.fileName == "timeline-Sawtooth-QuarterMiBPerTick-go-gc-t1.svg")
        // A span per collection in the collector's lane, and the legend's swatch.
        #expect(chart.svg.components(separatedBy: "<g class=\"collector\">").count - 1 == 3)
        #expect(chart.svg.components(separatedBy: "fill=\"\(Timeline.stopped)\"").count - 1 == 3 + 1)
        #expect(chart.svg.contains("GC 3: paused 50.00 µs"))
        #expect(chart.svg.contains("scavenger released 2.000 MiB"))
        _ = try XMLDocument(xmlString: chart.svg)
    }

    @Test func theTablesListTracesAndSites() throws {
        let cell = CellKey(suite: "Sawtooth", workload: "QuarterMiBPerTick", allocator: "go-gc", threads: 1, host: "vm")
        let traces = try #require(RuntimeTraceTable.table([(cell.fileName, try RuntimeTraceFile.json(Self.trace, cell: cell))]))
        #expect(traces.rows == [["Sawtooth-QuarterMiBPerTick-go-gc-t1", "3", "0.1000 ms", "0.10%", "30.00 µs", "50.00 µs",
                                 "1 (2.000 MiB)", "0 (0 B)", "100.0 ms", "traces/Sawtooth-QuarterMiBPerTick-go-gc-t1.json"]])
        let frame = AllocationProfile.Frame(function: "pointerIt()", file: "/s/BigStruct.swift", line: 41, module: "bench", inlined: false)
        let runtime = AllocationProfile.Frame(function: "swift_allocObject", file: nil, line: nil, module: "libswiftCore.so", inlined: false)
        let profile = AllocationProfile(workload: "BigStruct/PointerIt", allocator: "go", threads: 1, n: 1000,
                                        sites: [.init(allocations: 1000, bytes: 91_000, frames: [runtime, frame], truncated: false)],
                                        dropped: 0)
        let sites = try #require(AllocationSitesTable.table([("BigStruct-PointerIt-go-t1", try profile.json())]))
        #expect(sites.rows == [["BigStruct-PointerIt-go-t1", "pointerIt() (BigStruct.swift:41)", "", "1.000", "91.00", "100.0%"]])
    }
}
