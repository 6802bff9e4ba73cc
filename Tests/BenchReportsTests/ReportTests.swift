import Foundation
import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchReports

@Suite struct ReportTests {
    let runs = SampleRuns.cell("A", "system", [10.0, 10.2, 9.9, 10.1, 10.3, 9.8])
        + SampleRuns.cell("A", "jemalloc", [8.0, 8.1, 7.9, 8.2, 7.8, 8.05])
        + [SampleRuns.row("A", "go", ns: nil, status: .crashed, error: "signal 11")]

    func files(in folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder).sorted() {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            }
        }
        return files
    }

    @Test func writesEveryFileAndTheSameBytesFromTheSameInput() throws {
        let first = try SampleRuns.folder(runs, name: "report-a"), second = try SampleRuns.folder(runs, name: "report-b")
        for folder in [first, second] { try Report(data: RunData.load([folder])).write(to: folder) }
        let written = try files(in: first)
        for name in ["summary.csv", "summary.json", "report.md", "index.html", "charts/s-ns-per-op.svg", "charts/s-ratio-to-system.svg"] {
            #expect(written[name] != nil, "\(name)")
        }
        #expect(written == (try files(in: second)))
        // Rendering again in place changes nothing.
        try Report(data: RunData.load([first])).write(to: first)
        #expect(written == (try files(in: first)))
    }

    @Test func summaryJSONHoldsTheCSVsNumbers() throws {
        let summary = Summary.rows(runs)
        let csv = CSV.parse(SummaryFile.csv(summary))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(SummaryFile.json(summary).utf8)) as? [String: Any])
        #expect(json["columns"] as? [String] == SummaryFile.columns)
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == csv.count - 1)
        let numeric: Set = ["threads", "n", "median", "ci95_lower", "ci95_upper", "min", "max", "mad_pct"]
        for (record, object) in zip(csv.dropFirst(), rows) {
            for (column, field) in zip(SummaryFile.columns, record) {
                let value = object[column]
                if value is NSNull {
                    #expect(field.isEmpty, "\(column): empty in the CSV, null in the JSON")
                } else if numeric.contains(column) {
                    #expect(Double(field) == (value as? NSNumber)?.doubleValue, "\(column)")
                } else if column == "unstable" {
                    #expect((value as? Bool).map { String($0) } == field, "\(column)")
                } else {
                    #expect(field == value as? String, "\(column)")
                }
            }
        }
    }

    @Test func pagesHoldTheTablesEveryChartAndTheGuide() throws {
        let report = try Report(data: RunData.load([SampleRuns.folder(runs, name: "page")]))
        let html = ReportPage.render(report)
        // Self-contained: nothing loaded, no script; links are relative (the chart files, the CSVs).
        #expect(!html.contains("src=") && !html.contains("<script") && !html.contains("href=\"http"))
        for chart in report.charts {
            #expect(html.contains(ReportPage.inline(chart.svg)), "\(chart.fileName) inline")
        }
        for heading in ["Summary", "ns/op relative to system", "Charts", "Reading the report"] {
            #expect(html.contains("<h2>\(heading)</h2>"))
        }
        #expect(html.contains("all 1 failed"))
        let markdown = ReportMarkdown.render(report)
        #expect(markdown.contains("| S/A | jemalloc | 1 | 8.025 |"))
        #expect(markdown.contains("![S: time per operation](charts/s-ns-per-op.svg)"))
        #expect(markdown.contains("| S/A | 1 | 0.80x | failed |"))
    }

    @Test func baselineMustBeAnAllocatorOfTheRun() throws {
        let data = try RunData.load([SampleRuns.folder(runs, name: "baseline")])
        #expect(try Report(data: data).baseline == "system")
        #expect(try Report(data: data, baseline: "jemalloc").baseline == "jemalloc")
        #expect(throws: InputError("--baseline tcmalloc is not an allocator of this run; its allocators are system, jemalloc, go")) {
            try Report(data: data, baseline: "tcmalloc")
        }
    }

    @Test func workloadMetricsAreSummarisedAndTabulated() throws {
        var measured = runs
        for index in measured.indices where measured[index].status == .ok { measured[index].metrics["ops/s"] = 1e8 }
        let summary = Summary.rows(measured)
        #expect(summary.contains { $0.metric == "ops/s" && $0.n == 6 })
        let table = try #require(ExtraMetricsTable.table(summary, runs: measured))
        #expect(table.rows.map { $0[3] } == ["ops/s", "ops/s"])
        #expect(ExtraMetricsTable.table(Summary.rows(runs), runs: runs) == nil)
    }

    /// The latency pass's and the batches' percentiles: medians over repetitions, a row per cell
    /// that has them, the free columns empty where nothing was freed (go-gc).
    @Test func latencyIsTabulatedWhereThePassRan() throws {
        var measured = SampleRuns.cell("Pair80", "system", [10, 12, 14]) + SampleRuns.cell("Pair80", "go-gc", [20, 22, 24])
            + SampleRuns.cell("CopyIt", "system", [8, 8, 8])
        for index in measured.indices where measured[index].workload == "Pair80" {
            let rep = Double(measured[index].rep)
            measured[index].allocLatency = CallLatency(p50: 40 + rep, p99: 50, p999: 60, max: 1000 * rep)
            if measured[index].allocator == "system" { measured[index].freeLatency = CallLatency(p50: 30, p99: 40, p999: 50, max: 500) }
            measured[index].opLatency = BatchPercentiles(p50: 9, p90: 10, p99: 11 + rep)
        }
        let table = try #require(LatencyTable.table(Summary.rows(measured), runs: measured))
        #expect(table.rows.count == 2, "CopyIt has no latency row")
        let system = try #require(table.rows.first { $0.contains("system") })
        #expect(Array(system.suffix(11)) == ["12.00", "9.000", "13.00", "42.00", "50.00", "60.00", "2000", "30.00", "40.00", "50.00", "500.0"])
        let managed = try #require(table.rows.first { $0.contains("go-gc") })
        #expect(Array(managed.suffix(4)) == ["", "", "", ""])
        #expect(LatencyTable.table(Summary.rows(runs), runs: runs) == nil)
    }
}

