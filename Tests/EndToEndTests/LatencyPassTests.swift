import Foundation
import Testing
import BenchKit
import BenchResults

/// `bench run --latency` through the real interposer on glibc, jemalloc (its mallocx/sdallocx API)
/// and GoAlloc: every counted allocation timed, the files and the chart, and the counts untouched.
@Suite(.serialized) struct LatencyPassTests {
    @Test func everyCountedAllocationIsTimedAndTheCountsDoNotMove() throws {
        let allocators = BenchCommand.installedAllocators.filter { ["system", "jemalloc", "go"].contains($0) }
        let out = BenchCommand.scratch("latency")
        let arguments = ["--filter", "^ExplicitAlloc/Pair80$", "--allocators", allocators.joined(separator: ","),
                         "--count", "1", "--benchtime", "20000x"]
        let run = try BenchCommand.bench(arguments + ["--latency", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try BenchCommand.rows(in: out)
        #expect(rows.count == allocators.count)
        for row in rows {
            #expect(row.status == .ok && row.error.isEmpty, "\(row.allocator): \(row.error)")
            let alloc = try #require(row.allocLatency, "\(row.allocator)")
            let free = try #require(row.freeLatency, "\(row.allocator)")
            for latency in [alloc, free] {
                #expect(latency.p50 > 0 && latency.p50 <= latency.p99 && latency.p99 <= latency.p999 && latency.p999 <= latency.max,
                        "\(row.allocator): \(latency)")
            }
            let file = "\(out)/\(RunFiles.latency)/\(LatencyFile.jsonName(row.cell, rep: 1))"
            let latency = try LatencyFile.parse(String(contentsOfFile: file, encoding: .utf8))
            // One timed call per counted allocation and per free: Pair80 makes one of each per op.
            #expect(Double(latency.alloc.count) == (row.allocsPerOp ?? 0) * Double(row.n ?? 0), "\(row.allocator)")
            #expect(latency.free.count == latency.alloc.count, "\(row.allocator)")
            #expect(latency.emptyRegionNs > 0 && latency.emptyRegionNs < alloc.p99)
            for kind in ["alloc", "free"] {
                let hgrm = "\(out)/\(RunFiles.latency)/\(LatencyFile.distributionName(row.cell, rep: 1, kind: kind))"
                #expect(try String(contentsOfFile: hgrm, encoding: .utf8).contains("Total count    = "))
            }
        }
        #expect(FileManager.default.fileExists(atPath: "\(out)/charts/explicitalloc-pair80-latency.svg"))
        let parameters = try String(contentsOfFile: "\(out)/params.json", encoding: .utf8)
        #expect(parameters.contains("\"latency\" : true"))

        // Without the latency pass, the same counts: timing the calls allocates nothing.
        let plain = BenchCommand.scratch("latency-off")
        #expect(try BenchCommand.bench(arguments + ["--out", plain]).status == 0)
        for row in try BenchCommand.rows(in: plain) {
            let timed = rows.first { $0.allocator == row.allocator }
            #expect(row.allocsPerOp == timed?.allocsPerOp && row.bytesPerOp == timed?.bytesPerOp, "\(row.allocator)")
            #expect(row.allocLatency == nil)
        }
    }
}
