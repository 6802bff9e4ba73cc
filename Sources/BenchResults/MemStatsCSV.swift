import BenchKit
/// One row of `memstats.csv`: Go's MemStats fields as one repetition of a workload that records
/// samples (``B/recordMemStatsSample()``) read them at one tick.
public struct MemStatsRow: RepetitionRow, Equatable, Sendable {
    public var cell: CellKey
    public var runID: String
    public var rep: Int
    /// The sample's position in the series, from 0.
    public var tick: Int
    /// Fields the allocator cannot give are nil (empty in the file).
    public var memStats: MemStatsSnapshot
    /// The resident memory of the process (of a program cell: its whole process tree) at the
    /// sample; nil where it was not sampled.
    public var residentBytes: UInt64?
    /// Seconds since the run started, for samples taken on a clock (a program cell's, every 100 ms);
    /// nil for samples a workload took at its own ticks.
    public var elapsedSeconds: Double?
    /// The bytes the workload held at the sample, as it counts them (``B/recordMemStatsSample(liveBytes:)``);
    /// nil where it did not say.
    public var liveBytes: UInt64?

    public init(cell: CellKey, runID: String, rep: Int, tick: Int, memStats: MemStatsSnapshot) {
        self.cell = cell
        self.runID = runID
        self.rep = rep
        self.tick = tick
        self.memStats = memStats
    }
}

/// The `memstats.csv` schema, in one place for the runner that writes it and the reports that
/// read it: the cell and tick, then the 26 MemStats fields by Go name in ``MemStatsField`` order,
/// then `rss_bytes`, `elapsed_s` (program cells' samples) and `live_bytes` (what the workload said it
/// held). A missing field column reads as empty.
///
/// Add columns, never rename or reorder (like ``RunsCSV``).
public enum MemStatsCSV {
    typealias Column = CSVColumn<MemStatsRow>

    static let identity = Column.repetition() + [.value("tick", { $0.tick }, { $0.tick = $1 })]

    public static let schema = CSVSchema<MemStatsRow>(
        file: RunFiles.memStats,
        columns: identity + MemStatsField.allCases.map { field in
            .memStats(field, \.memStats)
        } + [
            .number("rss_bytes", .integer, { $0.residentBytes.map { Double($0) } }, { $0.residentBytes = UInt64(exactly: $1) }),
            .number("elapsed_s", .real, { $0.elapsedSeconds }, { $0.elapsedSeconds = $1 }),
            .number("live_bytes", .integer, { $0.liveBytes.map { Double($0) } }, { $0.liveBytes = UInt64(exactly: $1) }),
        ],
        required: identity.map(\.name),
        blank: {
            MemStatsRow(cell: CellKey(suite: "", workload: "", allocator: "", threads: 0, host: ""), runID: "", rep: 0,
                        tick: 0, memStats: MemStatsSnapshot())
        })

    public static var columns: [String] { schema.names }
    public static var header: String { schema.header }
    public static func line(_ row: MemStatsRow) -> String { schema.line(row) }
    public static func parse(_ text: String) throws -> [MemStatsRow] { try schema.parse(text) }
    public static func parse(_ document: CSV.Document) throws -> [MemStatsRow] { try schema.parse(document) }
}
