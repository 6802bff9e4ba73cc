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
public struct RunRow: RepetitionRow, Equatable, Sendable {
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
    /// Per op from the instruction pass (callgrind, `--instructions`): nil when it did not run.
    public var instructions: InstructionCounts?
    /// Per op from the CPU's counters in the timed pass: nil where the kernel offers none.
    public var hardware: HardwareCountsPerOp?
    /// How long single allocating calls took in the latency pass (`--latency`): nil when it did not run.
    public var allocLatency: CallLatency?
    /// How long single freeing calls took in the latency pass: nil when it did not run or nothing was freed.
    public var freeLatency: CallLatency?
    /// ns/op of the latency pass, which times every call: beside `countedNsPerOp`, what timing costs.
    public var latencyNsPerOp: Double?
    /// Percentiles of ns/op over the timed pass's batches (`--batches`): the spread within one process.
    public var opLatency: BatchPercentiles?
    /// Metrics the workload reported (`reportMetric`).
    public var metrics: [String: Double] = [:]
    /// When the cell's first worker started, UTC, ISO 8601.
    public var startedAt: String
    /// The worker ran unoptimised code (not a column: `params.json` says it for the run).
    public var debugBuild = false

    public init(cell: CellKey, runID: String, rep: Int, status: CellStatus, startedAt: String) {
        self.cell = cell
        self.runID = runID
        self.rep = rep
        self.status = status
        self.startedAt = startedAt
    }

    /// Adds `message` to `error` (after what is there, `; `-separated): what a measured cell lacks and why.
    public mutating func note(_ message: String) {
        error = error.isEmpty ? message : error + "; " + message
    }
}

/// The `runs.csv` schema: every column once, with how a row writes and reads it and, for the
/// quantities reports summarise, its metric (``Metric/standard`` is derived from it).
///
/// Scripts rely on these names (see docs/cli.md); add columns, never rename or reorder.
public enum RunsCSV {
    public static let schemaVersion = 1

    public static let schema = CSVSchema<RunRow>(
        file: RunFiles.runs,
        columns: identity + measurements + MemStatsField.allCases.map(memStats) + process + trailing,
        required: (identity + measurements).map(\.name),
        blank: {
            RunRow(cell: CellKey(suite: "", workload: "", allocator: "", threads: 0, host: ""), runID: "", rep: 0,
                   status: .ok, startedAt: "")
        })

    public static var columns: [String] { schema.names }
    public static var header: String { schema.header }
    public static func line(_ row: RunRow) -> String { schema.line(row) }
    /// Reads rows back (for reports and tests). Unknown extra columns are ignored.
    public static func parse(_ text: String) throws -> [RunRow] { try schema.parse(text) }
    public static func parse(_ document: CSV.Document) throws -> [RunRow] { try schema.parse(document) }

    typealias Column = CSVColumn<RunRow>

    static let identity = Column.repetition(inserting: [
        .text("allocator_version", { $0.allocatorVersion }, { $0.allocatorVersion = $1 }),
    ])

    static let measurements: [Column] = [
        .number("n", .integer, { $0.n.map { Double($0) } }, { $0.n = Int($1) }),
        .number("ns_per_op", .real, metric: .init(unit: "ns/op", kind: .timePerOp, .perOp), { $0.nsPerOp }, { $0.nsPerOp = $1 }),
        .number("bytes_per_op", .real, metric: .init(unit: "B/op", .perOp), { $0.bytesPerOp }, { $0.bytesPerOp = $1 }),
        .number("allocs_per_op", .real, metric: .init(unit: "allocs/op", .perOp), { $0.allocsPerOp }, { $0.allocsPerOp = $1 }),
        .value("status", { $0.status }, { $0.status = $1 }),
        .text("error", { $0.error }, { $0.error = $1 }),
    ]

    /// A MemStats field; LastGC (a timestamp) is kept but not summarised.
    static func memStats(_ field: MemStatsField) -> Column {
        .memStats(field, metric: field == .lastGC ? nil : .init(kind: field.isBytes ? .bytes : .plain, .memStats), \.memStats)
    }

    /// The process figures; a row has them when any of them reads (the others then default to 0).
    static let process: [Column] = [
        processFigure("peak_rss_bytes", .init(unit: "B", kind: .bytes, .process), { $0.peakRSSBytes.map { Double($0) } },
                      { figures, value in figures.peakRSSBytes = UInt64(exactly: value) }),
        processFigure("minor_faults", .init(.process), { Double($0.minorFaults) }, { $0.minorFaults = Int64($1) }),
        processFigure("major_faults", .init(.process), { Double($0.majorFaults) }, { $0.majorFaults = Int64($1) }),
        processFigure("vol_ctx_switches", .init(.process), { Double($0.voluntaryContextSwitches) },
                      { $0.voluntaryContextSwitches = Int64($1) }),
        processFigure("invol_ctx_switches", .init(.process), { Double($0.involuntaryContextSwitches) },
                      { $0.involuntaryContextSwitches = Int64($1) }),
        processFigure("user_s", .init(unit: "s", .process), { $0.userSeconds }, { $0.userSeconds = $1 }, kind: .real),
        processFigure("sys_s", .init(unit: "s", .process), { $0.systemSeconds }, { $0.systemSeconds = $1 }, kind: .real),
    ]

