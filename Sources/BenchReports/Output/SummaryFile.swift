import BenchKit
import BenchResults
/// `summary.csv` and `summary.json`: the same columns with the same numbers, as CSV for
/// spreadsheets and as JSON for dashboards.
///
/// Both are written from one list of typed cells per row, and numbers are formatted once (by
/// `CSV.number`: shortest round-trip form, which is also valid JSON), so the two files
/// cannot disagree.
public enum SummaryFile {
    public static let jsonSchemaVersion = 1

    /// One cell of a row: text, a number already formatted (empty for none) or a flag.
    enum Value: Equatable {
        case text(String)
        case number(String)
        case flag(Bool)
    }

    /// The columns, each once: name and value. Columns are only ever added at the end.
    static let table: [(name: String, value: @Sendable (SummaryRow) -> Value)] = [
        ("suite", { .text($0.suite) }),
        ("workload", { .text($0.workload) }),
        ("allocator", { .text($0.allocator) }),
        ("threads", { .number(String($0.threads)) }),
        ("metric", { .text($0.metric) }),
        ("n", { .number(String($0.n)) }),
        ("median", { .number(CSV.number($0.median, as: .real)) }),
        ("ci95_lower", { .number(CSV.number($0.ciLower, as: .real)) }),
        ("ci95_upper", { .number(CSV.number($0.ciUpper, as: .real)) }),
        ("min", { .number(CSV.number($0.min, as: .real)) }),
        ("max", { .number(CSV.number($0.max, as: .real)) }),
        ("mad_pct", { .number($0.madPercent.map { NumberFormat.fixed($0, 2) } ?? "") }),
        ("unstable", { .flag($0.unstable) }),
        ("modes", { .text(Summary.describe($0.modes)) }),
        ("host", { .text($0.host) }),
        ("run_id", { .text($0.runID) }),
        ("commit", { .text($0.commit) }),
    ]

    public static var columns: [String] { table.map(\.name) }

    static func values(_ row: SummaryRow) -> [Value] {
        table.map { $0.value(row) }
    }

    public static func csv(_ rows: [SummaryRow]) -> String {
        CSV.line(columns) + rows.map { row in
            CSV.line(values(row).map { value in
                switch value {
                case .text(let text), .number(let text): text
                case .flag(let flag): flag ? "true" : "false"
                }
            })
        }.joined()
    }

    /// `{"schema_version": 1, "columns": [...], "rows": [{"suite": ..., ...}, ...]}`, one row per line,
    /// keys in column order, a missing number as `null`.
    public static func json(_ rows: [SummaryRow]) -> String {
        let objects = rows.map { row in
            let members = zip(columns, values(row)).map { column, value in
                let json = switch value {
                case .text(let text): text.isEmpty ? "null" : JSONText.string(text) // absent: null, as in params.json
                case .number(let text): text.isEmpty ? "null" : text
                case .flag(let flag): flag ? "true" : "false"
                }
                return "\(JSONText.string(column)): \(json)"
            }
            return "    {" + members.joined(separator: ", ") + "}"
        }
        return """
        {
          "schema_version": \(jsonSchemaVersion),
          "columns": [\(columns.map(JSONText.string).joined(separator: ", "))],
          "rows": [
        \(objects.joined(separator: ",\n"))
          ]
        }

        """
    }
}
