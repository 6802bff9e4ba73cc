import BenchKit
import BenchResults
import Foundation

/// The runs of a program cell, one function each, each returning what it measured or why it
/// could not (``Runner/measureProgram(_:_:index:runID:folder:outputs:)`` assembles the row).
/// Every run goes through `bench-launch` (``ProgramRun``) with a scratch folder of its own; a
/// non-zero exit or a signal fails it, with the tail of the program's standard error.
struct ProgramPasses {
    let cell: Cell
    let program: Program
    let configuration: RunConfiguration
    let folder: RunFolder
    /// The cell's log files' names start with this (`<index>-<cell>-r<rep>`).
    let logName: String
    /// The cell's profile is named by this (``CellKey/fileName``).
    let fileName: String

    /// What the timed run measured: the launcher's figures and samples, and GoAlloc's MemStats at
    /// exit (empty for the other allocators).
    struct Timed {
        let outcome: ProgramRun.Outcome
        let memStats: MemStatsSnapshot
    }

    private var preload: [String] { cell.allocator.library.map { [$0] } ?? [] }
    private var timeout: Timeout { program.timeout ?? configuration.timeout }

    /// The timed run, with the allocator alone preloaded; its output is checked against the
    /// program's reference in `outputs` (and becomes it when it is the first).
    func timed(checkingAgainst outputs: inout ProgramOutputs, as cell: CellKey) -> Result<Timed, WorkloadPasses.Failure> {
        // libgoalloc.so writes each process's MemStats here as it exits.
        let memStatsFolder = self.cell.allocator.name.isGoAlloc ? ScratchFolder() : nil
        let standardOutput = folder.outputPath(logName + "-timed")
        let outcome: ProgramRun.Outcome
        switch run("timed", preload: preload, environment: memStatsFolder.map { ["GOALLOC_MEMSTATS_OUT": $0.path] } ?? [:],
                   timeout: timeout, standardOutput: standardOutput) {
        case .success(let finished): outcome = finished
        case .failure(let failure): return .failure(failure)
        }
        let output = (try? String(contentsOfFile: standardOutput, encoding: .utf8)) ?? ""
        // Kept for the reference run and for a run whose output differs; a copy of the reference's
        // is not (a program that prints megabytes would fill the run folder).
        let verdict = program.checkedOutput(output).map { outputs.check($0, of: cell) }
        if output.isEmpty || verdict == .same { try? FileManager.default.removeItem(atPath: standardOutput) }
        if case .differs(let difference)? = verdict {
            let file = "\(RunFiles.logs)/\(URL(fileURLWithPath: standardOutput).lastPathComponent)"
            return .failure(.init(status: .failed, message: "timed run: \(difference) (\(file))"))
        }
        return .success(Timed(outcome: outcome, memStats: memStatsFolder.map { Self.goAllocMemStats(in: $0.path) } ?? MemStatsSnapshot()))
    }

    /// The counting run: every process of the program's tree writes its totals as it exits, and
    /// they are added up (nil when none wrote any).
    func counting() -> Result<AllocationCounts?, WorkloadPasses.Failure> {
        let countsFolder = ScratchFolder()
        return run("counting", preload: [configuration.countingLibrary] + preload, environment: ["BENCHCOUNT_OUT": countsFolder.path],
                   timeout: timeout, standardOutput: "/dev/null").map { _ in Self.allocationCounts(in: countsFolder.path) }
    }

    /// The latency run (`--latency`): the counting run again with every call of every process
    /// timed from load to exit; each process writes its histograms as it exits, and they are
    /// merged (nil when none wrote any). With the run's wall time, for `latency_ns_per_op`.
    func latency() -> Result<(latency: AllocationLatency?, wallNs: UInt64), WorkloadPasses.Failure> {
        let histograms = ScratchFolder()
        return run("latency", preload: [configuration.countingLibrary] + preload,
                   environment: ["BENCHCOUNT_OUT": histograms.path, "BENCHCOUNT_LATENCY": "1"], timeout: timeout,
                   standardOutput: "/dev/null").map { outcome in (Self.latency(in: histograms.path), outcome.wallNs) }
    }

    /// The whole program tree under callgrind, each process's profile summed over `ops`; the
    /// profile of the process that ran the most instructions is kept, with its folded stacks.
    func instructions(_ pass: InstructionPass, ops: Int) -> Result<InstructionCounts, WorkloadPasses.Failure> {
        let profile = folder.profilePath(fileName)
        let profiles = { Runner.files(in: URL(fileURLWithPath: profile).deletingLastPathComponent().path,
                                      prefix: URL(fileURLWithPath: profile).lastPathComponent + ".") }
        defer { profiles().forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let wrapper: (command: [String], preload: [String])
        do {
            wrapper = try pass.programWrapper(preload: preload, profilePrefix: profile)
        } catch {
            return .failure(.init(status: .ok, message: "instructions run: \(error)"))
        }
        // Valgrind runs a program 20 to 100 times slower.
        let limit = Timeout(nanoseconds: timeout.nanoseconds.multipliedReportingOverflow(by: 100).partialValue)
        let counted = run("instructions", preload: wrapper.preload, environment: [:], timeout: limit, standardOutput: "/dev/null",
                          wrappedIn: wrapper.command)
        if case .failure(let failure) = counted { return .failure(failure) }
        let read = profiles().compactMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { text in CallgrindTotals(profile: text).map { (text, $0) } }
        }
        guard let largest = read.max(by: { $0.1["Ir"] < $1.1["Ir"] }) else {
            return .failure(.init(status: .ok, message: "instructions run: callgrind wrote no readable profile"))
        }
        try? Data(largest.0.utf8).write(to: URL(fileURLWithPath: profile), options: .atomic)
        try? Data(CallgrindGraph.folded(profile: largest.0).utf8).write(
            to: URL(fileURLWithPath: RunFiles.foldedStacks(ofProfile: profile)), options: .atomic)
        return .success(InstructionCounts(totals: CallgrindTotals(summing: read.map(\.1)), perOps: Double(ops)))
    }

