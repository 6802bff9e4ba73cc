import BenchKit
/// Writes `bench.txt` in Go's benchmark format, which `benchstat` reads.
///
/// Configuration lines (`key: value`) come first; then one line per successful repetition:
///
///     BenchmarkBigStruct/PointerIt/alloc=jemalloc-1   50000000   21.35 ns/op   91 B/op   1 allocs/op   ...
///
/// The `-1` suffix is the thread count (Go's GOMAXPROCS suffix), and `alloc=` is a sub-benchmark
/// key, so `benchstat -col /alloc bench.txt` puts allocators side by side.
///
/// benchstat splits its tables by every configuration line, so only what describes the machine
/// and the measurement is one (goos, goarch, pkg, cpu, benchtime, and `build: debug` for a debug
/// build). Facts of one run (the commit, the allocators' versions) are comment lines, which Go's
/// format ignores, so `benchstat old/bench.txt new/bench.txt` compares two runs out of the box;
/// params.json has them too.
public enum BenchFormat {
    /// `debugBuild` adds a `build: debug` configuration line, so that benchstat never puts a debug
    /// measurement in one table with release ones.
    public static func render(rows: [RunRow], machine: MachineInfo, benchTime: String, allocatorVersions: [String: String],
                              debugBuild: Bool = false) -> String {
        var text = ""
        text += "goos: \(machine.os)\n"
        text += "goarch: \(machine.arch)\n"
        text += "pkg: allocbench\n"
        text += "cpu: \(machine.cpu)\n"
        text += "benchtime: \(benchTime)\n"
        if debugBuild { text += "build: debug\n" }
        text += "# commit \(machine.commit)\n"
        let versions = allocatorVersions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        text += "# allocators \(versions.joined(separator: "; "))\n"
        // Counts that are the same in every process: benchstat compares them exactly.
        let units = Set(rows.filter { $0.status == .ok }.flatMap { metrics($0).map(\.unit) })
        text += units.filter(isExact).sorted().map { "Unit \($0) assume=exact\n" }.joined()
        for row in rows where row.status == .ok {
            text += line(row)
        }
        return text
    }

    /// One result line; nil values are left out.
    static func line(_ row: RunRow) -> String {
        let name = "Benchmark\(sanitize(row.suite))/\(sanitize(row.workload))/alloc=\(row.allocator)-\(row.threads)"
        return ([name, String(row.n ?? 0)] + metrics(row).map { "\(number($0.value)) \($0.unit)" }).joined(separator: "\t") + "\n"
    }

    /// A row's metrics as bench.txt names them, in line order.
    static func metrics(_ row: RunRow) -> [(unit: String, value: Double)] {
        var metrics: [(unit: String, value: Double)] = []
        func add(_ value: Double?, _ unit: String) {
            if let value { metrics.append((unit, value)) }
        }
        add(row.nsPerOp, "ns/op")
        add(row.bytesPerOp, "B/op")
        add(row.allocsPerOp, "allocs/op")
        add(row.process?.peakRSSBytes.map { Double($0) }, "peak-RSS-B")
        for column in RunsCSV.instructionCounts {
            add(column.number?(row), column.metric?.unit ?? column.name)
        }
        for (name, value) in row.metrics.sorted(by: { $0.key < $1.key }) {
            add(value, unit(forMetric: name))
        }
        return metrics
    }

    /// A workload's metric as a unit: spaces made underscores, and a change of a MemStats size
    /// ends in `-B` (`ΔHeapInuse-B`), so that benchstat scales it as bytes.
    static func unit(forMetric name: String) -> String {
        let field = MemStatsField.allCases.first { MetricName.change($0) == name }
        return sanitize(name) + (field?.isBytes == true ? "-B" : "")
    }

    /// Units whose values are exact counts: allocations and bytes asked for (counted, the same in
    /// every repetition of a deterministic workload), the instruction pass's counts, and the
    /// changes of MemStats counts (`ΔMallocs`).
    static func isExact(_ unit: String) -> Bool {
        let counts = MemStatsField.allCases.filter { !$0.isBytes && $0 != .gcCPUFraction && $0 != .pauseTotalNs }
        return ["B/op", "allocs/op"].contains(unit) || RunsCSV.instructionCounts.contains { $0.metric?.unit == unit }
            || counts.contains { MetricName.change($0) == unit }
    }

    /// About four significant figures, as Go prints benchmark values (``NumberFormat/goStyle(_:)``).
    static func number(_ value: Double) -> String { NumberFormat.goStyle(value) }

    /// Benchmark names and units may not contain spaces.
    static func sanitize(_ name: String) -> String {
        String(name.map { $0.isWhitespace ? "_" : $0 })
    }
}
