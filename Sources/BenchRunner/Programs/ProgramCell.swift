import BenchKit
import BenchResults
import Foundation

/// The reference output of each program (at each thread count) in a run: the checked output of
/// its first cell that ran to a clean exit. With the allocators in the order given and the plan's
/// first repetition unrotated, that is the first allocator's (system's, by default).
struct ProgramOutputs {
    private var references: [String: (allocator: String, output: String)] = [:]

    /// How a run's output compares with its program's reference.
    enum Verdict: Equatable {
        /// It is the first: it becomes the reference.
        case reference
        case same
        /// The line that says how it differs.
        case differs(String)
    }

    mutating func check(_ output: String, of cell: CellKey) -> Verdict {
        let key = "\(cell.fullName) t\(cell.threads)"
        guard let reference = references[key] else {
            references[key] = (cell.allocator, output)
            return .reference
        }
        guard reference.output != output else { return .same }
        let mine = output.split(separator: "\n", omittingEmptySubsequences: false)
        let theirs = reference.output.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(mine, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(mine.count, theirs.count)
        func quoted(_ lines: [Substring]) -> String {
            line < lines.count ? "'\(lines[line].prefix(120))'" : "nothing"
        }
        return .differs("output differs from \(reference.allocator)'s at line \(line + 1): \(quoted(mine)) instead of \(quoted(theirs))")
    }
}

extension Runner {
    /// Measures a program cell (``ProgramPasses``): a timed run with the allocator preloaded, a
    /// counting run with libBenchCount.so in front of it, with `--instructions` a run under
    /// callgrind (first repetition) and with `--latency` a latency run. Returns the row and the RSS samples of the timed run.
    func measureProgram(_ cell: Cell, _ program: Program, index: Int, runID: String, folder: RunFolder,
                        outputs: inout ProgramOutputs) -> (RunRow, [MemStatsRow]) {
        var row = RunRow(cell: CellKey(suite: Program.suite, workload: program.name, allocator: cell.allocator.name.rawValue,
                                       threads: cell.threads, host: machine.host),
                         runID: runID, rep: cell.rep, status: .ok, startedAt: Self.timestamp(Date()))
        let passes = ProgramPasses(cell: cell, program: program, configuration: configuration, folder: folder,
                                   logName: "\(index + 1)-\(row.cell.fileName)-r\(cell.rep)", fileName: row.cell.fileName)
        let timed: ProgramPasses.Timed, counts: AllocationCounts?
        switch passes.timed(checkingAgainst: &outputs, as: row.cell).flatMap({ timed in passes.counting().map { (timed, $0) } }) {
        case .success(let results): (timed, counts) = results
        case .failure(let failure):
            row.status = failure.status
            row.error = failure.message
            return (row, [])
        }
        row.record(timed, counts: counts, ops: program.ops ?? 1, allocator: cell.allocator)
        if let instructionPass = configuration.instructionPass, cell.rep == 1 {
            switch passes.instructions(instructionPass, ops: program.ops ?? 1) {
            case .success(let counts): row.instructions = counts
            case .failure(let failure): row.note(failure.message)
            }
        }
        // A program's allocations may differ from run to run (hash seeds, timing), so unlike a
        // workload's latency pass its latency run is not held to the counting run's counts.
        if configuration.latency {
            switch passes.latency() {
            case .success(let (latency?, wallNs)):
                recordLatency(latency, nsPerOp: Double(wallNs) / Double(program.ops ?? 1), trace: nil, row: &row, folder: folder)
            case .success: row.note("latency run: no process of the program wrote its histograms (it ended without exit())")
            case .failure(let failure): row.note(failure.message)
            }
        }
        let samples = timed.outcome.residentSamples.enumerated().map { tick, sampled in
            var sample = MemStatsRow(cell: row.cell, runID: runID, rep: cell.rep, tick: tick, memStats: MemStatsSnapshot())
            sample.residentBytes = sampled.bytes
            sample.elapsedSeconds = sampled.seconds
            return sample
        }
        return (row, samples)
    }
}

extension RunRow {
    /// Fills the row from a program cell's timed run and the counts of its counting run (nil when
    /// no process wrote them), the one place a program's measurements become columns.
    mutating func record(_ timed: ProgramPasses.Timed, counts: AllocationCounts?, ops: Int, allocator: AllocatorAvailability) {
        n = ops
        nsPerOp = Double(timed.outcome.wallNs) / Double(ops)
        process = timed.outcome.process
        allocatorVersion = allocator.version ?? ""
        memStats = timed.memStats
        if let counts {
            allocsPerOp = Double(counts.mallocs) / Double(ops)
            bytesPerOp = Double(counts.bytesRequested) / Double(ops)
            memStats = memStats.filling(from: MemStatsSnapshot(counted: counts))
        } else {
            error = "counting run: no process of the program wrote its counts (it ended without exit())"
        }
    }
}
