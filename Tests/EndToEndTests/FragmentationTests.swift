import Foundation
import Testing
import BenchResults

/// Fragmentation/ShiftingSizes end to end on glibc: every block checked, the bytes it holds at the
/// end, and the RSS beside each of its 60 samples.
@Suite struct FragmentationTests {
    @Test func theShiftingHeapEndsWithItsSurvivorsAndSamplesRSSEveryTick() throws {
        let out = BenchCommand.scratch("fragmentation")
        let run = try BenchCommand.bench(["run", "--filter", "^Fragmentation/ShiftingSizes$", "--allocators", "system",
                                          "--count", "1", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let row = try #require(try BenchCommand.rows(in: out).first)
        #expect(row.status == .ok && row.n == 60)
        // 24,000 small survivors of 16-256 B: about 3.1 MiB, the same on every allocator (fixed seeds).
        let live = try #require(row.metrics["live-MiB"])
        #expect(live > 2.9 && live < 3.3, "\(live)")
        #expect((row.metrics["rss/live"] ?? 0) > 1, "the process holds more than the blocks")
        let samples = try BenchCommand.memStats(in: out)
        #expect(samples.count == 60 && samples.allSatisfy { !($0["rss_bytes"] ?? "").isEmpty })
        #expect(row.allocsPerOp.map { $0 * 60 >= 248_000 } == true, "240,000 small and 8,000 medium blocks")
    }
}
