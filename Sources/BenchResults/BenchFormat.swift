import BenchKit
/// Writes `bench.txt` in Go's benchmark format, which `benchstat` reads.
///
/// Configuration lines (`key: value`) come first; then one line per successful repetition:
///
///     BenchmarkBigStruct/PointerIt/alloc=jemalloc-1   50000000   21.35 ns/op   91 B/op   1 allocs/op   ...
///
/// The `-1` suffix is the thread count (Go's GOMAXPROCS suffix), and `alloc=` is a sub-benchmark
/// key, so `benchstat -col /alloc bench.txt` puts allocators side by side.
public enum BenchFormat {
    public static func render(rows: [RunRow], machine: MachineInfo, benchTime: String, allocatorVersions: [String: String]) -> String {
        var text = ""
        text += "goos: \(machine.os)\n"
        text += "goarch: \(machine.arch)\n"
        text += "pkg: allocbench\n"
        text += "cpu: \(machine.cpu)\n"
        text += "commit: \(machine.commit)\n"
        text += "benchtime: \(benchTime)\n"
        let versions = allocatorVersions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        text += "allocator: \(versions.joined(separator: "; "))\n"
        // Counts that are the same in every process: benchstat then compares them exactly.
        if rows.contains(where: { $0.instructions != nil }) {
            text += exactUnits.map { "Unit \($0) assume=exact\n" }.joined()
        }
        for row in rows where row.status == .ok {
            text += line(row)
        }
        return text
    }

    /// One result line; nil values are left out.
    static func line(_ row: RunRow) -> String {
        var fields = ["Benchmark\(sanitize(row.suite))/\(sanitize(row.workload))/alloc=\(row.allocator)-\(row.threads)",
                      String(row.n ?? 0)]
        func metric(_ value: Double?, _ unit: String) {
            if let value { fields.append("\(NumberFormat.goStyle(value)) \(unit)") }
        }
        metric(row.nsPerOp, "ns/op")
        metric(row.bytesPerOp, "B/op")
        metric(row.allocsPerOp, "allocs/op")
        metric(row.process?.peakRSSBytes.map { Double($0) }, "peak-RSS-B")
        for column in RunsCSV.instructionCounts {
            metric(column.number?(row), column.metric?.unit ?? column.name)
        }
        for (unit, value) in row.metrics.sorted(by: { $0.key < $1.key }) {
            metric(value, sanitize(unit))
        }
        return fields.joined(separator: "\t") + "\n"
    }

    /// The instruction pass's units (from the runs.csv columns).
    static var exactUnits: [String] { RunsCSV.instructionCounts.map { $0.metric?.unit ?? $0.name } }

    /// Benchmark names and units may not contain spaces.
    static func sanitize(_ name: String) -> String {
        String(name.map { $0.isWhitespace ? "_" : $0 })
    }
}
