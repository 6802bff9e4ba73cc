import BenchKit
import BenchResults
import Foundation

/// The passes of a Swift workload's cell, one function each, each returning what it measured or
/// why it could not (``Runner`` assembles the row from them; a program cell's passes are
/// ``Runner/measureProgram(_:_:index:runID:folder:outputs:)``'s runs).
///
/// - The **timed pass** runs the workload on the allocator alone and grows b.N like Go; it reports
///   time, MemStats, process figures and, where the kernel has them, hardware counters.
/// - The **counting pass** preloads libBenchCount.so in front of the same allocator and replays the
///   timed pass's iteration counts; it reports allocs/op and B/op. So counting never slows the timed
///   pass, and a cell's counts describe exactly the runs that were timed.
/// - The **instruction pass** (``InstructionPass``, `--instructions`) runs the first repetition once
///   more under callgrind.
/// - The **latency pass** (`--latency`) replays the counting pass with every malloc-family call of
///   the last run timed; its histograms go to `latency/`, its percentiles to the row.
struct WorkloadPasses {
    let cell: Cell
    let configuration: RunConfiguration
    let folder: RunFolder
    /// The cell's log files' names start with this (`<index>-<cell>-r<rep>`).
    let logName: String
    /// The cell's files (profile, allocation sites, trace) are named by this (``CellKey/fileName``).
    let fileName: String

    /// Why a pass gave no measurement: the row's status, and the line for its `error` column.
    struct Failure: Error {
        let status: CellStatus
        let message: String
    }

    /// The libraries every pass preloads: the allocator's (none for system).
    private var preload: [String] { cell.allocator.library.map { [$0] } ?? [] }

    func timed(tracing: Bool) -> Result<CellResult, Failure> {
        exchange(.timed(configuration.benchTime), trace: tracing, batches: configuration.batches) { logPath in
            WorkerProcess(executable: cell.workload.executable, arguments: WorkerProtocol.workerArguments,
                          preload: preload, logPath: logPath)
        }
    }

    /// Traced too when the timed pass was (the trace kept is the timed pass's): its allocs/op then
    /// show that recording allocates nothing.
    func counting(replaying timed: CellResult, sites: Bool, tracing: Bool) -> Result<CellResult, Failure> {
        exchange(.counting(iterations: timed.iterations), sites: sites, trace: tracing) { logPath in
            WorkerProcess(executable: cell.workload.executable, arguments: WorkerProtocol.workerArguments,
                          preload: [configuration.countingLibrary] + preload, logPath: logPath)
        }
    }

    /// The counting pass again, with each malloc-family call of the last run timed (`--latency`);
    /// traced when the timed pass was, so that go-gc's pauses can be set beside its slowest calls.
    func latency(replaying timed: CellResult, tracing: Bool) -> Result<CellResult, Failure> {
        exchange(.latency(iterations: timed.iterations), trace: tracing) { logPath in
            WorkerProcess(executable: cell.workload.executable, arguments: WorkerProtocol.workerArguments,
                          preload: [configuration.countingLibrary] + preload, logPath: logPath)
        }
    }

    /// The counts per op of one run under callgrind, its profile kept and drawn as folded stacks.
    func instructions(_ pass: InstructionPass, after timed: CellResult) -> Result<InstructionCounts, Failure> {
        let iterations = InstructionPass.iterations(timedN: timed.n, nsPerOp: timed.nsPerOp,
                                                    fixed: cell.workload.info.fixedIterations != nil)
        let profile = folder.profilePath(fileName)
        let counted = exchange(.instructions(iterations: iterations)) { logPath in
            try pass.worker(executable: cell.workload.executable, preload: preload, profile: profile, logPath: logPath)
        }
        let result: CellResult
        switch counted {
        case .success(let measured): result = measured
        case .failure(let failure): return .failure(failure)
        }
        guard result.n > 0, let text = try? String(contentsOfFile: profile, encoding: .utf8),
              let totals = CallgrindTotals(profile: text) else {
            try? FileManager.default.removeItem(atPath: profile)
            return .failure(Failure(status: .ok, message: "instructions pass: callgrind wrote no readable profile"))
        }
        // The flame graph's input: the call graph as folded stacks, Swift names demangled.
        try? Data(CallgrindGraph.folded(profile: text).utf8).write(
            to: URL(fileURLWithPath: RunFiles.foldedStacks(ofProfile: profile)), options: .atomic)
        return .success(InstructionCounts(totals: totals, perOps: Double(result.n)))
    }

    /// One worker process, one request: its result, or the failure with the tail of its output.
    private func exchange(_ kind: CellRequest.Pass, sites: Bool = false, trace: Bool = false, batches: Int = 0,
                          worker makeWorker: (_ logPath: String) throws -> WorkerProcess) -> Result<CellResult, Failure> {
        let name = logName + "-" + kind.name
        let request = CellRequest(workload: cell.workload.info.fullName, allocator: cell.allocator.name, threads: cell.threads,
                                  pass: kind, recordsAllocationSites: sites, tracesRuntime: trace, batches: batches)
        let result: Result<WorkerReply, WorkerFailure>
        do {
            result = try makeWorker(folder.logPath(name)).exchange(.run(request), timeoutNs: configuration.timeout.nanoseconds)
        } catch {
            result = .failure(.spawnFailed("\(error)"))
        }
        let logTail = folder.settleLog(name)
        let failure: WorkerFailure
        switch result {
        case .success(.result(let measured)): return .success(measured)
        case .success: failure = .refused("the worker answered with something other than a result")
        case .failure(let reason): failure = reason
        }
        return .failure(Failure(status: failure.status,
                                message: "\(kind.name) pass: \(failure.message)" + (logTail.isEmpty ? "" : "; output: \(logTail)")))
    }
}

extension InstructionCounts {
    /// A callgrind profile's totals over `n` ops.
    init(totals: CallgrindTotals, perOps n: Double) {
        self.init(instructions: Double(totals["Ir"]) / n, l1dMisses: Double(totals.l1DataMisses) / n,
                  llMisses: Double(totals.lastLevelMisses) / n, estimatedCycles: Double(totals.estimatedCycles) / n)
    }
}
