import BenchKit
import BenchResults
import Foundation

/// The instruction-count pass of a cell (`bench run --instructions`): the workload runs once
/// more under Valgrind's callgrind with its cache simulation, instrumented only while its timer
/// runs (BenchKit starts and stops the instrumentation with Valgrind's client requests), and the
/// counts of that region divided by b.N become the cell's `instructions_per_op`,
/// `l1d_misses_per_op`, `ll_misses_per_op` and `est_cycles_per_op`.
///
/// Counts do not move with the machine's noise: the same binary, allocator and b.N give the same
/// instructions in every process. Valgrind runs the process's threads one at a time, so a
/// multi-threaded cell counts the work of all its threads, serialised: contention, cache lines
/// moving between cores and lock waits do not show, and its cache figures are those of one core.
/// Each cell's first repetition is counted (later ones would give the same numbers).
public final class InstructionPass: @unchecked Sendable {
    /// The valgrind executable.
    let valgrind: String
    /// Stripped copies of the executables and libraries Valgrind loads, by original path.
    private var stripped: [String: String] = [:]
    private let scratch: String

    /// b.N of the pass: the timed pass's, at most this many...
    static let maximumIterations = 100_000
    /// ...and at most what the timed pass ran in this many nanoseconds (Valgrind runs a workload
    /// 20 to 100 times slower).
    static let timeBudgetNs = 50_000_000.0

    /// Finds valgrind; nil when it is not installed.
    public init?(searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") {
        guard let valgrind = searchPath.split(separator: ":").map({ "\($0)/valgrind" })
            .first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        self.valgrind = valgrind
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-valgrind-\(UUID())").path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// The pass's b.N for a workload the timed pass ran at `n` taking `nsPerOp`: deterministic
    /// for every workload fast enough to reach ``maximumIterations`` within the budget, and
    /// rounded down to 1, 2 or 5 times a power of ten otherwise, so that small timing differences
    /// do not change it. A fixed b.N stays as it is.
    static func iterations(timedN n: Int, nsPerOp: Double, fixed: Bool) -> Int {
        guard !fixed else { return n }
        let affordable = nsPerOp > 0 ? Int(min(timeBudgetNs / nsPerOp, Double(Int.max / 2))) : maximumIterations
        let wanted = max(1, min(n, maximumIterations, affordable))
        let power = Int(pow(10, floor(log10(Double(wanted)))))
        return [5, 2, 1].map { $0 * power }.first { $0 <= wanted } ?? 1
    }

    /// The worker to run under callgrind: valgrind's command line around a stripped copy of
    /// `executable`, with `preload` (a stripped copy of each library this package built).
    func worker(executable: String, preload: [String], profile: String, logPath: String) throws -> WorkerProcess {
        let arguments = ["--tool=callgrind", "--instr-atstart=no", "--cache-sim=yes", "--callgrind-out-file=\(profile)",
                         try strippedCopy(of: executable)] + WorkerProtocol.workerArguments
        return WorkerProcess(executable: valgrind, arguments: arguments,
                             preload: try preload.map { try ownLibrary($0) ? strippedCopy(of: $0) : $0 }, logPath: logPath)
    }

    /// What a program cell's instruction run puts in front of the program's command line
    /// (valgrind's, following the program's children, a profile per process named
    /// `<profilePrefix>.<pid>`), and the libraries to preload (this package's as stripped copies).
    /// The whole run is counted: a program has no timer to start and stop the instrumentation.
    func programWrapper(preload: [String], profilePrefix: String) throws -> (command: [String], preload: [String]) {
        let command = [valgrind, "--tool=callgrind", "--cache-sim=yes", "--trace-children=yes",
                       "--callgrind-out-file=\(profilePrefix).%p"]
        return (command, try preload.map { try ownLibrary($0) ? strippedCopy(of: $0) : $0 })
    }

    /// Valgrind 3.19 cannot read the DWARF that Swift 6 writes; counting needs only the symbol
    /// table, so it gets a copy without debug information (made once per run).
    private func strippedCopy(of path: String) throws -> String {
        if let copy = stripped[path] { return copy }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let copy = "\(scratch)/\(stripped.count)-\(URL(fileURLWithPath: path).lastPathComponent)"
        let strip = Subprocess.run(["/usr/bin/objcopy", "--strip-debug", path, copy], standardError: .merge)
        guard strip.succeeded else { throw InputError("objcopy --strip-debug \(path) failed: \(strip.text.prefix(300))") }
        stripped[path] = copy
        return copy
    }

    /// Libraries built by this package (next to `bench`) carry Swift's DWARF; system ones do not.
    private func ownLibrary(_ path: String) -> Bool {
        !path.hasPrefix("/usr/") && !path.hasPrefix("/lib")
    }
}

/// What a callgrind profile says: its events and their totals.
public struct CallgrindTotals: Equatable, Sendable {
    public var totals: [String: UInt64]

    /// Reads the `events:` line and the `totals:` line of a profile: the costs since the last
    /// zeroing (b.resetTimer() zeroes them; `summary:` would count from the start of the process).
    public init?(profile text: String) {
        var events: [String] = []
        var values: [UInt64] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("events:") {
                events = line.dropFirst("events:".count).split(separator: " ").map(String.init)
            } else if line.hasPrefix("totals:") {
                values = line.dropFirst("totals:".count).split(separator: " ").compactMap { UInt64($0) }
            }
        }
        guard !events.isEmpty, !values.isEmpty else { return nil }
        // Trailing zeros may be left out of a cost line.
        totals = Dictionary(uniqueKeysWithValues: events.enumerated().map { ($1, $0 < values.count ? values[$0] : 0) })
    }

    public init(totals: [String: UInt64]) {
        self.totals = totals
    }

    public subscript(event: String) -> UInt64 { totals[event] ?? 0 }

    /// Level-1 data cache misses: reads and writes.
    public var l1DataMisses: UInt64 { self["D1mr"] + self["D1mw"] }
    /// Last-level cache misses: instruction fetches, data reads and writes.
    public var lastLevelMisses: UInt64 { self["ILmr"] + self["DLmr"] + self["DLmw"] }
    /// Cycles estimated from the counts as Cachegrind's documentation and KCachegrind do:
    /// Ir + 10 x (I1mr + D1mr + D1mw) + 100 x (ILmr + DLmr + DLmw).
    public var estimatedCycles: UInt64 {
        self["Ir"] + 10 * (self["I1mr"] + l1DataMisses) + 100 * lastLevelMisses
    }
}
