/// Per workload x allocator x threads and per metric: the statistics of its repetitions.
public struct SummaryRow: Equatable, Sendable {
    public var suite: String
    public var workload: String
    public var allocator: String
    public var threads: Int
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

    public var fullName: String { "\(suite)/\(workload)" }
}

/// Summarises `runs.csv` rows.
public enum Summary {
    /// A cell whose slowest repetition is this much slower than its fastest is unstable...
    public static let unstableSpread = 1.25
    /// ...unless the difference is below this many ns/op, too small for any comparison to use
    /// (an empty loop measures 0.00000002 ns in one process and 0.00000004 in the next).
    public static let unstableFloorNs = 0.1
    /// Metrics checked for stability: times, where process layout can move a cell by 2x.
    static let timeMetrics: Set<String> = ["ns_per_op"]

    /// One row per cell group and metric, in the order the groups first appear.
    public static func rows(_ runs: [RunRow]) -> [SummaryRow] {
        struct Key: Hashable { let suite, workload, allocator: String; let threads: Int }
        var order: [Key] = []
        var groups: [Key: [RunRow]] = [:]
        for run in runs where run.status == .ok {
            let key = Key(suite: run.suite, workload: run.workload, allocator: run.allocator, threads: run.threads)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(run)
        }
        return order.flatMap { key in
            metricValues(groups[key]!).compactMap { metric, values -> SummaryRow? in
                guard let median = Statistics.median(values) else { return nil }
                let ci = Statistics.medianConfidenceInterval(values)
                let low = values.min()!, high = values.max()!
                let isTime = timeMetrics.contains(metric)
                let unstable = isTime && low > 0 && high / low > unstableSpread && high - low >= unstableFloorNs
                let modes = Statistics.modes(values)
                return SummaryRow(
                    suite: key.suite, workload: key.workload, allocator: key.allocator, threads: key.threads,
                    metric: metric, n: values.count, median: median, ciLower: ci?.lower, ciUpper: ci?.upper,
                    min: low, max: high,
                    madPercent: median != 0 ? Statistics.medianAbsoluteDeviation(values).map { $0 / abs(median) * 100 } : nil,
                    unstable: unstable, modes: unstable && modes.count > 1 ? modes : [])
            }
        }
    }

    /// Every metric of the rows with the values it has, in a fixed order.
    static func metricValues(_ runs: [RunRow]) -> [(String, [Double])] {
        var metrics: [(String, (RunRow) -> Double?)] = [
            ("ns_per_op", \.nsPerOp), ("bytes_per_op", \.bytesPerOp), ("allocs_per_op", \.allocsPerOp),
            ("counted_ns_per_op", \.countedNsPerOp),
            ("peak_rss_bytes", { $0.process?.peakRSSBytes.map { Double($0) } }),
            ("minor_faults", { $0.process.map { Double($0.minorFaults) } }),
            ("major_faults", { $0.process.map { Double($0.majorFaults) } }),
            ("vol_ctx_switches", { $0.process.map { Double($0.voluntaryContextSwitches) } }),
            ("invol_ctx_switches", { $0.process.map { Double($0.involuntaryContextSwitches) } }),
            ("user_s", { $0.process?.userSeconds }), ("sys_s", { $0.process?.systemSeconds }),
        ]
        metrics += MemStatsField.allCases.map { field in (field.rawValue, { $0.memStats[field] }) }
        let extra = Set(runs.flatMap(\.metrics.keys)).sorted()
        metrics += extra.map { unit in (unit, { $0.metrics[unit] }) }
        return metrics.compactMap { name, value in
            let values = runs.compactMap(value)
            return values.isEmpty ? nil : (name, values)
        }
    }

    public static let csvColumns = ["suite", "workload", "allocator", "threads", "metric", "n", "median", "ci95_lower",
                                    "ci95_upper", "min", "max", "mad_pct", "unstable", "modes"]

    public static func csv(_ rows: [SummaryRow]) -> String {
        CSV.line(csvColumns) + rows.map { row in
            CSV.line([row.suite, row.workload, row.allocator, String(row.threads), row.metric, String(row.n),
                      CSV.number(row.median), CSV.number(row.ciLower), CSV.number(row.ciUpper), CSV.number(row.min),
                      CSV.number(row.max), row.madPercent.map { NumberFormat.fixed($0, 2) } ?? "",
                      row.unstable ? "true" : "false", describe(row.modes)])
        }.joined()
    }

    /// `19.8x3 40.1x2`: each mode's median and how many repetitions fall in it.
    public static func describe(_ modes: [Statistics.Mode]) -> String {
        modes.map { "\(NumberFormat.goStyle($0.median))x\($0.count)" }.joined(separator: " ")
    }
}