@Suite struct RunDataTests {
    @Test func mergingKeepsEveryColumnAndEachRowsHost() throws {
        let first = try SampleRuns.folder(SampleRuns.cell("A", "system", [1, 2], host: "node1"), name: "merge-1")
        let second = try SampleRuns.folder(SampleRuns.cell("B", "system", [3, 4], host: "node2"), name: "merge-2")
        // An older runs.csv, without started_at and the columns after it, still merges.
        let text = try String(contentsOfFile: second + "/runs.csv", encoding: .utf8)
        let kept = try #require(RunsCSV.columns.firstIndex(of: "started_at"))
        let older: [[String]] = CSV.parse(text).map { Array($0.prefix(kept)) }
        try older.map(CSV.line).joined().write(toFile: second + "/runs.csv", atomically: true, encoding: String.Encoding.utf8)

        let data = try RunData.load([first, second])
        #expect(data.runsDocument.header == RunsCSV.columns)
        #expect(data.runs.map(\.host) == ["node1", "node1", "node2", "node2"])
        #expect(data.runs.map(\.startedAt).last == "")

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-merged-\(UUID())").path
        try data.writeMerged(to: out)
        let merged = try RunData.load([out])
        #expect(merged.runs == data.runs)
        #expect(throws: InputError.self) { try data.writeMerged(to: out) } // never overwrites a run
    }

    @Test func badFoldersAreRefusedWithTheReason() throws {
        let folder = try SampleRuns.folder(SampleRuns.cell("A", "system", [1]), name: "twice")
        #expect(throws: InputError("\(URL(fileURLWithPath: folder).resolvingSymlinksInPath().path) is given twice; give each results folder once")) {
            try RunData.load([folder, folder])
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-empty-\(UUID())").path
        #expect(throws: InputError("\(empty) holds no readable runs.csv; give a folder that `bench run` wrote")) {
            try RunData.load([empty])
        }
        try "suite,workload\nS,A\n".write(toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        #expect(throws: InputError.self) { try RunData.load([folder]) }
    }

    @Test func memStatsRowsRoundTrip() throws {
        let rows = ChartTests.memStats
        #expect(try MemStatsCSV.parse(MemStatsCSV.header + rows.map(MemStatsCSV.line).joined()) == rows)
        #expect(CSV.parse(MemStatsCSV.header).first?.prefix(8) == ["run_id", "host", "suite", "workload", "allocator", "threads", "rep", "tick"])
        #expect(CSV.parse(MemStatsCSV.header).first?.count == 8 + 26 + 3)
    }
}
