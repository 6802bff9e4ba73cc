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
            Mann-Whitney U test; ~ when p >= 0.05 (counts such as instructions_per_op are exact: compared without a \
            test). With --threshold, the exit status is 1 when a time metric got significantly slower, or an exact \
            count grew, by more than the threshold, or when a cell of OLD has no measurement in NEW (missing or \
            failed), so CI can gate on it.
            """)

    @Argument(help: "OLD and NEW results folders, or one folder with --by allocator.")
    var folders: [String]

    @Option(help: "Compare within one folder by this dimension: allocator.")
    var by: String?

    @Option(help: "With --by allocator: the allocator the others are compared with (default: system).")
    var baseline = "system"

    @Option(help: "Exit 1 when ns/op got significantly slower, or instructions/op grew, by more than this, like 5%; or when a cell of OLD was not measured in NEW.")
    var threshold: String?

    @Option(help: "Comma-separated metrics to show, or all (default: ns_per_op, bytes_per_op, allocs_per_op, peak_rss_bytes and every metric a workload reported).")
    var metrics: String?

    func run() throws {
        let limit = try threshold.map(Self.percent)
        let selected = metrics.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let comparison: Comparison
        var unmeasured: [String] = []
        switch (by, folders.count) {
        case (nil, 2):
            let old = try RunData.load([folders[0]]).runs, new = try RunData.load([folders[1]]).runs
            comparison = try Comparison.runs(old: old, new: new, oldName: "old", newName: "new", metrics: selected)
            unmeasured = Comparison.unmeasured(old: old, new: new)
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
        // A gate never passes what it did not measure.
        for cell in unmeasured { print("not measured: " + cell) }
        let regressions = comparison.regressions(beyond: limit)
        for regression in regressions { print("regression: " + ComparisonTable.describe(regression)) }
        if !regressions.isEmpty || !unmeasured.isEmpty {
            var verdict: [String] = []
            if !regressions.isEmpty {
                verdict.append("\(regressions.count) significant regression\(regressions.count == 1 ? "" : "s") beyond \(threshold!)")
            }
            if !unmeasured.isEmpty {
                verdict.append("\(unmeasured.count) cell\(unmeasured.count == 1 ? "" : "s") of the old run not measured in the new one")
            }
            print(verdict.joined(separator: "; "))
            throw ExitCode(1)
        }
        print("no significant regression beyond \(threshold!) (time per op, and instruction counts where measured)")
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
