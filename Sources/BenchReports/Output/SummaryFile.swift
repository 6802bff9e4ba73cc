import BenchKit
import BenchResults
/// `summary.csv` and `summary.json`: the same columns with the same numbers, as CSV for
/// spreadsheets and as JSON for dashboards.
///
/// Both are written from one list of typed cells per row, and numbers are formatted once (by
/// `CSV.number`: shortest round-trip form, which is also valid JSON), so the two files
/// cannot disagree.
public enum SummaryFile {
    /// Columns are only ever added at the end.
    public static let columns = ["suite", "workload", "allocator", "threads", "metric", "n", "median", "ci95_lower",
                                 "ci95_upper", "min", "max", "mad_pct", "unstable", "modes", "host"]
    public static let jsonSchemaVersion = 1

    /// One cell of a row: text, a number already formatted (empty for none) or a flag.
    enum Value: Equatable {
        case text(String)
        case number(String)
        case flag(Bool)
    }

    static func values(_ row: SummaryRow) -> [Value] {
        [.text(row.suite), .text(row.workload), .text(row.allocator), .number(String(row.threads)), .text(row.metric),
         .number(String(row.n)), .number(CSV.number(row.median)), .number(CSV.number(row.ciLower)),
         .number(CSV.number(row.ciUpper)), .number(CSV.number(row.min)), .number(CSV.number(row.max)),
         .number(row.madPercent.map { NumberFormat.fixed($0, 2) } ?? ""), .flag(row.unstable),
         .text(Summary.describe(row.modes)), .text(row.host)]
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
                case .text(let text): JSONText.string(text)
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
