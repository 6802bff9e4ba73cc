import BenchKit
/// One row of `memstats.csv`: Go's MemStats fields as one repetition of a workload that records
/// samples (``B/recordMemStatsSample()``) read them at one tick.
public struct MemStatsRow: CellRow, Equatable, Sendable {
    public var cell: CellKey
    public var runID: String
    public var rep: Int
    /// The sample's position in the series, from 0.
    public var tick: Int
    /// Fields the allocator cannot give are nil (empty in the file).
    public var memStats: MemStatsSnapshot

    public init(cell: CellKey, runID: String, rep: Int, tick: Int, memStats: MemStatsSnapshot) {
        self.cell = cell
        self.runID = runID
        self.rep = rep
        self.tick = tick
        self.memStats = memStats
    }
}

/// The `memstats.csv` schema, in one place for the runner that writes it and the reports that
/// read it: the cell and tick, then the 26 MemStats fields by Go name in ``MemStatsField`` order.
///
/// Add columns, never rename or reorder (like ``RunsCSV``).
public enum MemStatsCSV {
    static let leadingColumns = ["run_id", "host", "suite", "workload", "allocator", "threads", "rep", "tick"]

    public static let columns = leadingColumns + MemStatsField.allCases.map(\.rawValue)

    public static var header: String { CSV.line(columns) }

    public static func line(_ row: MemStatsRow) -> String {
        CSV.line([row.runID, row.host, row.suite, row.workload, row.allocator, String(row.threads), String(row.rep),
                  String(row.tick)] + MemStatsField.allCases.map { CSV.number(row.memStats[$0]) })
    }

    public static func parse(_ text: String) throws -> [MemStatsRow] {
        try parse(CSV.Document(parsing: text))
    }

    /// Reads rows back; unknown extra columns are ignored, a missing field column reads as empty.
    public static func parse(_ document: CSV.Document) throws -> [MemStatsRow] {
        try document.rows(requiring: leadingColumns, file: RunFiles.memStats) { text, line in
            guard let threads = Int(text("threads")), let rep = Int(text("rep")), let tick = Int(text("tick")) else {
                throw CSV.ParseError(message: "\(RunFiles.memStats) line \(line) has a bad threads, rep or tick")
            }
            var snapshot = MemStatsSnapshot()
            for field in MemStatsField.allCases { snapshot[field] = Double(text(field.rawValue)) }
            return MemStatsRow(cell: CellKey(suite: text("suite"), workload: text("workload"), allocator: text("allocator"),
                                             threads: threads, host: text("host")),
                               runID: text("run_id"), rep: rep, tick: tick, memStats: snapshot)
        }
    }
}
