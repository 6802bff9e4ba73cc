import Foundation
import Testing
@testable import BenchKit
@testable import BenchResults

/// The latency pass's files: the histograms as JSON, and HdrHistogram's percentile distribution.
@Suite struct LatencyFileTests {
    /// 1,000 calls: 900 at 10-19 ns, 90 at 100 ns, 9 at 1 µs, one of 50 µs.
    static let histogram = LatencyHistogram(
        buckets: (10..<20).map { LatencyHistogram.Bucket(lowNs: Double($0), highNs: Double($0), count: 90) }
            + [.init(lowNs: 100, highNs: 101, count: 90), .init(lowNs: 1000, highNs: 1015, count: 9),
               .init(lowNs: 49_600, highNs: 50_300, count: 1)],
        maxNs: 50_000)

    @Test func theDistributionReadsAsHdrHistogramsTextExport() throws {
        let text = LatencyFile.percentileDistribution(Self.histogram)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].split(separator: " ") == ["Value", "Percentile", "TotalCount", "1/(1-Percentile)"])
        #expect(lines[1].isEmpty)
        let body = lines.dropFirst(2).prefix { !$0.hasPrefix("#") && !$0.isEmpty }
        let rows = body.map { $0.split(separator: " ").compactMap { Double($0) } }
        #expect(rows.first.map { Array($0.prefix(3)) } == [10, 0, 90])
        // Values and percentiles never fall; every line but the last has 1/(1-p).
        for (a, b) in zip(rows, rows.dropFirst()) { #expect(a[0] <= b[0] && a[1] < b[1] && a[2] <= b[2]) }
        #expect(rows.dropLast().allSatisfy { $0.count == 4 && abs($0[3] - 1 / (1 - $0[1])) < 0.01 })
        #expect(rows.last == [50_000, 1, 1000], "the last line: the longest call, at 100%")
        let median = try #require(rows.first { $0[1] == 0.5 })
        #expect(median[0] == 15 && median[2] == 540, "the 500th call is in the bucket of 15 ns, the 451st to 540th")
        let p99 = try #require(rows.last { $0[1] <= 0.99 })
        #expect(p99[0] == 101 && p99[2] == 990, "the 990th call is the last in the bucket of 100 ns")
        #expect(text.contains("#[Max     =    50000.000, Total count    =         1000]"))
        #expect(text.contains("#[Buckets =           60, SubBuckets     =           32]"))
    }

    @Test func reportingPointsHalveTheirStepAsThePercentileHalvesItsDistanceToOne() {
        var points = [0.0]
        while points.count < 17 { points.append(LatencyFile.nextReportingPoint(after: points.last!)) }
        let expected = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.775, 0.8, 0.825, 0.85, 0.875, 0.8875]
        #expect(zip(points, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(points)")
    }

    @Test func histogramsSurviveTheirJSON() throws {
        let latency = AllocationLatency(alloc: Self.histogram, free: LatencyHistogram(), ticksPerNs: 2.45, emptyRegionNs: 29.9)
        #expect(try LatencyFile.parse(LatencyFile.json(latency)) == latency)
        let cell = CellKey(suite: "ExplicitAlloc", workload: "Pair80", allocator: "go", threads: 1, host: "h")
        #expect(LatencyFile.distributionName(cell, rep: 2, kind: "alloc") == "ExplicitAlloc-Pair80-go-t1-r2-alloc.hgrm")
        #expect(LatencyFile.jsonName(cell, rep: 2) == "ExplicitAlloc-Pair80-go-t1-r2.json")
    }
}
