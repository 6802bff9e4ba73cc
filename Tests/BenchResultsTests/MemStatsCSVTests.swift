import Testing
@testable import BenchKit
@testable import BenchResults

/// The samples in `memstats.csv`.
@Suite struct MemStatsCSVTests {
    @Test func memstatsCSVKeepsTheContract() {
        let memStats = MemStatsField.allCases.map(\.rawValue)
        #expect(MemStatsCSV.columns == ["run_id", "host", "suite", "workload", "allocator", "threads", "rep", "tick"] + memStats)
        let row = MemStatsRow(cell: CellKey(suite: "Sawtooth", workload: "QuarterMiBPerTick", allocator: "go", threads: 1, host: "h"),
                              runID: "r", rep: 2, tick: 59, memStats: MemStatsSnapshot([.totalAlloc: 262144, .heapAlloc: 0.5]))
        let fields = CSV.parse(MemStatsCSV.line(row))[0]
        #expect(fields.count == MemStatsCSV.columns.count)
        #expect(fields.prefix(8) == ["r", "h", "Sawtooth", "QuarterMiBPerTick", "go", "1", "2", "59"])
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "TotalAlloc")!] == "262144")
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "HeapAlloc")!] == "0.5")
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "NumGC")!] == "") // not provided: empty, not 0
    }
}
