import BenchKit
import BenchResults
import Foundation

/// Runs a validated configuration: one worker process per pass of every cell, rows to disk as
/// they finish.
///
/// Each cell takes two processes, three with the instruction pass: ``WorkloadPasses`` runs them
/// (a program cell's passes are runs of the program:
/// ``measureProgram(_:_:index:runID:folder:outputs:)``).
public struct Runner {
    public let configuration: RunConfiguration
    public let machine: MachineInfo
    /// Where progress lines go (the CLI prints them on standard error).
    public let progress: @Sendable (String) -> Void

    public init(configuration: RunConfiguration, machine: MachineInfo, progress: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.machine = machine
        self.progress = progress
    }

    /// What a finished run produced; its files are in ``RunConfiguration/outputDirectory``.
    public struct Outcome {
        public let rows: [RunRow]
        /// The ok rows of cells that took at least two MemStats samples (their `Δ<Field>` metrics
        /// are the changes between the first and the last).
        public let sampledRows: [RunRow]
        public var failedCells: Int { rows.filter(\.status.isFailure).count }
    }

    /// Measures every cell of the plan in order, each row on disk before the next cell starts.
    public func run(commandLine: [String], startedAt: Date = Date()) throws -> Outcome {
        let folder = try RunFolder(path: configuration.outputDirectory)
        defer { folder.close() }
        var parameters = startingParameters(commandLine: commandLine, startedAt: startedAt)
        try folder.replace(RunFiles.parameters, with: parameters.json())

        var rows: [RunRow] = []
        var sampledRows: [RunRow] = []
        var versions: [String: String] = [:]
        let clock = Date()
        var outputs = ProgramOutputs()
        for (index, cell) in configuration.cells.enumerated() {
            let (row, samples, hardware, sampled) = measureAnyCell(cell, index: index, runID: parameters.runID, folder: folder,
                                                                   outputs: &outputs)
            rows.append(row)
            if sampled { sampledRows.append(row) }
            if row.status == .ok { versions[row.allocator] = row.allocatorVersion }
            if parameters.hardwareCounters == nil, let hardware { parameters.hardwareCounters = hardware }
            if row.status == .ok { parameters.build = parameters.build == .debug || row.debugBuild ? .debug : .release }
            try folder.append(memStats: samples)
            try folder.append(row: row)
            try folder.replace(RunFiles.benchFormat, with: BenchFormat.render(
                rows: rows, machine: machine, benchTime: configuration.benchTime.description, allocatorVersions: versions,
                debugBuild: parameters.build == .debug))
            progress(Self.progressLine(row, index: index, total: configuration.cells.count, elapsed: Date().timeIntervalSince(clock)))
        }
        parameters.finishedAt = Self.timestamp(Date())
        parameters.failedCells = rows.filter(\.status.isFailure).count
        parameters.allocators = parameters.allocators.map { .init(name: $0.name, library: $0.library, version: versions[$0.name] ?? $0.version) }
        try folder.replace(RunFiles.parameters, with: parameters.json())
        return Outcome(rows: rows, sampledRows: sampledRows)
    }

    /// `params.json` as the run starts: the flags, the machine and the allocators.
    func startingParameters(commandLine: [String], startedAt: Date) -> RunParameters {
        let config = configuration
        // An ISO 8601 timestamp that data tools parse as one (the default folder name is the same
        // instant with dashes, for shells and file systems).
        var parameters = RunParameters(
            runID: Self.timestamp(startedAt), startedAt: Self.timestamp(startedAt), commandLine: commandLine, machine: machine,
            benchtime: config.benchTime.description, count: config.count, threads: config.threads,
            timeout: config.timeout.description, filter: config.filter, plugins: config.plugins,
            workloads: config.workloads.map(\.info.fullName),
            allocators: config.allocators.map { .init(name: $0.name.rawValue, library: $0.library, version: $0.version) },
            cells: config.cells.count, shard: config.shard?.description)
        parameters.instructions = config.instructionPass != nil
        parameters.latency = config.latency
        parameters.batches = config.batches
        return parameters
    }

    /// A program cell or a workload's: its row, its samples for memstats.csv, the hardware
    /// counters' status, and whether it took a MemStats series (its Δ metrics then mean something).
    private func measureAnyCell(_ cell: Cell, index: Int, runID: String, folder: RunFolder, outputs: inout ProgramOutputs)
        -> (RunRow, [MemStatsRow], String?, sampled: Bool) {
        if let program = cell.workload.program {
            let (row, samples) = measureProgram(cell, program, index: index, runID: runID, folder: folder, outputs: &outputs)
            return (row, samples, nil, false)
        }
        let (row, samples, hardware) = measure(cell, index: index, runID: runID, folder: folder)
        return (row, samples, hardware, samples.count >= 2)
    }

