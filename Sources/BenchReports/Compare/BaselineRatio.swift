import BenchKit
import BenchResults
/// One allocator's median ns/op over the baseline allocator's on the same workload, thread count
/// and machine, and whether the U test tells the two apart: what the ratio chart draws and the
/// ratio table prints.
struct BaselineRatio {
    let ratio: Double
    let significant: Bool
    let unstable: Bool
    /// Each repetition over the baseline's median.
    let points: [(rep: Int, value: Double)]

    /// Nil when either cell has no ns/op (it failed) or the baseline's median is 0.
    init?(_ group: CellGroup, baseline: CellGroup, summary: [CellKey: [String: SummaryRow]]) {
        guard let row = summary[group.cell]?["ns_per_op"], let base = summary[baseline.cell]?["ns_per_op"],
              base.median > 0 else { return nil }
        ratio = row.median / base.median
        let test = MannWhitneyU.test(Metric.nsPerOp.values(baseline.runs), Metric.nsPerOp.values(group.runs))
        significant = (test?.pValue ?? 1) < Comparison.alpha
        unstable = row.unstable
        points = group.runs.compactMap { run in run.nsPerOp.map { (run.rep, $0 / base.median) } }
    }

    /// `0.83x`, `1.02x ~`, `2.10x unstable`.
    var text: String {
        ([NumberFormat.fixed(ratio, 2) + "x"] + notes).joined(separator: " ")
    }

    /// `~` (not significant) and `unstable`, as the chart prints them after the bar.
    var notes: [String] {
        (significant ? [] : ["~"]) + (unstable ? ["unstable"] : [])
    }

    /// What `~` means, under every table and chart that prints it.
    static func footnote(_ baseline: String) -> String {
        "~: not significantly different from \(baseline) (two-sided Mann-Whitney U test, p ≥ \(NumberFormat.compact(Comparison.alpha)))."
    }
}
