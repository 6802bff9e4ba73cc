import Testing
@testable import BenchKit
@testable import BenchResults

/// The samples in `memstats.csv`.
@Suite struct MemStatsCSVTests {
    @Test func memstatsCSVKeepsTheContract() {
        let memStats = MemStatsField.allCases.map(\.rawValue)
        #expect(MemStatsCSV.columns == ["run_id", "host", "suite", "workload", "allocator", "threads", "rep", "tick"] + memStats
            + ["rss_bytes", "elapsed_s", "live_bytes"])
        let row = MemStatsRow(cell: CellKey(suite: "Sawtooth", workload: "QuarterMiBPerTick", allocator: "go", threads: 1, host: "h"),
                              runID: "r", rep: 2, tick: 59, memStats: MemStatsSnapshot([.totalAlloc: 262144, .heapAlloc: 0.5]))
        let fields = CSV.parse(MemStatsCSV.line(row))[0]
        #expect(fields.count == MemStatsCSV.columns.count)
        #expect(fields.prefix(8) == ["r", "h", "Sawtooth", "QuarterMiBPerTick", "go", "1", "2", "59"])
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "TotalAlloc")!] == "262144")
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "HeapAlloc")!] == "0.5")
        #expect(fields[MemStatsCSV.columns.firstIndex(of: "NumGC")!] == "") // not provided: empty, not 0
        #expect(fields.suffix(2) == ["", ""]) // a workload's sample: no RSS, no clock
    }

    /// A program cell's sample: its RSS at a time, the MemStats fields empty.
    @Test func aProgramsResidentSampleRoundTrips() throws {
        var row = MemStatsRow(cell: CellKey(suite: "Programs", workload: "Lua", allocator: "tbb", threads: 1, host: "h"),
                              runID: "r", rep: 1, tick: 3, memStats: MemStatsSnapshot())
        row.residentBytes = 123_456_789
        row.elapsedSeconds = 0.4
        let line = MemStatsCSV.line(row)
        #expect(line.hasSuffix(",123456789,0.4,\n"), "no live bytes: the program does not say")
        #expect(try MemStatsCSV.parse(MemStatsCSV.header + line) == [row])
    }

    /// A workload's sample with the bytes it said it held.
    @Test func liveBytesRoundTrip() throws {
        var row = MemStatsRow(cell: CellKey(suite: "Fragmentation", workload: "ShiftingSizes", allocator: "go", threads: 1,
                                            host: "h"), runID: "r", rep: 1, tick: 59, memStats: MemStatsSnapshot())
        row.residentBytes = 64 << 20
        row.liveBytes = 3_276_800
        let line = MemStatsCSV.line(row)
        #expect(line.hasSuffix(",67108864,,3276800\n"))
        #expect(try MemStatsCSV.parse(MemStatsCSV.header + line) == [row])
    }

    /// Go's uint64 fields to the last digit: LastGC in nanoseconds (61 bits, past a Double's 53)
    /// and NextGC with GOGC off (2^64-1); GCCPUFraction stays a float.
    @Test func countsAreWrittenAndReadExactly() throws {
        var snapshot = MemStatsSnapshot()
        snapshot[exactly: .lastGC] = 1_795_428_366_414_062_123
        snapshot[exactly: .nextGC] = UInt64.max
        snapshot[.gcCPUFraction] = 0.25
        let row = MemStatsRow(cell: CellKey(suite: "S", workload: "W", allocator: "go-gc", threads: 1, host: "h"),
                              runID: "r", rep: 1, tick: 0, memStats: snapshot)
        let line = MemStatsCSV.line(row)
        #expect(line.contains(",18446744073709551615,1795428366414062123,") && line.contains(",0.25,,,\n"))
        let read = try MemStatsCSV.parse(MemStatsCSV.header + line)
        #expect(read.first?.memStats[exactly: .lastGC] == 1_795_428_366_414_062_123)
        #expect(read.first?.memStats[exactly: .nextGC] == UInt64.max)
        #expect(read == [row])
    }
}
