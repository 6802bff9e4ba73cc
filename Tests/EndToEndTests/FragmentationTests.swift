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
        // The bytes the workload holds beside each sample: 16,000 blocks of 136 B on average after the
        // first tick, its survivors at the last.
        let held = samples.compactMap { $0["live_bytes"].flatMap(Double.init) }
        #expect(held.count == 60)
        #expect(held.first.map { $0 > 1.9e6 && $0 < 2.5e6 } == true, "\(held.first ?? 0)")
        #expect(held.last.map { abs($0 / 1_048_576 - live) < 0.001 } == true, "the last sample holds what live-MiB says")
        #expect(FileManager.default.fileExists(atPath: out + "/charts/fragmentation-shiftingsizes-resident-per-live.svg"))
        #expect(row.allocsPerOp.map { $0 * 60 >= 248_000 } == true, "240,000 small and 8,000 medium blocks")
    }
}