    static let trailing: [Column] = [
        .number("counted_ns_per_op", .real, metric: .init(unit: "counted ns/op", kind: .timePerOp, .perOp),
                { $0.countedNsPerOp }, { $0.countedNsPerOp = $1 }),
        .text("metrics", { encodeMetrics($0.metrics) }, { $0.metrics = decodeMetrics($1) }),
        .text("started_at", { $0.startedAt }, { $0.startedAt = $1 }),
    ] + instructionCounts + hardwareCounts + callLatency("alloc", \.allocLatency) + callLatency("free", \.freeLatency) + [
        .number("latency_ns_per_op", .real, metric: .init(unit: "latency-pass ns/op", kind: .timePerOp, .perOp),
                { $0.latencyNsPerOp }, { $0.latencyNsPerOp = $1 }),
    ] + BatchPercentiles.statistics.map { statistic in
        .number("op_\(statistic.name)_ns", .real, metric: .init(unit: "op-\(statistic.name)-ns", .latency),
                { $0.opLatency.map { $0[keyPath: statistic.value] } }, { row, value in
                    var percentiles = row.opLatency ?? BatchPercentiles()
                    percentiles[keyPath: statistic.value] = value
                    row.opLatency = percentiles
                })
    }

    /// The instruction pass's counts per op; exact (the same in every process).
    static let instructionCounts: [Column] = [
        instructionCount("instructions_per_op", unit: "instructions/op", { $0.instructions }, { $0.instructions = $1 }),
        instructionCount("l1d_misses_per_op", unit: "L1d-misses/op", { $0.l1dMisses }, { $0.l1dMisses = $1 }),
        instructionCount("ll_misses_per_op", unit: "LL-misses/op", { $0.llMisses }, { $0.llMisses = $1 }),
        instructionCount("est_cycles_per_op", unit: "est-cycles/op", { $0.estimatedCycles }, { $0.estimatedCycles = $1 }),
    ]

    static func instructionCount(_ name: String, unit: String, _ get: @escaping @Sendable (InstructionCounts) -> Double,
                                 _ set: @escaping @Sendable (inout InstructionCounts, Double) -> Void) -> Column {
        .number(name, .real, metric: .init(unit: unit, kind: .exactPerOp, .perOp), { $0.instructions.map(get) }, { row, value in
            var counts = row.instructions ?? InstructionCounts()
            set(&counts, value)
            row.instructions = counts
        })
    }

    /// The CPU's counts per op in the timed pass; they move with the machine like ns/op.
    static let hardwareCounts: [Column] = [
        hardwareCount("hw_instructions_per_op", unit: "hw-instructions/op", { $0.instructions }, { $0.instructions = $1 }),
        hardwareCount("hw_cycles_per_op", unit: "hw-cycles/op", { $0.cycles }, { $0.cycles = $1 }),
        hardwareCount("hw_branch_misses_per_op", unit: "hw-branch-misses/op", { $0.branchMisses }, { $0.branchMisses = $1 }),
        hardwareCount("hw_cache_misses_per_op", unit: "hw-cache-misses/op", { $0.cacheMisses }, { $0.cacheMisses = $1 }),
    ]

    static func hardwareCount(_ name: String, unit: String, _ get: @escaping @Sendable (HardwareCountsPerOp) -> Double,
                              _ set: @escaping @Sendable (inout HardwareCountsPerOp, Double) -> Void) -> Column {
        .number(name, .real, metric: .init(unit: unit, .perOp), { $0.hardware.map(get) }, { row, value in
            var counts = row.hardware ?? HardwareCountsPerOp()
            set(&counts, value)
            row.hardware = counts
        })
    }

    /// The latency pass's percentiles of one kind of call: `alloc_p50_ns`, `alloc_p99_ns`,
    /// `alloc_p999_ns`, `alloc_max_ns` (and `free_...`).
    static func callLatency(_ kind: String, _ field: WritableKeyPath<RunRow, CallLatency?> & Sendable) -> [Column] {
        CallLatency.statistics.map { statistic in
            .number("\(kind)_\(statistic.name)_ns", .real, metric: .init(unit: "\(kind)-\(statistic.name)-ns", .latency),
                    { $0[keyPath: field].map { $0[keyPath: statistic.value] } }, { row, value in
                        var latency = row[keyPath: field] ?? CallLatency()
                        latency[keyPath: statistic.value] = value
                        row[keyPath: field] = latency
                    })
        }
    }

