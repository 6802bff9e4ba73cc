import BenchKit
import BenchResults
import Foundation

/// The reference output of each program (at each thread count) in a run: the checked output of
/// its first cell that ran to a clean exit. With the allocators in the order given and the plan's
/// first repetition unrotated, that is the first allocator's (system's, by default).
struct ProgramOutputs {
    private var references: [String: (allocator: String, output: String)] = [:]

    /// Nil when `output` matches the reference (or becomes it); otherwise the line that says how it differs.
    mutating func check(_ output: String, of cell: CellKey) -> String? {
        let key = "\(cell.fullName) t\(cell.threads)"
        guard let reference = references[key] else {
            references[key] = (cell.allocator, output)
            return nil
        }
        guard reference.output != output else { return nil }
        let mine = output.split(separator: "\n", omittingEmptySubsequences: false)
        let theirs = reference.output.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(mine, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(mine.count, theirs.count)
        func quoted(_ lines: [Substring]) -> String {
            line < lines.count ? "'\(lines[line].prefix(120))'" : "nothing"
        }
        return "output differs from \(reference.allocator)'s at line \(line + 1): \(quoted(mine)) instead of \(quoted(theirs))"
    }
}

/// Why a run of a program gave no measurement: how it ended, and the tail of its standard error.
struct ProgramFailure: Error {
    let failure: WorkerFailure
    let standardError: String

    var status: CellStatus { failure.status }
    var message: String { failure.message + (standardError.isEmpty ? "" : "; stderr: \(standardError)") }
}

extension Runner {
    /// Measures a program cell: a timed run with the allocator preloaded, a counting run with
    /// libBenchCount.so in front of it, and with `--instructions` a run under callgrind (first
    /// repetition). Returns the row and the RSS samples of the timed run.
    func measureProgram(_ cell: Cell, _ program: Program, index: Int, runID: String, folder: RunFolder,
                        outputs: inout ProgramOutputs) -> (RunRow, [MemStatsRow]) {
        var row = RunRow(cell: CellKey(suite: Program.suite, workload: program.name, allocator: cell.allocator.name.rawValue,
                                       threads: cell.threads, host: machine.host),
                         runID: runID, rep: cell.rep, status: .ok, startedAt: Self.timestamp(Date()))
        let logName = "\(index + 1)-\(row.cell.fileName)-r\(cell.rep)"
        let preload = cell.allocator.library.map { [$0] } ?? []
        let ops = program.ops ?? 1
        let timeout = program.timeout ?? configuration.timeout

        // The timed run.
        let memStatsFolder = cell.allocator.name.isGoAlloc ? ScratchFolder() : nil
        var environment: [String: String] = [:]
        if let memStatsFolder { environment["GOALLOC_MEMSTATS_OUT"] = memStatsFolder.path }
        let stdoutPath = folder.logPath(logName + "-timed").replacingOccurrences(of: ".log", with: ".stdout")
        let timed: ProgramRun.Outcome
        switch run(program, cell, preload: preload, environment: environment, timeout: timeout,
                   logName: logName + "-timed", standardOutput: stdoutPath, folder: folder) {
        case .success(let outcome): timed = outcome
        case .failure(let failure):
            row.status = failure.status
            row.error = "timed run: \(failure.message)"
            return (row, [])
        }
        let output = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        if output.isEmpty { try? FileManager.default.removeItem(atPath: stdoutPath) }
        if let checked = program.checkedOutput(output), let difference = outputs.check(checked, of: row.cell) {
            row.status = .failed
            row.error = "timed run: \(difference) (\(RunFiles.logs)/\(URL(fileURLWithPath: stdoutPath).lastPathComponent))"
            return (row, [])
        }
        row.n = ops
        row.nsPerOp = Double(timed.wallNs) / Double(ops)
        row.process = timed.process
        row.allocatorVersion = cell.allocator.version ?? ""
        if let memStatsFolder { row.memStats = Self.goAllocMemStats(in: memStatsFolder.path) }

        // The counting run: every process of the program's tree writes its totals as it exits.
        let countsFolder = ScratchFolder()
        switch run(program, cell, preload: [configuration.countingLibrary] + preload,
                   environment: ["BENCHCOUNT_OUT": countsFolder.path], timeout: timeout,
                   logName: logName + "-counting", standardOutput: "/dev/null", folder: folder) {
        case .success:
            if let counts = Self.allocationCounts(in: countsFolder.path) {
                row.allocsPerOp = Double(counts.mallocs) / Double(ops)
                row.bytesPerOp = Double(counts.bytesRequested) / Double(ops)
                row.memStats = row.memStats.filling(from: MemStatsSnapshot(counted: counts))
            } else {
                row.error = "counting run: no process of the program wrote its counts (it ended without exit())"
            }
        case .failure(let failure):
            row.status = failure.status
            row.error = "counting run: \(failure.message)"
            return (row, [])
        }

        if configuration.instructionPass != nil, cell.rep == 1 {
            countInstructions(program, cell, preload: preload, timeout: timeout, logName: logName, folder: folder, row: &row)
        }
        let samples = timed.residentSamples.enumerated().map { tick, bytes in
            var sample = MemStatsRow(cell: row.cell, runID: runID, rep: cell.rep, tick: tick, memStats: MemStatsSnapshot())
            sample.residentBytes = bytes
            sample.elapsedSeconds = Double(tick + 1) * Double(ProgramRun.sampleEveryNs) / 1e9
            return sample
        }
        return (row, samples)
    }

