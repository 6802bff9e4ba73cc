import BenchKit
import BenchResults
/// `memstats-changes.md`: for every workload that took MemStats samples, the fields that changed
/// between its first and last sample, per allocator, in words, as Go's classic MemStats tour prints
/// them ("HeapInuse differs by 8192"), beside the stack high-water mark when the workload reports
/// one. `memstats.csv` has every sample; this file is the reading of it.
///
/// A markdown file in the run folder rather than terminal output: with five allocators and several
/// scenarios it is longer than a terminal screen, and it is the part of a run one publishes.
public enum MemStatsChanges {

    /// The report for `rows`, the ok rows of cells that took at least two samples (their
    /// `Δ<Field>` metrics are the changes); nil when there are none.
    public static func markdown(_ rows: [RunRow]) -> String? {
        guard !rows.isEmpty else { return nil }
        var text = """
            # MemStats changes

            Fields that changed between the first and the last MemStats sample of each workload that \
            takes samples, per allocator (`memstats.csv` has every sample). A field that did not \
            change, or that the allocator does not provide, is left out (see the README's MemStats \
            table for which allocator provides what). With several repetitions: the median change, \
            and the range when the repetitions disagree.

            """
        for group in groups(rows) {
            let first = group[0]
            text += "\n## \(first.fullName)\(first.threads > 1 ? " (threads=\(first.threads))" : "")\n\n"
            for allocator in orderedUnique(group.map(\.allocator)) {
                let reps = group.filter { $0.allocator == allocator }
                text += "- **\(allocator)**: \(describe(reps))\n"
            }
        }
        return text
    }

    /// Rows grouped by workload and threads, in the order they first appear.
    static func groups(_ rows: [RunRow]) -> [[RunRow]] {
        let keys = orderedUnique(rows.map { "\($0.fullName)\t\($0.threads)" })
        return keys.map { key in rows.filter { "\($0.fullName)\t\($0.threads)" == key } }
    }

    /// One allocator's line: the changes, then the stack high-water mark.
    static func describe(_ reps: [RunRow]) -> String {
        let units = Set(reps.flatMap(\.metrics.keys)).filter { $0.hasPrefix(MetricName.memStatsChangePrefix) }
        // Order the fields as Go's MemStats does.
        let changes = MemStatsField.allCases.compactMap { field -> String? in
            let unit = MetricName.change(field)
            guard units.contains(unit) else { return nil }
            // A repetition without the metric saw no change: the same allocator provides the same fields.
            return "\(field.rawValue) differs by \(summarise(reps.map { $0.metrics[unit] ?? 0 }))"
        }
        var parts = [changes.isEmpty ? "no field changed" : changes.joined(separator: ", ")]
        let stack = reps.compactMap { $0.metrics[MetricName.stackBytes] }
        if !stack.isEmpty {
            parts.append("stack high-water mark \(summarise(stack)) bytes")
        }
        return parts.joined(separator: "; ")
    }

    /// `8192`, or `1 (median of 5; 0 to 1)` when the values differ.
    static func summarise(_ values: [Double]) -> String {
        let median = Statistics.median(values) ?? 0
        guard let low = values.min(), let high = values.max(), low != high else { return number(median) }
        return "\(number(median)) (median of \(values.count); \(number(low)) to \(number(high)))"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 9e15 ? String(Int64(value)) : NumberFormat.goStyle(value)
    }

    static func orderedUnique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