    static func processFigure(_ name: String, _ metric: Metric.Description,
                              _ get: @escaping @Sendable (ProcessFigures) -> Double?,
                              _ set: @escaping @Sendable (inout ProcessFigures, Double) -> Void,
                              kind: CSV.NumberKind = .integer) -> Column {
        .number(name, kind, metric: metric, { $0.process.flatMap(get) }, { row, value in
            var figures = row.process ?? ProcessFigures(peakRSSBytes: nil, minorFaults: 0, majorFaults: 0,
                                                        voluntaryContextSwitches: 0, involuntaryContextSwitches: 0,
                                                        userSeconds: 0, systemSeconds: 0)
            set(&figures, value)
            row.process = figures
        })
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

extension CellStatus: LosslessStringConvertible {
    public init?(_ description: String) { self.init(rawValue: description) }
    public var description: String { rawValue }
}

/// What the instruction pass counted, per op (see BenchRunner's `InstructionPass`).
public struct InstructionCounts: Equatable, Sendable {
    /// Instructions executed (callgrind's Ir).
    public var instructions: Double = 0
    /// Level-1 data cache misses, reads and writes, in callgrind's cache simulation.
    public var l1dMisses: Double = 0
    /// Last-level cache misses: instruction fetches, reads and writes.
    public var llMisses: Double = 0
    /// Ir + 10 x L1 misses + 100 x LL misses: Cachegrind's estimate of cycles.
    public var estimatedCycles: Double = 0

    public init(instructions: Double = 0, l1dMisses: Double = 0, llMisses: Double = 0, estimatedCycles: Double = 0) {
        self.instructions = instructions
        self.l1dMisses = l1dMisses
        self.llMisses = llMisses
        self.estimatedCycles = estimatedCycles
    }
}

/// How long single calls of one kind took in the latency pass, in nanoseconds: percentiles of the
/// run's calls (within a bucket's width, 3.1%, at or above the exact value) and the longest.
public struct CallLatency: Equatable, Sendable {
    public var p50: Double = 0
    public var p99: Double = 0
    public var p999: Double = 0
    public var max: Double = 0

    /// The statistics and their names in column names, in column order.
    static let statistics: [(name: String, value: WritableKeyPath<CallLatency, Double> & Sendable)] = [
        ("p50", \.p50), ("p99", \.p99), ("p999", \.p999), ("max", \.max),
    ]

    public init(p50: Double = 0, p99: Double = 0, p999: Double = 0, max: Double = 0) {
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
        self.max = max
    }

    /// The histogram's statistics; nil when it counted no call.
    public init?(_ histogram: LatencyHistogram) {
        guard let p50 = histogram.value(atQuantile: 0.5), let p99 = histogram.value(atQuantile: 0.99),
              let p999 = histogram.value(atQuantile: 0.999) else { return nil }
        self.init(p50: p50, p99: p99, p999: p999, max: histogram.maxNs)
    }
}

/// ns/op within one process: percentiles over the timed pass's batches, each a run of the
/// workload's body of a fixed b.N after the measured run (`--batches`).
public struct BatchPercentiles: Equatable, Sendable {
    public var p50: Double = 0
    public var p90: Double = 0
    public var p99: Double = 0

    /// The statistics and their names in column names, in column order.
    static let statistics: [(name: String, value: WritableKeyPath<BatchPercentiles, Double> & Sendable)] = [
        ("p50", \.p50), ("p90", \.p90), ("p99", \.p99),
    ]

    public init(p50: Double = 0, p90: Double = 0, p99: Double = 0) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
    }

    /// The nearest-rank percentiles of the batches' ns/op (the p99 of 100 batches is the 99th
    /// fastest); nil without batches.
    public init?(batches nsPerOp: [Double]) {
        guard !nsPerOp.isEmpty else { return nil }
        let sorted = nsPerOp.sorted()
        func rank(_ quantile: Double) -> Double { sorted[max(1, Int((quantile * Double(sorted.count)).rounded(.up))) - 1] }
        self.init(p50: rank(0.5), p90: rank(0.9), p99: rank(0.99))
    }
}

/// The CPU's own counts in the timed pass, per op (perf events, user space).
public struct HardwareCountsPerOp: Equatable, Sendable {
    public var instructions: Double = 0
    public var cycles: Double = 0
    public var branchMisses: Double = 0
    public var cacheMisses: Double = 0

    public init(instructions: Double = 0, cycles: Double = 0, branchMisses: Double = 0, cacheMisses: Double = 0) {
        self.instructions = instructions
        self.cycles = cycles
        self.branchMisses = branchMisses
        self.cacheMisses = cacheMisses
    }
}