    /// One run of the program through the launcher, judged: a non-zero exit or a signal is a
    /// failure with the tail of its standard error.
    private func run(_ program: Program, _ cell: Cell, preload: [String], environment: [String: String],
                     timeout: Timeout, logName: String, standardOutput: String, folder: RunFolder,
                     wrappedIn wrapper: [String] = []) -> Result<ProgramRun.Outcome, ProgramFailure> {
        let scratch = ScratchFolder()
        let expand = { (text: String) in
            program.expand(text, products: configuration.products, threads: cell.threads, scratch: scratch.path)
        }
        let launch = ProgramRun(
            launcher: configuration.programLauncher!, command: wrapper + program.command.map(expand),
            environment: program.environment.mapValues(expand).merging(environment) { _, own in own },
            preload: preload, standardInput: program.standardInput, standardOutput: standardOutput,
            standardError: folder.logPath(logName), report: scratch.path + ".report")
        let result = launch.run(timeoutNs: timeout.nanoseconds,
                                limit: program.timeout == nil ? "--timeout" : "the program's timeout")
        let logTail = folder.settleLog(logName)
        switch result {
        case .success(let outcome) where outcome.signal != 0:
            return .failure(ProgramFailure(failure: .crashed(signal: outcome.signal), standardError: logTail))
        case .success(let outcome) where outcome.exitStatus != 0:
            return .failure(ProgramFailure(failure: .exited(status: outcome.exitStatus), standardError: logTail))
        case .success(let outcome): return .success(outcome)
        case .failure(let failure): return .failure(ProgramFailure(failure: failure, standardError: logTail))
        }
    }

    /// The instruction pass of a program cell: the whole program tree under callgrind, each
    /// process's profile summed; the profile of the process that ran the most instructions is kept.
    private func countInstructions(_ program: Program, _ cell: Cell, preload: [String], timeout: Timeout,
                                   logName: String, folder: RunFolder, row: inout RunRow) {
        guard let instructionPass = configuration.instructionPass else { return }
        let profile = folder.profilePath(row.cell.fileName)
        let valgrind: [String], libraries: [String]
        do {
            (valgrind, libraries) = try instructionPass.programWrapper(preload: preload, profilePrefix: profile)
        } catch {
            row.error = "instructions run: \(error)"
            return
        }
        // Valgrind runs a program 20 to 100 times slower.
        let limit = Timeout(nanoseconds: timeout.nanoseconds.multipliedReportingOverflow(by: 100).partialValue)
        let result = run(program, cell, preload: libraries, environment: [:], timeout: limit,
                         logName: logName + "-instructions", standardOutput: "/dev/null", folder: folder, wrappedIn: valgrind)
        let profiles = Self.files(in: URL(fileURLWithPath: profile).deletingLastPathComponent().path,
                                  prefix: URL(fileURLWithPath: profile).lastPathComponent + ".")
        defer { profiles.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        if case .failure(let failure) = result {
            row.error = "instructions run: \(failure.message)"
            return
        }
        let read = profiles.compactMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { text in CallgrindTotals(profile: text).map { (text, $0) } }
        }
        guard let largest = read.max(by: { $0.1["Ir"] < $1.1["Ir"] }) else {
            row.error = "instructions run: callgrind wrote no readable profile"
            return
        }
        let n = Double(row.n ?? 1)
        let sum = { (value: (CallgrindTotals) -> UInt64) in Double(read.reduce(0) { $0 + value($1.1) }) / n }
        row.instructions = InstructionCounts(instructions: sum { $0["Ir"] }, l1dMisses: sum(\.l1DataMisses),
                                             llMisses: sum(\.lastLevelMisses), estimatedCycles: sum(\.estimatedCycles))
        try? Data(largest.0.utf8).write(to: URL(fileURLWithPath: profile), options: .atomic)
        try? Data(CallgrindGraph.folded(profile: largest.0).utf8).write(
            to: URL(fileURLWithPath: RunFiles.foldedStacks(ofProfile: profile)), options: .atomic)
    }

    /// The counts the processes of a counting run wrote, added up; nil when none wrote any.
    static func allocationCounts(in folder: String) -> AllocationCounts? {
        var total: AllocationCounts?
        for file in files(in: folder, prefix: "") {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            let values = text.split(whereSeparator: \.isWhitespace).compactMap { UInt64($0) }
            guard values.count == 4 else { continue }
            var sum = total ?? AllocationCounts(mallocs: 0, frees: 0, bytesRequested: 0, bytesUsable: 0)
            sum.mallocs += values[0]
            sum.frees += values[1]
            sum.bytesRequested += values[2]
            sum.bytesUsable += values[3]
            total = sum
        }
        return total
    }

    /// The MemStats libgoalloc.so wrote at exit: of the process that allocated the most bytes.
    static func goAllocMemStats(in folder: String) -> MemStatsSnapshot {
        files(in: folder, prefix: "").compactMap { file in
            (try? Data(contentsOf: URL(fileURLWithPath: file))).flatMap { MemStatsSnapshot(goAllocExitDump: [UInt8]($0)) }
        }.max { ($0[.totalAlloc] ?? 0) < ($1[.totalAlloc] ?? 0) } ?? MemStatsSnapshot()
    }

    static func files(in folder: String, prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix(prefix) }.sorted().map { "\(folder)/\($0)" }
    }
}