    /// Runs the passes of a cell (``WorkloadPasses``) and turns them into a row (a failed row if
    /// the timed or the counting pass fails), with the MemStats samples the workload took (none
    /// unless the row is ok) as `memstats.csv` rows, and what the hardware counters said of
    /// themselves (`available`, or why not).
    func measure(_ cell: Cell, index: Int, runID: String, folder: RunFolder) -> (RunRow, [MemStatsRow], String?) {
        let info = cell.workload.info
        var row = RunRow(cell: CellKey(suite: info.suite, workload: info.name, allocator: cell.allocator.name.rawValue,
                                       threads: cell.threads, host: machine.host),
                         runID: runID, rep: cell.rep, status: .ok, startedAt: Self.timestamp(Date()))
        let passes = WorkloadPasses(cell: cell, configuration: configuration, folder: folder,
                                    logName: "\(index + 1)-\(row.cell.fileName)-r\(cell.rep)", fileName: row.cell.fileName)
        // The diagnostics of --memprofile and --trace, like the instruction count, are the first repetition's.
        let tracing = configuration.tracesRuntime && cell.rep == 1 && cell.allocator.name.isGoAlloc
        let timed: CellResult, counted: CellResult
        switch passes.timed(tracing: tracing).flatMap({ timed in
            passes.counting(replaying: timed, sites: configuration.allocationSites != nil && cell.rep == 1, tracing: tracing)
                .map { (timed, $0) }
        }) {
        case .success(let results): (timed, counted) = results
        case .failure(let failure):
            row.status = failure.status
            row.error = failure.message
            return (row, [], nil)
        }
        // Counts are the same in every process: the first repetition of a cell is enough. A count
        // that cannot be had leaves the measured cell ok: its instruction columns stay empty and
        // `error` says why (callgrind 3.19 aborts on some signal patterns, such as go-gc's
        // stop-the-world across threads).
        if let instructionPass = configuration.instructionPass, cell.rep == 1 {
            switch passes.instructions(instructionPass, after: timed) {
            case .success(let counts): row.instructions = counts
            case .failure(let failure): row.note(failure.message)
            }
        }
        if configuration.latency {
            switch passes.latency(replaying: timed, tracing: tracing) {
            case .success(let result) where result.counts?.mallocs != counted.counts?.mallocs
                || result.counts?.frees != counted.counts?.frees:
                // Its runs allocated otherwise than the counting pass's: it did not time the same work.
                row.note("latency pass: its run made \(result.counts?.mallocs ?? 0) allocations and the counting pass's "
                    + "\(counted.counts?.mallocs ?? 0); not recorded")
            case .success(let result):
                if let latency = result.latency {
                    recordLatency(latency, nsPerOp: result.nsPerOp, trace: result.runtimeTrace, row: &row, folder: folder)
                }
            case .failure(let failure): row.note(failure.message)
            }
        }
        writeDiagnostics(timed: timed, counted: counted, row: &row, folder: folder)
        let hardwareStatus = row.record(timed: timed, counted: counted, allocator: cell.allocator)
        let series = MemStatsSeries.merge(timed: timed.series, counted: counted.series)
        // What the workload reported itself wins over a change of the same name.
        row.metrics = MemStatsSeries.changes(series).merging(timed.metrics) { _, reported in reported }
        return (row, MemStatsSeries.rows(of: row, series, timed: timed), hardwareStatus)
    }

    /// Writes the cell's allocation sites and runtime trace, when its passes recorded them. A
    /// file that cannot be written leaves the measured row ok and says why in `error`.
    private func writeDiagnostics(timed: CellResult, counted: CellResult, row: inout RunRow, folder: RunFolder) {
        do {
            if let sites = counted.allocationSites, let profiler = configuration.allocationSites {
                let profile = profiler.profile(sites, cell: row.cell)
                try folder.write(profile.json(), into: RunFiles.allocationSites, as: row.cell.fileName + ".json")
                try folder.write(profile.folded, into: RunFiles.allocationSites, as: row.cell.fileName + ".folded")
            }
            if let trace = timed.runtimeTrace {
                try folder.write(RuntimeTraceFile.json(trace, cell: row.cell), into: RunFiles.traces, as: row.cell.fileName + ".json")
            }
        } catch {
            row.note("diagnostics not written: \(error)")
        }
    }

    /// The latency pass's (or a program's latency run's) percentiles and ns/op into the row, its
    /// histograms and runtime trace into the folder.
    func recordLatency(_ latency: AllocationLatency, nsPerOp: Double, trace: RuntimeTrace?, row: inout RunRow, folder: RunFolder) {
        row.allocLatency = CallLatency(latency.alloc)
        row.freeLatency = CallLatency(latency.free)
        row.latencyNsPerOp = nsPerOp
        do {
            try folder.write(LatencyFile.json(latency), into: RunFiles.latency, as: LatencyFile.jsonName(row.cell, rep: row.rep))
            for (kind, histogram) in [("alloc", latency.alloc), ("free", latency.free)] where histogram.count > 0 {
                try folder.write(LatencyFile.percentileDistribution(histogram), into: RunFiles.latency,
                                 as: LatencyFile.distributionName(row.cell, rep: row.rep, kind: kind))
            }
            if let trace {
                try folder.write(RuntimeTraceFile.json(trace, cell: row.cell), into: RunFiles.latency,
                                 as: LatencyFile.traceName(row.cell, rep: row.rep))
            }
        } catch {
            row.note("latency histograms not written: \(error)")
        }
    }

    static func progressLine(_ row: RunRow, index: Int, total: Int, elapsed: TimeInterval) -> String {
        let width = String(total).count
        let position = String(repeating: " ", count: width - String(index + 1).count) + "\(index + 1)/\(total)"
        let eta = elapsed / Double(index + 1) * Double(total - index - 1)
        var line = "[\(position)] \(row.fullName) \(row.allocator) threads=\(row.threads) rep=\(row.rep): "
        if row.status == .ok {
            line += "\(NumberFormat.goStyle(row.nsPerOp ?? 0)) ns/op"
            if let instructions = row.instructions { line += "  \(NumberFormat.goStyle(instructions.instructions)) instr/op" }
            line += "  \(row.bytesPerOp.map(NumberFormat.goStyle) ?? "?") B/op"
            line += "  \(row.allocsPerOp.map(NumberFormat.goStyle) ?? "?") allocs/op"
            if !row.error.isEmpty { line += "  (\(row.error))" } // measured, but not counted
        } else {
            line += "\(row.status.rawValue.uppercased()): \(row.error)"
        }
        return line + "  (elapsed \(clock(elapsed)), ETA \(clock(eta)))"
    }

    static func clock(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
