import BenchKit
import BenchResults
/// Per workload x allocator x threads (on one host) and per metric: the statistics of its repetitions.
public struct SummaryRow: CellRow, Equatable, Sendable {
    /// The cell, with the machine that measured it (merged runs keep each row's host apart).
    public var cell: CellKey
    public var metric: String
    /// Repetitions that produced the metric.
    public var n: Int
    public var median: Double
    public var ciLower: Double?
    public var ciUpper: Double?
    public var min: Double
    public var max: Double
    /// Median absolute deviation as a percentage of the median.
    public var madPercent: Double?
    /// Repetitions disagree: max/min above ``Summary/unstableSpread`` (time metrics only).
    public var unstable: Bool
    /// The groups the repetitions fall into, when there is more than one.
    public var modes: [Statistics.Mode]
    /// The run (or, merged, the runs) the repetitions come from, to join with runs.csv.
    public var runID = ""
    /// Their commit(s), from params.json; empty when unknown.
    public var commit = ""

    /// The 95% confidence interval, when there is one.
    public var interval: (lower: Double, upper: Double)? {
        guard let ciLower, let ciUpper else { return nil }
        return (ciLower, ciUpper)
    }

    /// The 95% confidence interval's half-width relative to the median, in percent: the larger
    /// side, as `benchstat` prints it. Nil without an interval (fewer than 6 repetitions) or
    /// for a zero median.
    public var ciPercent: Double? {
        interval.flatMap { Statistics.intervalPercent(median: median, lower: $0.lower, upper: $0.upper) }
    }

    /// Rows by cell, then by metric name.
    public static func byCell(_ rows: [SummaryRow]) -> [CellKey: [String: SummaryRow]] {
        var byCell: [CellKey: [String: SummaryRow]] = [:]
        for row in rows { byCell[row.cell, default: [:]][row.metric] = row }
        return byCell
    }
}

/// Summarises `runs.csv` rows.
public enum Summary {
    /// A cell whose slowest repetition is this much slower than its fastest is unstable...
    public static let unstableSpread = 1.25
    /// ...unless the difference is below this many ns/op, too small for any comparison to use
    /// (an empty loop measures 0.00000002 ns in one process and 0.00000004 in the next).
    public static let unstableFloorNs = 0.1
    /// The footnote for `± ∞`, which tables print instead of an interval that does not exist.
    public static let noIntervalFootnote =
        "± ∞: fewer than 6 repetitions, too few for a 95% confidence interval of the median (run with --count 6 or more)"

    /// One row per cell and metric, cells in report order (see ``CellGroup/inReportOrder(_:)``).
    /// Only measured rows count: failed repetitions have no numbers.
    /// `commits` maps a run id to its commit (from params.json), for the rows' `commit` column.
    public static func rows(_ runs: [RunRow], commits: [String: String] = [:]) -> [SummaryRow] {
        CellGroup.inReportOrder(runs.filter { $0.status == .ok }).flatMap { group in
            let runIDs = unique(group.runs.map(\.runID))
            return Metric.all(in: group.runs).compactMap { metric -> SummaryRow? in
                let values = metric.values(group.runs)
                guard let median = Statistics.median(values) else { return nil }
                let ci = Statistics.medianConfidenceInterval(values)
                let low = values.min()!, high = values.max()!
                // Only times are judged: process layout can move a cell's time by 2x, where its
                // counts and sizes stay put.
                let unstable = metric.isTime && low > 0 && high / low > unstableSpread && high - low >= unstableFloorNs
                let modes = Statistics.modes(values)
                let key = group.cell
                return SummaryRow(
                    cell: key, metric: metric.name, n: values.count, median: median, ciLower: ci?.lower, ciUpper: ci?.upper,
                    min: low, max: high,
                    madPercent: median != 0 ? Statistics.medianAbsoluteDeviation(values).map { $0 / abs(median) * 100 } : nil,
                    unstable: unstable, modes: unstable && modes.count > 1 ? modes : [],
                    runID: runIDs.joined(separator: "; "), commit: unique(runIDs.compactMap { commits[$0] }).joined(separator: "; "))
            }
        }
    }

    /// `19.8x3 40.1x2`: each mode's median and how many repetitions fall in it.
    public static func describe(_ modes: [Statistics.Mode]) -> String {
        modes.map { "\(NumberFormat.goStyle($0.median))x\($0.count)" }.joined(separator: " ")
    }
}
