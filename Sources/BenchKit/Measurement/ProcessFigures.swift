#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What the worker process itself spent while a run ran: memory, faults, scheduling and CPU.
public struct ProcessFigures: Codable, Equatable, Sendable {
    /// The worker's peak resident set (VmHWM) during the run, in bytes. Measured in the worker
    /// because `getrusage` of a spawned child reports the runner's peak inherited across exec.
    public var peakRSSBytes: UInt64?
    public var minorFaults: Int64
    public var majorFaults: Int64
    public var voluntaryContextSwitches: Int64
    public var involuntaryContextSwitches: Int64
    public var userSeconds: Double
    public var systemSeconds: Double

    public init(peakRSSBytes: UInt64?, minorFaults: Int64, majorFaults: Int64, voluntaryContextSwitches: Int64,
                involuntaryContextSwitches: Int64, userSeconds: Double, systemSeconds: Double) {
        self.peakRSSBytes = peakRSSBytes
        self.minorFaults = minorFaults
        self.majorFaults = majorFaults
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
    }
}

/// Measures ``ProcessFigures`` over a stretch of the worker's life (all threads).
///
/// The harness measures every run with one; a workload can measure a part of its run too:
///
///     let probe = ProcessFigureProbe()
///     for _ in 0..<b.n { ... }
///     b.reportMetric("page-faults", Double(probe.finish().minorFaults))
///
/// Starting a probe resets the process's peak-RSS mark, so the harness's peak then covers the
/// same stretch or less.
public struct ProcessFigureProbe {
    private let start: rusage

    /// Starts measuring: resets the peak-RSS mark to the current RSS (Linux `clear_refs` 5) so
    /// that the peak belongs to what follows, and takes the rusage counters.
    public init() {
        ProcessFigureProbe.resetPeakRSS()
        start = ProcessFigureProbe.usage()
    }

    /// The figures since `init`.
    public func finish() -> ProcessFigures {
        let end = ProcessFigureProbe.usage()
        return ProcessFigures(
            peakRSSBytes: ProcessFigureProbe.peakRSSBytes(),
            minorFaults: Int64(end.ru_minflt - start.ru_minflt),
            majorFaults: Int64(end.ru_majflt - start.ru_majflt),
            voluntaryContextSwitches: Int64(end.ru_nvcsw - start.ru_nvcsw),
            involuntaryContextSwitches: Int64(end.ru_nivcsw - start.ru_nivcsw),
            userSeconds: seconds(end.ru_utime, since: start.ru_utime),
            systemSeconds: seconds(end.ru_stime, since: start.ru_stime))
    }

    /// Exact microsecond arithmetic first, so the result has no binary-fraction noise.
    private func seconds(_ end: timeval, since start: timeval) -> Double {
        let microseconds = (Int64(end.tv_sec) - Int64(start.tv_sec)) * 1_000_000 + Int64(end.tv_usec) - Int64(start.tv_usec)
        return Double(microseconds) / 1e6
    }

    private static func usage() -> rusage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage
    }

    private static func resetPeakRSS() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }

    /// VmHWM from /proc/self/status, in bytes.
    static func peakRSSBytes() -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
            return kilobytes.flatMap { UInt64($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
