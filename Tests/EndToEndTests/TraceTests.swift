import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

/// The Trace variants run a fixed 20,000,000 creations, whatever --benchtime says.
@Suite(.serialized) struct TraceTests {
    @Test func copyItTraceRunsTwentyMillionCopiesWithoutTouchingTheHeap() throws {
        // On go, whose MemStats come from the allocator itself: no Δ field may move.
        let out = BenchCommand.scratch("trace")
        let result = try BenchCommand.bench(["--filter", "^BigStruct/CopyItTrace$", "--allocators", "go", "--count", "1",
                                             "--benchtime", "10x", "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let row = try #require(try BenchCommand.rows(in: out).first)
        #expect(row.status == .ok, "\(row.error)")
        #expect(row.n == 20_000_000)
        #expect(row.allocsPerOp == 0)
        #expect(row.metrics["ctx-switches"] != nil)
        #expect(row.metrics["page-faults"] != nil)
        #expect(!row.metrics.keys.contains { $0.hasPrefix("Δ") }, "\(row.metrics)")
        #expect(try BenchCommand.memStats(in: out).count == 2)
    }
}
