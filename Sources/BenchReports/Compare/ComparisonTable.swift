import BenchKit
import BenchResults
/// A ``Comparison`` as tables, one per metric, laid out like `benchstat`'s:
///
///     workload           allocator  threads  old            new            vs old    p      n
///     BigStruct/CopyIt   system           1  15.58 ± 3.7%   16.43 ± 2.1%   +5.46%    0.008  5+5
///     BigStruct/PointerIt system          1  41.40 ± 9.6%   40.02 ± 4.0%   ~         0.421  5+5
///     geomean                                25.40          25.64          +0.95%
public enum ComparisonTable {
    public static func tables(_ comparison: Comparison) -> [(title: String, table: ReportTable)] {
        comparison.sections.map { section in (title: section.metric.unit == section.metric.name ? section.metric.name
                                                : "\(section.metric.name) (\(section.metric.unit))",
                                              table: table(section, comparison)) }
    }

    /// `BigStruct/CopyIt system 1 ns/op +7.10% (p=0.008)`: one line on a regression (`(exact)`
    /// for a count).
    public static func describe(_ regression: (metric: Metric, row: Comparison.Row)) -> String {
        "\(regression.row.key.joined(separator: " ")) \(regression.metric.unit) "
            + "\(NumberFormat.signedPercent(regression.row.changePercent ?? 0)) (\(pColumn(regression.row)))"
    }

    /// `p=0.008`, or `exact` for a metric compared without a test.
    static func pColumn(_ row: Comparison.Row) -> String {
        row.exact ? "exact" : "p=" + NumberFormat.fixed(row.test?.pValue ?? 1, 3)
    }

    static func table(_ section: Comparison.Section, _ comparison: Comparison) -> ReportTable {
        let metric = section.metric
        let columns = comparison.keyColumns.map { ReportTable.Column($0, numeric: $0 == "threads") }
            + [comparison.oldName, comparison.newName, "vs \(comparison.oldName)", "p", "n"].map { ReportTable.Column($0, numeric: true) }
        var anyTooFew = false, anyWithoutInterval = false
        var rows = section.rows.map { row -> [String] in
            func describe(_ values: [Double]) -> String {
                guard let median = Statistics.median(values) else { return "" }
                let interval = Statistics.medianConfidenceInterval(values)
                let percent = interval.flatMap { Statistics.intervalPercent(median: median, lower: $0.lower, upper: $0.upper) }
                if percent == nil { anyWithoutInterval = true }
                return metric.format(median) + " " + NumberFormat.plusMinus(percent)
            }
            var change = ""
            if !row.old.isEmpty, !row.new.isEmpty {
                if !row.canBeSignificant { anyTooFew = true }
                if row.isSignificant, let percent = row.changePercent {
                    change = NumberFormat.signedPercent(percent)
                } else {
                    change = row.canBeSignificant ? "~" : "~ ¹"
                }
            }
            return row.key + [describe(row.old), describe(row.new), change,
                              row.exact ? "exact" : row.test.map { NumberFormat.fixed($0.pValue, 3) } ?? "",
                              "\(row.old.count)+\(row.new.count)"]
        }
        if let geomean = section.geomean {
            let change = NumberFormat.signedPercent((geomean.new / geomean.old - 1) * 100)
            rows.append(["geomean"] + Array(repeating: "", count: comparison.keyColumns.count - 1)
                        + [metric.format(geomean.old), metric.format(geomean.new), change, "", ""])
        }
        var footnotes = metric.isExact
            ? ["exact: counts are the same in every process, so any change is real; ~ only when identical."]
            : ["~: no significant difference (two-sided Mann-Whitney U test, p ≥ \(NumberFormat.compact(Comparison.alpha)))."]
        if anyTooFew {
            footnotes.append("¹ too few repetitions to show any difference at p < \(NumberFormat.compact(Comparison.alpha)): "
                + "run at least 4 on each side (--count 4).")
        }
        if anyWithoutInterval { footnotes.append(Summary.noIntervalFootnote) }
        if section.geomean != nil, section.rowsOutsideGeomean > 0 {
            footnotes.append("geomean: over the \(section.rows.count - section.rowsOutsideGeomean) rows with both medians above 0.")
        }
        return ReportTable(columns: columns, rows: rows, footnotes: footnotes)
    }
}
