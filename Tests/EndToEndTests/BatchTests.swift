import Foundation
import Testing
import BenchResults

/// The timed pass's batches (`--batches`): ns/op percentiles within one process, after the measured
/// run, leaving what the cell measured as it was; none for a workload whose b.N is fixed.
@Suite struct BatchTests {
    @Test func batchesGivePercentilesOfNsPerOpAndLeaveTheCountsAlone() throws {
        let out = BenchCommand.scratch("batches")
        let run = try BenchCommand.bench(["run", "--filter", "^(ExplicitAlloc/Pair80|MemStatsTour/usesHeap)$", "--allocators", "system",
                                          "--count", "1", "--benchtime", "50000x", "--batches", "20", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = Dictionary(uniqueKeysWithValues: try BenchCommand.rows(in: out).map { ($0.workload, $0) })
        let pair = try #require(rows["Pair80"])
        let batches = try #require(pair.opLatency, "Pair80 ran batches")
        #expect(batches.p50 > 0 && batches.p50 <= batches.p90 && batches.p90 <= batches.p99)
        // Each batch is 50,000 / 40 = 1,250 allocations and frees: the same kind of figure as ns/op.
        #expect(batches.p50 < 20 * (pair.nsPerOp ?? 0) && batches.p50 > (pair.nsPerOp ?? 0) / 20, "\(batches) vs \(pair.nsPerOp ?? 0)")
        #expect(pair.n == 50_000 && pair.allocsPerOp == 1, "the measured run is the one counted")
        #expect(rows["usesHeap"].map { $0.status == .ok && $0.opLatency == nil } == true, "a fixed b.N has no batches")
        #expect(try String(contentsOfFile: "\(out)/params.json", encoding: .utf8).contains("\"batches\" : 20"))
    }
}
