import ArgumentParser
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs (OLD NEW), or the allocators of one run (DIR --by allocator), like benchstat.",
        discussion: """
            Per metric: the median of each side with its 95% interval, the change, and the p-value of a two-sided \
            Mann-Whitney U test; ~ when p >= 0.05. With --threshold, the exit status is 1 when a time metric got \
            significantly slower by more than the threshold, so CI can gate on it.
            """)

    @Argument(help: "OLD and NEW results folders, or one folder with --by allocator.")
    var folders: [String]

    @Option(help: "Compare within one folder by this dimension: allocator.")
    var by: String?

    @Option(help: "With --by allocator: the allocator the others are compared with (default: system).")
    var baseline = "system"

    @Option(help: "Exit 1 when ns/op got significantly slower by more than this, like 5%.")
    var threshold: String?

    @Option(help: "Comma-separated metrics to show, or all (default: ns_per_op, bytes_per_op, allocs_per_op, peak_rss_bytes and every metric a workload reported).")
    var metrics: String?

    func run() throws {
        let limit = try threshold.map(Self.percent)
        let selected = metrics.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let comparison: Comparison
        switch (by, folders.count) {
        case (nil, 2):
            comparison = try Comparison.runs(old: RunData.load([folders[0]]).runs, new: RunData.load([folders[1]]).runs,
                                             oldName: "old", newName: "new", metrics: selected)
        case (nil, _):
            throw InputError("give two results folders (OLD NEW), or one with --by allocator; got \(folders.count)")
        case ("allocator"?, 1):
            comparison = try Comparison.allocators(RunData.load(folders).runs, baseline: baseline, metrics: selected)
        case ("allocator"?, _):
            throw InputError("--by allocator compares the allocators of one results folder; got \(folders.count)")
        case (let other?, _):
            throw InputError("--by \(other) is not supported; the one dimension is allocator")
        }
        print(folders.count == 2 ? "old: \(folders[0])\nnew: \(folders[1])\n" : "run: \(folders[0])\n")
        for (title, table) in ComparisonTable.tables(comparison) {
            print(title)
            print(table.text())
        }
        guard let limit else { return }
        let regressions = comparison.regressions(beyond: limit)
        if !regressions.isEmpty {
            for regression in regressions { print("regression: " + ComparisonTable.describe(regression)) }
            print("\(regressions.count) significant time regression\(regressions.count == 1 ? "" : "s") beyond \(threshold!)")
            throw ExitCode(1)
        }
        print("no significant time regression beyond \(threshold!)")
    }

    /// `5%` or `5` as 5 (percent).
    static func percent(_ text: String) throws(InputError) -> Double {
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else {
            throw InputError("--threshold '\(text)' is not a percentage; use for example 5% or 2.5%")
        }
        return value
    }
}
