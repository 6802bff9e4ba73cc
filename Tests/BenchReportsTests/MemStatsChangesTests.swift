import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchReports

/// The reading of `memstats.csv` in `memstats-changes.md`.
@Suite struct MemStatsChangesTests {
    func row(_ workload: String, _ allocator: String, rep: Int = 1, _ metrics: [String: Double]) -> RunRow {
        var row = RunRow(cell: CellKey(suite: "MemStatsTour", workload: workload, allocator: allocator, threads: 1, host: "h"),
                         runID: "r", rep: rep, status: .ok, startedAt: "")
        row.metrics = metrics
        return row
    }

    @Test func changesAreWordsPerWorkloadAndAllocator() throws {
        let text = try #require(MemStatsChanges.markdown([
            row("usesHeap", "go", ["ΔHeapInuse": 8192, "ΔMallocs": 1, "stack-bytes": 1700, "ops/s": 5]),
            row("usesTempStack", "go", ["stack-bytes": 2920]),
            row("usesHeap", "system", ["ΔMallocs": 1]),
        ]))
        #expect(text.contains("## MemStatsTour/usesHeap\n\n- **go**: Mallocs differs by 1, HeapInuse differs by 8192; stack high-water mark 1700 bytes\n- **system**: Mallocs differs by 1\n"))
        #expect(text.contains("## MemStatsTour/usesTempStack\n\n- **go**: no field changed; stack high-water mark 2920 bytes\n"))
        #expect(!text.contains("ops/s"))
        #expect(MemStatsChanges.markdown([]) == nil)
    }

    @Test func repetitionsThatDisagreeShowTheMedianAndTheRange() throws {
        let text = try #require(MemStatsChanges.markdown([
            row("createsThread", "system", rep: 1, ["ΔFrees": 1]),
            row("createsThread", "system", rep: 2, [:]),
            row("createsThread", "system", rep: 3, ["ΔFrees": 1]),
        ]))
        #expect(text.contains("- **system**: Frees differs by 1 (median of 3; 0 to 1)\n"))
    }
}
