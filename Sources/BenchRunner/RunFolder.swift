#if canImport(Glibc)
import Glibc
#endif
import BenchKit
import BenchResults
import Foundation

/// The runner's files of one run (``RunFiles`` lists them all), written so that a killed runner
/// loses nothing it finished.
///
/// - `runs.csv`: one row per cell, appended and fsynced as each cell finishes.
/// - `memstats.csv`: the MemStats samples of the cells that take some, appended the same way;
///   created with the first of them.
/// - `bench.txt`: Go benchmark format, rewritten (atomically) after each cell.
/// - `params.json`: the run's flags, machine and allocators, written at the start and the end.
/// - `logs/`: what workers printed, kept only when they printed something.
/// - `profiles/`: with the instruction pass, each counted cell's callgrind profile and stacks.
///
/// The report is not the runner's: the CLI writes it from these files afterwards, as `bench
/// report` would.
struct RunFolder {
    let path: String
    private let runsFD: Int32

    init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: RunFiles.path(path, RunFiles.logs), withIntermediateDirectories: true)
        runsFD = open(RunFiles.path(path, RunFiles.runs), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard runsFD >= 0 else {
            throw InputError("cannot create \(RunFiles.path(path, RunFiles.runs)): \(String(cString: strerror(errno)))")
        }
        try append(RunsCSV.header)
    }

    func append(row: RunRow) throws {
        try append(RunsCSV.line(row))
    }

    /// Appends one cell's samples to `memstats.csv`, creating it (with its header) for the first.
    func append(memStats rows: [MemStatsRow]) throws {
        guard !rows.isEmpty else { return }
        let file = RunFiles.path(path, RunFiles.memStats)
        var text = rows.map(MemStatsCSV.line).joined()
        var fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        if fd >= 0 {
            text = MemStatsCSV.header + text
        } else if errno == EEXIST {
            fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC)
        }
        guard fd >= 0 else {
            throw InputError("cannot write \(file): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(fd) }
        try Self.write(text, to: fd)
    }

    private func append(_ text: String) throws {
        try Self.write(text, to: runsFD)
    }

    /// Writes all of `text` and fsyncs, so that a killed runner keeps every line it wrote.
    private static func write(_ text: String, to fd: Int32) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            offset += written
        }
        fsync(fd)
    }

    /// Replaces a file whole: written beside it, then renamed over it.
    func replace(_ name: String, with text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(path)/\(name)"), options: .atomic)
    }

    func logPath(_ name: String) -> String { RunFiles.path(RunFiles.path(path, RunFiles.logs), "\(name).log") }

    /// Where a program cell's run keeps its standard output, for the output check and for the reader.
    func outputPath(_ name: String) -> String { RunFiles.path(RunFiles.path(path, RunFiles.logs), "\(name).stdout") }

    /// Where the instruction pass of the cell named `name` writes its callgrind profile (the
    /// folder is made with the first).
    func profilePath(_ name: String) -> String {
        let folder = RunFiles.path(path, RunFiles.profiles)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return RunFiles.path(folder, "\(name).callgrind")
    }

    /// Writes `text` as `folder/name` in the run folder (the folder is made with the first file),
    /// atomically: a cell's diagnostics are on disk whole, or not at all.
    func write(_ text: String, into folder: String, as name: String) throws {
        let directory = RunFiles.path(path, folder)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: RunFiles.path(directory, name)), options: .atomic)
    }

    /// Drops an empty log; for a non-empty one returns what best explains a failure (see ``diagnosis(of:)``).
    func settleLog(_ name: String) -> String {
        let file = logPath(name)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), !text.isEmpty else {
            try? FileManager.default.removeItem(atPath: file)
            return ""
        }
        return Self.diagnosis(of: text)
    }

    /// One line from a worker's output: Swift's runtime error and crash lines when there are some
    /// (a crash log ends with a long backtrace, whose tail says nothing), else the last three lines.
    static func diagnosis(of output: String) -> String {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let markers = ["Fatal error", "fatal error", "Assertion failed", "Precondition failed", "*** Program crashed"]
        let runtime = lines.filter { line in markers.contains { line.contains($0) } }
        let chosen = runtime.isEmpty ? Array(lines.suffix(3)) : Array(runtime.prefix(2))
        return String(chosen.joined(separator: " | ").prefix(400))
    }

    func close() {
        Glibc.close(runsFD)
    }
}
