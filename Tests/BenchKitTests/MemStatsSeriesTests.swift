import Testing
@testable import BenchKit

/// How the runner joins the two passes' samples and what it reports as changes.
@Suite struct MemStatsSeriesTests {
    @Test func theTimedPassWinsAndTheCountingPassFillsWhatItLacks() {
        let timed = [MemStatsSnapshot([.heapAlloc: 100]), MemStatsSnapshot([.heapAlloc: 150])]
        let counted = [MemStatsSnapshot([.heapAlloc: 1, .mallocs: 10]), MemStatsSnapshot([.heapAlloc: 2, .mallocs: 11])]
        let merged = MemStatsSeries.merge(timed: timed, counted: counted)
        #expect(merged == [MemStatsSnapshot([.heapAlloc: 100, .mallocs: 10]), MemStatsSnapshot([.heapAlloc: 150, .mallocs: 11])])
    }

    @Test func aFieldComesFromOnePassForTheWholeSeries() {
        // The timed pass lost Mallocs in one sample (as jemalloc's reader does when thread caches
        // disagree): the whole Mallocs curve then comes from the counting pass.
        let timed = [MemStatsSnapshot([.mallocs: 9000]), MemStatsSnapshot([:]), MemStatsSnapshot([.mallocs: 9002])]
        let counted = [MemStatsSnapshot([.mallocs: 10]), MemStatsSnapshot([.mallocs: 11]), MemStatsSnapshot([.mallocs: 12])]
        #expect(MemStatsSeries.merge(timed: timed, counted: counted).map { $0[.mallocs] } == [10, 11, 12])
    }

    @Test func seriesOfDifferentLengthsAreNotMixed() {
        let timed = [MemStatsSnapshot([.heapAlloc: 1])]
        let counted = [MemStatsSnapshot([.mallocs: 1]), MemStatsSnapshot([.mallocs: 2])]
        #expect(MemStatsSeries.merge(timed: timed, counted: counted) == timed)
        #expect(MemStatsSeries.merge(timed: nil, counted: nil).isEmpty)
    }

    @Test func changesAreLastMinusFirstForFieldsThatMoved() {
        let series = [MemStatsSnapshot([.heapInuse: 8192, .mallocs: 5, .heapAlloc: 64]),
                      MemStatsSnapshot([.heapInuse: 0, .mallocs: 5]),
                      MemStatsSnapshot([.heapInuse: 16384, .mallocs: 5, .numGC: 1])]
        // Unchanged Mallocs and HeapAlloc, which the last sample lacks, have no entry; nor does
        // NumGC, which the first sample lacks.
        #expect(MemStatsSeries.changes(series) == ["ΔHeapInuse": 8192])
        #expect(MemStatsSeries.changes(Array(series.prefix(1))).isEmpty)
    }
}

/// The samples in `memstats.csv` and their reading in `memstats-changes.md`.
@Suite struct MemStatsFilesTests {
    @Test func memstatsCSVKeepsTheContract() {
        let memStats = MemStatsField.allCases.map(\.rawValue)
        #expect(MemStatsCSV.columns == ["run_id", "host", "suite", "workload", "allocator", "threads", "rep", "tick"] + memStats)
        let row = MemStatsRow(runID: "r", host: "h", suite: "Sawtooth", workload: "QuarterMiBPerTick", allocator: "go",
                              threads: 1, rep: 2, tick: 59, memStats: MemStatsSnapshot([.totalAlloc: 262144, .heapAlloc: 0.5]))
        let fields = CSV.parse(MemStatsCSV.line(row))[0]
        #expect(fields.count == MemStatsCSV.columns.count)
        #expect(fields.prefix(8) == ["r", "h", "Sawtooth", "QuarterMiBPerTick", "go", "1", "2", "59"])
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "TotalAlloc")!] == "262144")
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "HeapAlloc")!] == "0.5")
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "NumGC")!] == "") // not provided: empty, not 0
    }

    func row(_ workload: String, _ allocator: String, rep: Int = 1, _ metrics: [String: Double]) -> RunRow {
        var row = RunRow(runID: "r", host: "h", suite: "MemStatsTour", workload: workload, allocator: allocator,
                         threads: 1, rep: rep, status: .ok, startedAt: "")
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
