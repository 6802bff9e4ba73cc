/// The table `bench run` prints at the end: medians per workload, allocator and threads.
public enum TerminalTable {
    public static func render(_ summary: [SummaryRow], runs: [RunRow]) -> String {
        struct Key: Hashable { let suite, workload, allocator: String; let threads: Int }
        var byKey: [Key: [String: SummaryRow]] = [:]
        for row in summary {
            let key = Key(suite: row.suite, workload: row.workload, allocator: row.allocator, threads: row.threads)
            byKey[key, default: [:]][row.metric] = row
        }
        var order: [Key] = []
        for run in runs {
            let key = Key(suite: run.suite, workload: run.workload, allocator: run.allocator, threads: run.threads)
            if !order.contains(key) { order.append(key) }
        }
        var table: [[String]] = [["workload", "allocator", "threads", "ns/op", "± MAD", "max/min", "B/op", "allocs/op",
                                  "peak RSS", "reps", "note"]]
        for key in order {
            let metrics = byKey[key] ?? [:]
            let reps = runs.filter { $0.suite == key.suite && $0.workload == key.workload && $0.allocator == key.allocator && $0.threads == key.threads }
            let ok = reps.filter { $0.status == .ok }.count
            guard let time = metrics["ns_per_op"] else {
                let reason = reps.first { $0.status == .notApplicable }.map { "n/a: " + $0.error }
                    ?? "all \(reps.count) failed"
                table.append(["\(key.suite)/\(key.workload)", key.allocator, String(key.threads), "", "", "", "", "", "",
                              "\(ok)/\(reps.count)", reason])
                continue
            }
            let spread = time.min > 0 ? time.max / time.min : 1
            var note = ""
            if time.unstable {
                note = "UNSTABLE: modes " + Summary.describe(time.modes.isEmpty ? Statistics.modes([time.min, time.max]) : time.modes)
            }
            if ok < reps.count { note += (note.isEmpty ? "" : "; ") + "\(reps.count - ok) failed" }
            table.append([
                "\(key.suite)/\(key.workload)", key.allocator, String(key.threads),
                NumberFormat.goStyle(time.median),
                time.madPercent.map { NumberFormat.fixed($0, 1) + "%" } ?? "",
                NumberFormat.fixed(spread, 2),
                metrics["bytes_per_op"].map { NumberFormat.goStyle($0.median) } ?? "",
                metrics["allocs_per_op"].map { NumberFormat.goStyle($0.median) } ?? "",
                metrics["peak_rss_bytes"].map { NumberFormat.bytes($0.median) } ?? "",
                "\(ok)/\(reps.count)", note,
            ])
        }
        return format(table)
    }

    /// Left-aligns text columns and right-aligns numbers.
    static func format(_ table: [[String]]) -> String {
        guard let header = table.first else { return "" }
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        let numeric = header.indices.map { column in
            table.dropFirst().allSatisfy { row in row[column].isEmpty || row[column].first!.isNumber }
        }
        return table.map { row in
            row.indices.map { column in
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return numeric[column] && column < row.count - 1 ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
