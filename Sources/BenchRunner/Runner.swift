import BenchKit
import BenchResults
import Foundation

/// Runs a validated configuration: one worker process per pass of every cell, rows to disk as
/// they finish.
///
/// Each cell takes two processes, three with the instruction pass (a program cell's passes are
/// runs of the program: ``measureProgram(_:_:index:runID:folder:outputs:)``). The timed pass runs the
/// workload on the allocator alone and grows b.N like Go; it reports time, MemStats, process
/// figures and, where the kernel has them, hardware counters. The counting pass preloads
/// libBenchCount.so in front of the same allocator and replays the timed pass's iteration counts;
/// it reports allocs/op and B/op. So counting never slows the timed pass, and a cell's counts
/// describe exactly the runs that were timed. The instruction pass (``InstructionPass``) runs the
/// first repetition once more under callgrind.
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
        let config = configuration
        let folder = try RunFolder(path: config.outputDirectory)
        defer { folder.close() }
        // An ISO 8601 timestamp that data tools parse as one (the default folder name is the same
        // instant with dashes, for shells and file systems).
        let runID = Self.timestamp(startedAt)
        var parameters = RunParameters(
            runID: runID, startedAt: Self.timestamp(startedAt), commandLine: commandLine, machine: machine,
            benchtime: config.benchTime.description, count: config.count, threads: config.threads,
            timeout: config.timeout.description, filter: config.filter, plugins: config.plugins,
            workloads: config.workloads.map(\.info.fullName),
            allocators: config.allocators.map { .init(name: $0.name.rawValue, library: $0.library, version: $0.version) },
            cells: config.cells.count, shard: config.shard?.description)
        parameters.instructions = config.instructionPass != nil
        try folder.replace(RunFiles.parameters, with: parameters.json())

        var rows: [RunRow] = []
        var sampledRows: [RunRow] = []
        var versions: [String: String] = [:]
        let clock = Date()
        var outputs = ProgramOutputs()
        for (index, cell) in config.cells.enumerated() {
            let (row, samples, hardware): (RunRow, [MemStatsRow], String?)
            if let program = cell.workload.program {
                (row, samples) = measureProgram(cell, program, index: index, runID: runID, folder: folder, outputs: &outputs)
                hardware = nil
            } else {
                let (measured, series, counters) = measure(cell, index: index, runID: runID, folder: folder)
                (row, hardware) = (measured, counters)
                samples = series.enumerated().map { tick, memStats in
                    MemStatsRow(cell: row.cell, runID: row.runID, rep: row.rep, tick: tick, memStats: memStats)
                }
                if series.count >= 2 { sampledRows.append(row) }
            }
            rows.append(row)
            if row.status == .ok { versions[row.allocator] = row.allocatorVersion }
            if parameters.hardwareCounters == nil, let hardware { parameters.hardwareCounters = hardware }
            if row.status == .ok { parameters.build = parameters.build == "debug" || row.debugBuild ? "debug" : "release" }
            try folder.append(memStats: samples)
            try folder.append(row: row)
            try folder.replace(RunFiles.benchFormat, with: BenchFormat.render(
                rows: rows, machine: machine, benchTime: config.benchTime.description, allocatorVersions: versions,
                debugBuild: parameters.build == "debug"))
            progress(Self.progressLine(row, index: index, total: config.cells.count, elapsed: Date().timeIntervalSince(clock)))
        }
        parameters.finishedAt = Self.timestamp(Date())
        parameters.failedCells = rows.filter(\.status.isFailure).count
        parameters.allocators = parameters.allocators.map { .init(name: $0.name, library: $0.library, version: versions[$0.name] ?? $0.version) }
        try folder.replace(RunFiles.parameters, with: parameters.json())
        return Outcome(rows: rows, sampledRows: sampledRows)
    }

    /// Runs the passes of a cell and turns them into a row (a failed row if any fails), with the
    /// MemStats samples the workload took (none unless the row is ok) and what the hardware
    /// counters said of themselves (`available`, or why not).
    func measure(_ cell: Cell, index: Int, runID: String, folder: RunFolder) -> (RunRow, [MemStatsSnapshot], String?) {
        let info = cell.workload.info
        var row = RunRow(cell: CellKey(suite: info.suite, workload: info.name, allocator: cell.allocator.name.rawValue,
                                       threads: cell.threads, host: machine.host),
                         runID: runID, rep: cell.rep, status: .ok, startedAt: Self.timestamp(Date()))
        let logName = "\(index + 1)-\(row.cell.fileName)-r\(cell.rep)"
        let preload = cell.allocator.library.map { [$0] } ?? []

        func pass(_ kind: CellRequest.Pass, sites: Bool = false, trace: Bool = false,
                  worker makeWorker: (_ logPath: String) throws -> WorkerProcess) -> Result<CellResult, WorkerFailure> {
            let name = logName + "-" + kind.name
            let request = CellRequest(workload: info.fullName, allocator: cell.allocator.name, threads: cell.threads, pass: kind,
                                      recordsAllocationSites: sites, tracesRuntime: trace)
            let result: Result<WorkerReply, WorkerFailure>
            do {
                result = try makeWorker(folder.logPath(name)).exchange(.run(request), timeoutNs: configuration.timeout.nanoseconds)
            } catch {
                result = .failure(.spawnFailed("\(error)"))
            }
            let logTail = folder.settleLog(name)
            switch result {
            case .success(.result(let measured)): return .success(measured)
            case .success: return .failure(.refused("the worker answered with something other than a result"))
            case .failure(let failure):
                row.error = "\(kind.name) pass: \(failure.message)" + (logTail.isEmpty ? "" : "; output: \(logTail)")
                return .failure(failure)
            }
        }
        func worker(preloading libraries: [String]) -> (String) -> WorkerProcess {
            { logPath in
                WorkerProcess(executable: cell.workload.executable, arguments: WorkerProtocol.workerArguments,
                              preload: libraries, logPath: logPath)
            }
        }

        // The diagnostics of --memprofile and --trace, like the instruction count, are the first repetition's.
        let tracing = configuration.tracesRuntime && cell.rep == 1 && [.go, .goGC].contains(cell.allocator.name)
        let timed: CellResult
        switch pass(.timed(configuration.benchTime), trace: tracing, worker: worker(preloading: preload)) {
        case .success(let result): timed = result
        case .failure(let failure):
            row.status = failure.status
            return (row, [], nil)
        }
        let counted: CellResult
        // Traced in the counting pass too (the trace kept is the timed pass's): its allocs/op then
        // show that recording allocates nothing.
        switch pass(.counting(iterations: timed.iterations), sites: configuration.allocationSites != nil && cell.rep == 1,
                    trace: tracing, worker: worker(preloading: [configuration.countingLibrary] + preload)) {
        case .success(let result): counted = result
        case .failure(let failure):
            row.status = failure.status
            return (row, [], nil)
        }
        // Counts are the same in every process: the first repetition of a cell is enough.
        var profiled: CellResult?
        if let instructionPass = configuration.instructionPass, cell.rep == 1 {
            let iterations = InstructionPass.iterations(timedN: timed.n, nsPerOp: timed.nsPerOp,
                                                        fixed: info.fixedIterations != nil)
            // One profile per cell (only the first repetition is counted), named by the cell.
            let profile = folder.profilePath(row.cell.fileName)
            switch pass(.instructions(iterations: iterations), worker: { logPath in
                try instructionPass.worker(executable: cell.workload.executable, preload: preload, profile: profile,
                                           logPath: logPath)
            }) {
            // A count that cannot be had leaves the measured cell ok: its instruction columns stay
            // empty and `error` says why (callgrind 3.19 aborts on some signal patterns, such as
            // go-gc's stop-the-world across threads).
            case .success(let result): profiled = result
            case .failure: break // pass() wrote the reason into row.error
            }
            if let profiled, profiled.n > 0, let text = try? String(contentsOfFile: profile, encoding: .utf8),
               let totals = CallgrindTotals(profile: text) {
                let n = Double(profiled.n)
                // The flame graph's input: the call graph as folded stacks, Swift names demangled.
                try? Data(CallgrindGraph.folded(profile: text).utf8).write(
                    to: URL(fileURLWithPath: RunFiles.foldedStacks(ofProfile: profile)), options: .atomic)
                row.instructions = InstructionCounts(
                    instructions: Double(totals["Ir"]) / n, l1dMisses: Double(totals.l1DataMisses) / n,
                    llMisses: Double(totals.lastLevelMisses) / n, estimatedCycles: Double(totals.estimatedCycles) / n)
            } else {
                try? FileManager.default.removeItem(atPath: profile)
                if row.error.isEmpty { row.error = "instructions pass: callgrind wrote no readable profile" }
            }
        }

        writeDiagnostics(timed: timed, counted: counted, row: &row, folder: folder)
        // A user's library has no statistics interface bench knows; its package names it.
        row.allocatorVersion = timed.allocatorVersion.isEmpty ? cell.allocator.version ?? "" : timed.allocatorVersion
        row.debugBuild = timed.debugBuild ?? false
        row.n = timed.n
        row.nsPerOp = timed.nsPerOp
        if let counts = counted.counts, timed.n > 0 {
            row.allocsPerOp = Double(counts.mallocs) / Double(timed.n)
            row.bytesPerOp = Double(counts.bytesRequested) / Double(timed.n)
        }
        row.memStats = timed.memStats.filling(from: counted.memStats)
        row.process = timed.process
        row.countedNsPerOp = counted.nsPerOp
        var hardwareStatus: String?
        switch timed.hardwareCounters {
        case .counts(let totals)? where timed.n > 0 && totals.count == 4:
            let n = Double(timed.n)
            row.hardware = HardwareCountsPerOp(instructions: Double(totals[0]) / n, cycles: Double(totals[1]) / n,
                                               branchMisses: Double(totals[2]) / n, cacheMisses: Double(totals[3]) / n)
            hardwareStatus = "available"
        case .unavailable(let reason)?: hardwareStatus = reason
        default: break
        }
        let series = MemStatsSeries.merge(timed: timed.series, counted: counted.series)
        // What the workload reported itself wins over a change of the same name.
        row.metrics = MemStatsSeries.changes(series).merging(timed.metrics) { _, reported in reported }
        return (row, series, hardwareStatus)
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
            row.error = (row.error.isEmpty ? "" : row.error + "; ") + "diagnostics not written: \(error)"
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
