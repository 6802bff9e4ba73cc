import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

/// `bench report` and `bench compare` as a user runs them, on real runs and on made-up ones.
@Suite(.serialized) struct ReportCommandTests {
    /// The cells of a folder: one entry per repetition, and the cell x metric lines of its summary.
    func cells(_ folder: String) throws -> (runs: [String], summary: Set<String>) {
        let runs = try BenchCommand.rows(in: folder).map { "\($0.fullName) \($0.allocator) \($0.threads) \($0.rep) \($0.status)" }
        let summary = CSV.parse(try String(contentsOfFile: folder + "/summary.csv", encoding: .utf8)).dropFirst()
            .map { $0.prefix(5).joined(separator: " ") }
        return (runs.sorted(), Set(summary))
    }

    @Test func allShardsMergedAreTheUnshardedRun() throws {
        let arguments = ["run", "--filter", "^BigStruct/", "--allocators", "system", "--count", "2", "--benchtime", "10x"]
        let whole = BenchCommand.scratch("whole")
        #expect(try BenchCommand.bench(arguments + ["--out", whole]).status == 0)
        var shards: [String] = []
        for index in 1...2 {
            let shard = BenchCommand.scratch("shard\(index)")
            let result = try BenchCommand.bench(arguments + ["--shard", "\(index)/2", "--out", shard])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(try String(contentsOfFile: shard + "/params.json", encoding: .utf8).contains("\"shard\" : \"\(index)/2\""))
            shards.append(shard)
        }
        let merged = BenchCommand.scratch("merged")
        let result = try BenchCommand.bench(["report"] + shards + ["--out", merged])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("report: \(merged)/index.html"))

        let sharded = try cells(merged), unsharded = try cells(whole)
        #expect(sharded.runs == unsharded.runs)
        #expect(sharded.summary == unsharded.summary)
        for name in ["index.html", "report.md", "summary.json", "bench.txt", "charts/bigstruct-ns-per-op.svg"] {
            #expect(FileManager.default.fileExists(atPath: merged + "/" + name), "\(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: merged + "/params").count == 2)
        // A merged folder is reported on again like any other.
        #expect(try BenchCommand.bench(["report", merged]).status == 0)
    }

    /// A made-up run: cell A of suite S on `system`, one row per value.
    func folder(_ name: String, _ values: [String: [Double]]) throws -> String {
        let path = BenchCommand.scratch(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var text = RunsCSV.header
        for (allocator, samples) in values.sorted(by: { $0.key < $1.key }) {
            for (index, value) in samples.enumerated() {
                var row = RunRow(cell: CellKey(suite: "S", workload: "A", allocator: allocator, threads: 1, host: "h"), runID: name, rep: index + 1, status: .ok, startedAt: "2026-11-23T10:00:00Z")
                row.nsPerOp = value
                text += RunsCSV.line(row)
            }
        }
        try text.write(toFile: path + "/runs.csv", atomically: true, encoding: .utf8)
        return path
    }

    @Test func compareGatesOnSignificantTimeRegressions() throws {
        let old = try folder("old", ["system": [10.0, 10.2, 9.9, 10.1, 10.3, 9.8]])
        let new = try folder("new", ["system": [12.0, 12.2, 11.9, 12.1, 12.3, 11.8]])

        let slower = try BenchCommand.bench(["compare", old, new, "--threshold", "5%"])
        #expect(slower.status == 1, "stderr: \(slower.stderr)")
        #expect(slower.stdout.contains("regression: S/A system 1 ns/op +19.90% (p=0.002)"))

        let beyond = try BenchCommand.bench(["compare", old, new, "--threshold", "25%"])
        #expect(beyond.status == 0)
        #expect(beyond.stdout.contains("+19.90%"))

        let same = try BenchCommand.bench(["compare", old, old, "--threshold", "5%"])
        #expect(same.status == 0)
        #expect(same.stdout.split(separator: "\n").contains { $0.hasPrefix("S/A") && $0.contains(" ~ ") })

        let faster = try BenchCommand.bench(["compare", new, old, "--threshold", "5%"])
        #expect(faster.status == 0)
    }

    @Test func compareAllocatorsWithinOneRun() throws {
        let run = try folder("allocators", ["system": [10.0, 10.2, 9.9, 10.1, 10.3, 9.8],
                                            "jemalloc": [8.0, 8.1, 7.9, 8.2, 7.8, 8.05]])
        let result = try BenchCommand.bench(["compare", run, "--by", "allocator", "--baseline", "system"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("S/A") && $0.contains("jemalloc") && $0.contains("-20.15%") })
    }

    @Test(arguments: [
        (["report", "/nonexistent/run"], "/nonexistent/run holds no readable runs.csv"),
        (["report", "/tmp", "/var"], "2 folders are merged into a new one: give it with --out DIR"),
        (["compare", "/nonexistent/a"], "give two results folders (OLD NEW), or one with --by allocator; got 1"),
        (["compare", "/tmp", "--by", "host"], "--by host is not supported; the one dimension is allocator"),
        (["compare", "/tmp", "/tmp", "--threshold", "lots"], "--threshold 'lots' is not a percentage; use for example 5% or 2.5%"),
    ])
    func badInputIsRefused(arguments: [String], message: String) throws {
        let result = try BenchCommand.bench(arguments)
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(message)\n" || result.stderr.hasPrefix("error: \(message)"), "stderr: \(result.stderr)")
    }
}
