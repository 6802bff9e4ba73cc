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
        // Configuration lines describe the machine and the measurement; the facts of one run are
        // comments, so that benchstat compares two runs in one table.
        #expect(lines.prefix(7) == ["goos: linux", "goarch: amd64", "pkg: allocbench", "cpu: Test CPU @ 3GHz",
                                   "benchtime: 1s", "# commit abc123", "# allocators jemalloc=jemalloc 5.3.0; system=glibc 2.36"])
        #expect(lines[7...8] == ["Unit B/op assume=exact", "Unit allocs/op assume=exact"])
        #expect(lines.count == 10) // the crashed row has no result line
        #expect(lines[9] == "BenchmarkBigStruct/PointerIt/alloc=jemalloc-1\t50000000\t21.34 ns/op\t91.00 B/op\t1.000 allocs/op\t46850000 ops/s")
        // Go's format: name, iterations, then value-unit pairs.
        let fields = lines[9].split(separator: "\t")
        #expect(fields[0].hasPrefix("Benchmark"))
        #expect(Int(fields[1]) != nil)
        for pair in fields.dropFirst(2) {
            let parts = pair.split(separator: " ")
            #expect(parts.count == 2 && Double(parts[0]) != nil)
        }
    }

    @Test func tinyValuesKeepTheirDigitsAndMemStatsSizesAreBytes() {
        var empty = row()
        empty.nsPerOp = 3.1e-8
        empty.metrics = ["ΔHeapInuse": 8192, "ΔMallocs": 1]
        let text = BenchFormat.render(rows: [empty], machine: machine, benchTime: "1s", allocatorVersions: [:], debugBuild: true)
        #expect(text.contains("\t3.100e-08 ns/op"))
        #expect(text.contains("8192 ΔHeapInuse-B") && text.contains("1.000 ΔMallocs"))
        #expect(text.contains("Unit ΔMallocs assume=exact\n") && !text.contains("Unit ΔHeapInuse-B assume=exact"))
        #expect(text.contains("\nbuild: debug\n"))
    }

    @Test func goStyleKeepsAboutFourSignificantFigures() {
        #expect(NumberFormat.goStyle(1234.6) == "1235")
        #expect(NumberFormat.goStyle(123.45) == "123.5")
        #expect(NumberFormat.goStyle(21.345) == "21.34")
        #expect(NumberFormat.goStyle(0.3393) == "0.3393")
        #expect(NumberFormat.goStyle(0) == "0")
        #expect(NumberFormat.goStyle(0.00012345) == "1.234e-04")
        #expect(NumberFormat.goStyle(3.1e-8) == "3.100e-08") // never 0.0000000
    }
}
