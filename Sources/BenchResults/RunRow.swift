import BenchKit
/// How a cell ended.
public enum CellStatus: String, Codable, Sendable {
    /// Measured.
    case ok
    /// A worker was killed by a signal.
    case crashed
    /// A worker exited non-zero, or refused the request.
    case failed
    /// A worker ran past `--timeout` and was killed.
    case timeout

    /// Whether the cell failed (and the run should exit 1).
    public var isFailure: Bool { self != .ok }
}

/// One row of `runs.csv`: one repetition of one cell (workload x allocator x threads).
public struct RunRow: CellRow, Equatable, Sendable {
    public var cell: CellKey
    public var runID: String
    public var allocatorVersion: String = ""
    public var rep: Int
    /// b.N of the reported run.
    public var n: Int?
    public var nsPerOp: Double?
    /// Bytes requested per op while the timer ran (from the counting pass).
    public var bytesPerOp: Double?
    /// Malloc-family allocations per op while the timer ran (from the counting pass).
    public var allocsPerOp: Double?
    public var status: CellStatus
    public var error: String = ""
    public var memStats = MemStatsSnapshot()
    public var process: ProcessFigures?
    /// ns/op of the counting pass, which runs with the interposer: shows what counting costs.
    public var countedNsPerOp: Double?
    /// Metrics the workload reported (`reportMetric`).
    public var metrics: [String: Double] = [:]
    /// When the cell's first worker started, UTC, ISO 8601.
    public var startedAt: String

    public init(cell: CellKey, runID: String, rep: Int, status: CellStatus, startedAt: String) {
        self.cell = cell
        self.runID = runID
        self.rep = rep
        self.status = status
        self.startedAt = startedAt
    }
}

/// The `runs.csv` schema: column names and how a row maps onto them, in one place.
///
/// Scripts rely on these names (see ARCHITECTURE.md); add columns, never rename or reorder.
public enum RunsCSV {
    public static let schemaVersion = 1

    static let leadingColumns = ["run_id", "host", "suite", "workload", "allocator", "allocator_version", "threads",
                                 "rep", "n", "ns_per_op", "bytes_per_op", "allocs_per_op", "status", "error"]
    static let processColumns = ["peak_rss_bytes", "minor_faults", "major_faults", "vol_ctx_switches",
                                 "invol_ctx_switches", "user_s", "sys_s"]
    static let trailingColumns = ["counted_ns_per_op", "metrics", "started_at"]

    public static let columns = leadingColumns + MemStatsField.allCases.map(\.rawValue) + processColumns + trailingColumns

    public static var header: String { CSV.line(columns) }

    public static func line(_ row: RunRow) -> String {
        var fields = [row.runID, row.host, row.suite, row.workload, row.allocator, row.allocatorVersion,
                      String(row.threads), String(row.rep), CSV.number(row.n), CSV.number(row.nsPerOp),
                      CSV.number(row.bytesPerOp), CSV.number(row.allocsPerOp), row.status.rawValue, row.error]
        fields += MemStatsField.allCases.map { CSV.number(row.memStats[$0]) }
        let p = row.process
        fields += [CSV.number(p?.peakRSSBytes), CSV.number(p?.minorFaults), CSV.number(p?.majorFaults),
                   CSV.number(p?.voluntaryContextSwitches), CSV.number(p?.involuntaryContextSwitches),
                   CSV.number(p?.userSeconds), CSV.number(p?.systemSeconds)]
        fields += [CSV.number(row.countedNsPerOp), encodeMetrics(row.metrics), row.startedAt]
        return CSV.line(fields)
    }

    /// Reads rows back (for reports and tests). Unknown extra columns are ignored.
    public static func parse(_ text: String) throws -> [RunRow] {
        try parse(CSV.Document(parsing: text))
    }

    public static func parse(_ document: CSV.Document) throws -> [RunRow] {
        try document.rows(requiring: leadingColumns, file: RunFiles.runs) { text, line in
            func double(_ column: String) -> Double? { Double(text(column)) }
            guard let status = CellStatus(rawValue: text("status")),
                  let threads = Int(text("threads")), let rep = Int(text("rep"))
            else { throw CSV.ParseError(message: "\(RunFiles.runs) line \(line) has a bad status, threads or rep") }
            var row = RunRow(cell: CellKey(suite: text("suite"), workload: text("workload"), allocator: text("allocator"),
                                           threads: threads, host: text("host")),
                             runID: text("run_id"), rep: rep, status: status, startedAt: text("started_at"))
            row.allocatorVersion = text("allocator_version")
            row.n = Int(text("n"))
            row.nsPerOp = double("ns_per_op")
            row.bytesPerOp = double("bytes_per_op")
            row.allocsPerOp = double("allocs_per_op")
            row.error = text("error")
            for field in MemStatsField.allCases { row.memStats[field] = double(field.rawValue) }
            if let minor = Int64(text("minor_faults")) {
                row.process = ProcessFigures(
                    peakRSSBytes: UInt64(text("peak_rss_bytes")), minorFaults: minor,
                    majorFaults: Int64(text("major_faults")) ?? 0,
                    voluntaryContextSwitches: Int64(text("vol_ctx_switches")) ?? 0,
                    involuntaryContextSwitches: Int64(text("invol_ctx_switches")) ?? 0,
                    userSeconds: double("user_s") ?? 0, systemSeconds: double("sys_s") ?? 0)
            }
            row.countedNsPerOp = double("counted_ns_per_op")
            row.metrics = decodeMetrics(text("metrics"))
            return row
        }
    }

    /// Extra metrics as `unit=value` pairs separated by `;`, sorted by unit.
    static func encodeMetrics(_ metrics: [String: Double]) -> String {
        metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(CSV.number($0.value))" }.joined(separator: ";")
    }

    static func decodeMetrics(_ text: String) -> [String: Double] {
        var metrics: [String: Double] = [:]
        for pair in text.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { metrics[String(parts[0])] = value }
        }
        return metrics
    }
}
