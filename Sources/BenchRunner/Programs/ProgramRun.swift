#if canImport(Glibc)
import Glibc
#endif
import BenchKit
import BenchResults
import Foundation

/// One run of a program: started through `bench-launch` with the cell's allocator preloaded into
/// the program (never into the runner or the launcher), its standard output kept in a file for the
/// output check, its standard error in the cell's log, and the resident memory of its whole process
/// group sampled while it runs.
struct ProgramRun {
    /// What the launcher reported, and what the runner sampled.
    struct Outcome {
        var wallNs: UInt64
        var exitStatus: Int32
        var signal: Int32
        var process: ProcessFigures
        /// The group's resident bytes (every process but the launcher) about every ``sampleEveryNs``,
        /// at the seconds since the start each sample was due. A sample that found no process of the
        /// program (it had not started, or had just ended) is left out.
        var residentSamples: [(seconds: Double, bytes: UInt64)]
    }

    /// How often the group's RSS is sampled. Reading /proc/<pid>/stat for every process cost the
    /// runner 1.3 ms a sample on the 2-core VM (73 processes): 100 ms keeps that near 1% of a core.
    static let sampleEveryNs: UInt64 = 100_000_000

    var launcher: String
    var command: [String]
    var environment: [String: String]
    var preload: [String]
    var standardInput: String?
    var standardOutput: String
    var standardError: String
    /// Where the launcher writes its report (removed after it is read).
    var report: String

    /// Runs the program to its end within `timeoutNs`. A failure is the launcher's (it could not
    /// start or report), or the program's timeout; a program that exits non-zero or crashes is an
    /// outcome, which the caller judges.
    func run(timeoutNs: Int64, limit: String) -> Result<Outcome, WorkerFailure> {
        let deadline = monotonicNanoseconds() + UInt64(max(timeoutNs, 0))
        let spawned = Subprocess.spawn(
            launcher, arguments: [report, preload.joined(separator: ":"), "--"] + command, environment: environment,
            descriptors: .init(standardInput: standardInput, standardOutput: standardOutput, standardError: standardError))
        let child: Subprocess
        switch spawned {
        case .success(let started): child = started
        case .failure(let failure): return .failure(failure)
        }
        var samples: [(seconds: Double, bytes: UInt64)] = []
        let status = child.wait(deadline: deadline, sampleEveryNs: Self.sampleEveryNs) { slot in
            let bytes = Self.residentBytes(ofGroup: child.pid)
            // Whole milliseconds over 1000, so that 0.3 s is written 0.3 (not 0.1 x 3).
            if bytes > 0 { samples.append((Double(slot * Int(Self.sampleEveryNs / 1_000_000)) / 1000, bytes)) }
        }
        defer { try? FileManager.default.removeItem(atPath: report) }
        guard let status else { return .failure(.timedOut(seconds: Double(timeoutNs) / 1e9, limit: limit)) }
        guard status.code == 0, let text = try? String(contentsOfFile: report, encoding: .utf8) else {
            let why = status.signal.map { "killed by signal \($0) (\(signalName($0)))" } ?? "exited with status \(status.code)"
            return .failure(.spawnFailed("bench-launch \(why) without a report"))
        }
        var figures: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Int64(parts[1]) { figures[String(parts[0])] = value }
        }
        guard let wall = figures["wall_ns"], let exit = figures["exit_status"], let signal = figures["signal"] else {
            return .failure(.spawnFailed("bench-launch wrote an incomplete report: \(text)"))
        }
        let process = ProcessFigures(
            peakRSSBytes: figures["maxrss_kb"].map { UInt64($0) * 1024 }, minorFaults: figures["minflt"] ?? 0,
            majorFaults: figures["majflt"] ?? 0, voluntaryContextSwitches: figures["nvcsw"] ?? 0,
            involuntaryContextSwitches: figures["nivcsw"] ?? 0, userSeconds: Double(figures["utime_us"] ?? 0) / 1e6,
            systemSeconds: Double(figures["stime_us"] ?? 0) / 1e6)
        return .success(Outcome(wallNs: UInt64(wall), exitStatus: Int32(exit), signal: Int32(signal), process: process,
                                residentSamples: samples))
    }

    /// The resident bytes of every process in `group` but its leader (the launcher): the fields
    /// `pgrp` (5th) and `rss` (24th, in pages) of /proc/<pid>/stat, counted after the command
    /// name, which may itself hold spaces and parentheses.
    static func residentBytes(ofGroup group: pid_t) -> UInt64 {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        var total: UInt64 = 0
        for entry in entries {
            guard let pid = pid_t(entry), pid != group,
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // fields[0] is the state (3rd field), so pgrp (5th) is fields[2] and rss (24th) fields[21].
            guard fields.count > 21, pid_t(fields[2]) == group, let pages = UInt64(fields[21]) else { continue }
            total += pages * pageSize
        }
        return total
    }
}