    /// One run of the program through the launcher, judged.
    private func run(_ kind: String, preload: [String], environment: [String: String], timeout: Timeout,
                     standardOutput: String, wrappedIn wrapper: [String] = []) -> Result<ProgramRun.Outcome, WorkloadPasses.Failure> {
        let scratch = ScratchFolder()
        let expand = { (text: String) in
            program.expand(text, products: configuration.products, threads: cell.threads, scratch: scratch.path)
        }
        let log = "\(logName)-\(kind)"
        let launch = ProgramRun(
            launcher: configuration.programLauncher!, command: wrapper + program.command.map(expand),
            environment: program.environment.mapValues(expand).merging(environment) { _, own in own },
            preload: preload, standardInput: program.standardInput, standardOutput: standardOutput,
            standardError: folder.logPath(log), report: scratch.path + ".report")
        let result = launch.run(timeoutNs: timeout.nanoseconds, limit: program.timeout == nil ? "--timeout" : "the program's timeout")
        let stderr = folder.settleLog(log)
        let failure: WorkerFailure
        switch result {
        case .success(let outcome) where outcome.signal != 0: failure = .crashed(signal: outcome.signal)
        case .success(let outcome) where outcome.exitStatus != 0: failure = .exited(status: outcome.exitStatus)
        case .success(let outcome): return .success(outcome)
        case .failure(let reason): failure = reason
        }
        return .failure(.init(status: failure.status,
                              message: "\(kind) run: \(failure.message)" + (stderr.isEmpty ? "" : "; stderr: \(stderr)")))
    }

    /// The counts the processes of a counting run wrote (files named by their pids), added up; nil
    /// when none wrote any.
    static func allocationCounts(in folder: String) -> AllocationCounts? {
        var total: AllocationCounts?
        for file in Runner.files(in: folder, prefix: "") where !file.hasSuffix(latencyEnding) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            let values = text.split(whereSeparator: \.isWhitespace).compactMap { UInt64($0) }
            guard values.count == 4 else { continue }
            var sum = total ?? AllocationCounts()
            sum.mallocs += values[0]
            sum.frees += values[1]
            sum.bytesRequested += values[2]
            sum.bytesUsable += values[3]
            total = sum
        }
        return total
    }

    /// What libBenchCount.so names each process's histograms (`<pid>.latency`).
    static let latencyEnding = ".latency"

    /// The histograms the processes of a latency run wrote (latency.c's format: `ticks ns
    /// empty_ticks`, then `kind bucket count` lines, and `kind BUCKETS max_ticks`), merged; nil
    /// when none wrote any.
    static func latency(in folder: String) -> AllocationLatency? {
        var merged: AllocationLatency?
        for file in Runner.files(in: folder, prefix: "") where file.hasSuffix(latencyEnding) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            let lines = text.split(separator: "\n").map { $0.split(separator: " ").compactMap { UInt64($0) } }
            // A file cut short (a process killed while writing) or without a clock rate is left out.
            guard let header = lines.first, header.count == 3, header[0] > 0, header[1] > 0 else { continue }
            let rate = Double(header[0]) / Double(header[1])
            var counts = [[UInt64]](repeating: [UInt64](repeating: 0, count: LatencyHistogram.bucketCount), count: 2)
            var maxima: [UInt64] = [0, 0]
            for line in lines.dropFirst() where line.count == 3 && line[0] < 2 && line[1] <= UInt64(LatencyHistogram.bucketCount) {
                if line[1] == UInt64(LatencyHistogram.bucketCount) {
                    maxima[Int(line[0])] = line[2]
                } else {
                    counts[Int(line[0])][Int(line[1])] = line[2]
                }
            }
            let process = AllocationLatency(alloc: LatencyHistogram(counts: counts[0], maxTicks: maxima[0], ticksPerNs: rate),
                                            free: LatencyHistogram(counts: counts[1], maxTicks: maxima[1], ticksPerNs: rate),
                                            ticksPerNs: rate, emptyRegionNs: Double(header[2]) / rate)
            merged = merged.map { $0.merged(with: process) } ?? process
        }
        return merged
    }

    /// The MemStats libgoalloc.so wrote at exit: of the process that allocated the most bytes.
    static func goAllocMemStats(in folder: String) -> MemStatsSnapshot {
        Runner.files(in: folder, prefix: "").compactMap { file in
            (try? Data(contentsOf: URL(fileURLWithPath: file))).flatMap { MemStatsSnapshot(goAllocExitDump: [UInt8]($0)) }
        }.max { ($0[.totalAlloc] ?? 0) < ($1[.totalAlloc] ?? 0) } ?? MemStatsSnapshot()
    }
}

extension Runner {
    static func files(in folder: String, prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix(prefix) }.sorted().map { "\(folder)/\($0)" }
    }
}

extension CallgrindTotals {
    /// The totals of several profiles (a program's processes), event by event.
    init(summing profiles: [CallgrindTotals]) {
        self.init(totals: profiles.reduce(into: [:]) { sum, profile in sum.merge(profile.totals, uniquingKeysWith: +) })
    }
}
