import ArgumentParser
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write summary.csv, summary.json, report.md, charts/*.svg and index.html from results folders.",
        discussion: """
            One folder: the report is written into it (an old run is re-rendered). Several folders (the shards of \
            one plan, or runs of several machines): their rows are merged, each keeping its host, into the --out \
            folder, which then holds runs.csv, memstats.csv, bench.txt and params/ as well as the report.
            """)

    @Argument(help: "Results folders written by bench run.")
    var folders: [String]

    @Option(help: "Where to write the report (required with several folders; default: the folder itself).")
    var out: String?

    @Option(help: "The allocator others are divided by in the ratio table and chart (default: system).")
    var baseline: String?

    func run() throws {
        if folders.count > 1, out == nil {
            throw InputError("\(folders.count) folders are merged into a new one: give it with --out DIR")
        }
        let data = try RunData.load(folders)
        for warning in data.warnings { printToStandardError("warning: \(warning)") }
        let destination = out ?? folders[0]
        // Anywhere but the one input folder, the rows go along, so the report can be made again.
        if folders.count > 1 || !Self.sameFolder(destination, folders[0]) {
            try data.writeMerged(to: destination)
        }
        let report = try Report(data: data, baseline: baseline)
        try report.write(to: destination)
        print("report: \(RunFiles.path(destination, RunFiles.page)) (\(report.charts.count) charts; also "
            + RunFiles.report.filter { $0 != RunFiles.page }.joined(separator: ", ") + ")")
        print(Self.benchstatHint(destination))
    }

    /// The benchstat command that compares the allocators of a run, for the end of `run` and `report`.
    static func benchstatHint(_ folder: String) -> String {
        "compare the allocators with benchstat: benchstat -col /alloc \(RunFiles.path(folder, RunFiles.benchFormat))"
    }

    static func sameFolder(_ a: String, _ b: String) -> Bool {
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolved(a) == resolved(b)
    }
}
