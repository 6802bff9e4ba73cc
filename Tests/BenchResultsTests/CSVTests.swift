import Testing
@testable import BenchKit
@testable import BenchResults

@Suite struct CSVTests {
    @Test func quotesOnlyWhatNeedsQuoting() {
        #expect(CSV.line(["a", "b c", "d,e", "say \"hi\"", "two\nlines"]) == "a,b c,\"d,e\",\"say \"\"hi\"\"\",\"two\nlines\"\n")
    }

    @Test func parsesWhatItWrites() {
        let rows = [["a", "d,e", "say \"hi\""], ["two\nlines", "", "x"]]
        #expect(CSV.parse(rows.map(CSV.line).joined()) == rows)
    }

    @Test func formatsNumbersWithoutNoise() {
        #expect(CSV.number(12.0) == "12")
        #expect(CSV.number(0.5) == "0.5")
        #expect(CSV.number(nil as Double?) == "")
        #expect(CSV.number(Double.nan) == "")
    }
}

@Suite struct RunsCSVTests {
    /// The columns ARCHITECTURE.md promises scripts, in this order.
    @Test func headerKeepsTheContract() {
        let contract = ["run_id", "host", "suite", "workload", "allocator", "allocator_version", "threads", "rep", "n",
                        "ns_per_op", "bytes_per_op", "allocs_per_op", "status", "error"]
        #expect(Array(RunsCSV.columns.prefix(contract.count)) == contract)
        let memStats = ["Alloc", "TotalAlloc", "Sys", "Mallocs", "Frees", "HeapAlloc", "HeapSys", "HeapIdle", "HeapInuse",
                        "HeapReleased", "HeapObjects", "StackInuse", "StackSys", "MSpanInuse", "MSpanSys", "MCacheInuse",
                        "MCacheSys", "BuckHashSys", "GCSys", "OtherSys", "NextGC", "LastGC", "PauseTotalNs", "NumGC",
                        "NumForcedGC", "GCCPUFraction"]
        #expect(Array(RunsCSV.columns.dropFirst(contract.count).prefix(memStats.count)) == memStats)
        for column in ["peak_rss_bytes", "minor_faults", "major_faults", "vol_ctx_switches", "invol_ctx_switches", "user_s", "sys_s"] {
            #expect(RunsCSV.columns.contains(column))
        }
        #expect(Set(RunsCSV.columns).count == RunsCSV.columns.count)
    }

    @Test func rowsSurviveARoundTrip() throws {
        var ok = RunRow(cell: CellKey(suite: "S", workload: "W", allocator: "jemalloc", threads: 2, host: "h"), runID: "r1", rep: 3,
                        status: .ok, startedAt: "2026-11-22T00:00:00Z")
        ok.allocatorVersion = "jemalloc 5.3.0"
        ok.n = 1000
        ok.nsPerOp = 21.5
        ok.bytesPerOp = 91
        ok.allocsPerOp = 1
        ok.memStats = MemStatsSnapshot([.heapAlloc: 4096, .mallocs: 10, .gcCPUFraction: 0.25])
        ok.process = ProcessFigures(peakRSSBytes: 1 << 20, minorFaults: 5, majorFaults: 0, voluntaryContextSwitches: 1,
                                    involuntaryContextSwitches: 2, userSeconds: 0.5, systemSeconds: 0.01)
        ok.countedNsPerOp = 30
        ok.metrics = ["ops/s": 1e6, "x/op": 2.5]
        ok.allocLatency = CallLatency(p50: 40.5, p99: 81.25, p999: 130, max: 62_000)
        ok.freeLatency = CallLatency(p50: 30, p99: 50.5, p999: 70, max: 9_000)
        ok.latencyNsPerOp = 120.5
        ok.opLatency = BatchPercentiles(p50: 21.5, p90: 23, p99: 40.25)
        var failed = RunRow(cell: CellKey(suite: "S", workload: "W", allocator: "system", threads: 1, host: "h"), runID: "r1", rep: 1,
                            status: .crashed, startedAt: "2026-11-22T00:00:01Z")
        failed.error = "timed pass: killed by signal 11 (SIGSEGV); output: a, b"
        let text = RunsCSV.header + RunsCSV.line(ok) + RunsCSV.line(failed)
        #expect(try RunsCSV.parse(text) == [ok, failed])
    }

    @Test func everyLineHasEveryColumn() {
        let row = RunRow(cell: CellKey(suite: "S", workload: "W", allocator: "system", threads: 1, host: "h"), runID: "r", rep: 1,
                         status: .timeout, startedAt: "t")
        #expect(CSV.parse(RunsCSV.line(row)).first?.count == RunsCSV.columns.count)
    }
}

@Suite struct BatchPercentilesTests {
    @Test func nearestRankOverTheBatches() throws {
        let batches = (1...100).map(Double.init).shuffled()
        let percentiles = try #require(BatchPercentiles(batches: batches))
        #expect(percentiles == BatchPercentiles(p50: 50, p90: 90, p99: 99))
        #expect(BatchPercentiles(batches: [7]) == BatchPercentiles(p50: 7, p90: 7, p99: 7))
        #expect(BatchPercentiles(batches: []) == nil)
    }
}
