import Testing
@testable import BenchKit
@testable import BenchResults

@Suite struct BenchFormatTests {
    let machine = MachineInfo(host: "h", os: "linux", arch: "amd64", cpu: "Test CPU @ 3GHz", cores: 2, kernel: "6.1",
                              commit: "abc123")

    func row(_ status: CellStatus = .ok) -> RunRow {
        var row = RunRow(cell: CellKey(suite: "BigStruct", workload: "PointerIt", allocator: "jemalloc", threads: 1, host: "h"),
                         runID: "r", rep: 1, status: status, startedAt: "t")
        row.n = 50_000_000
        row.nsPerOp = 21.345
        row.bytesPerOp = 91
        row.allocsPerOp = 1
        row.metrics = ["ops/s": 46_850_000]
        return row
    }

    @Test func writesGoBenchmarkLinesThatBenchstatReads() {
        let text = BenchFormat.render(rows: [row(), row(.crashed)], machine: machine, benchTime: "1s",
                                      allocatorVersions: ["jemalloc": "jemalloc 5.3.0", "system": "glibc 2.36"])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.prefix(7) == ["goos: linux", "goarch: amd64", "pkg: allocbench", "cpu: Test CPU @ 3GHz",
                                   "commit: abc123", "benchtime: 1s", "allocator: jemalloc=jemalloc 5.3.0; system=glibc 2.36"])
        #expect(lines.count == 8) // the crashed row has no result line
        #expect(lines[7] == "BenchmarkBigStruct/PointerIt/alloc=jemalloc-1\t50000000\t21.34 ns/op\t91.00 B/op\t1.000 allocs/op\t46850000 ops/s")
        // Go's format: name, iterations, then value-unit pairs.
        let fields = lines[7].split(separator: "\t")
        #expect(fields[0].hasPrefix("Benchmark"))
        #expect(Int(fields[1]) != nil)
        for pair in fields.dropFirst(2) {
            let parts = pair.split(separator: " ")
            #expect(parts.count == 2 && Double(parts[0]) != nil)
        }
    }

    @Test func goStyleKeepsAboutFourSignificantFigures() {
        #expect(NumberFormat.goStyle(1234.6) == "1235")
        #expect(NumberFormat.goStyle(123.45) == "123.5")
        #expect(NumberFormat.goStyle(21.345) == "21.34")
        #expect(NumberFormat.goStyle(0.3393) == "0.3393")
        #expect(NumberFormat.goStyle(0) == "0")
    }
}
