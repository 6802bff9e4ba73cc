import Foundation
@testable import BenchKit
@testable import BenchResults
@testable import BenchReports

/// `runs.csv` rows made up for report tests: known values, so every statistic and mark they
/// lead to can be worked out by hand.
enum SampleRuns {
    static func row(_ workload: String, _ allocator: String, ns: Double?, rep: Int = 1, threads: Int = 1,
                    host: String = "h", suite: String = "S", status: CellStatus = .ok, error: String = "") -> RunRow {
        var row = RunRow(cell: CellKey(suite: suite, workload: workload, allocator: allocator, threads: threads, host: host), runID: "r", rep: rep, status: status, startedAt: "2026-11-23T10:00:00Z")
        row.error = error
        guard status == .ok else { return row }
        row.nsPerOp = ns
        row.allocsPerOp = 1
        row.bytesPerOp = 64
        row.process = ProcessFigures(peakRSSBytes: 20 * 1024 * 1024, minorFaults: 10, majorFaults: 0,
                                     voluntaryContextSwitches: 1, involuntaryContextSwitches: 2, userSeconds: 1,
                                     systemSeconds: 0)
        return row
    }

    /// One cell: a row per value, repetitions numbered from 1.
    static func cell(_ workload: String, _ allocator: String, _ values: [Double], threads: Int = 1,
                     host: String = "h", suite: String = "S") -> [RunRow] {
        values.enumerated().map { row(workload, allocator, ns: $1, rep: $0 + 1, threads: threads, host: host, suite: suite) }
    }

    /// A folder on disk holding `runs` as runs.csv (and `memStats` as memstats.csv), as `bench run` leaves it.
    static func folder(_ runs: [RunRow], memStats: [MemStatsRow] = [], name: String = "run") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-\(name)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try (RunsCSV.header + runs.map(RunsCSV.line).joined()).write(toFile: path + "/runs.csv", atomically: true, encoding: .utf8)
        if !memStats.isEmpty {
            try (MemStatsCSV.header + memStats.map(MemStatsCSV.line).joined())
                .write(toFile: path + "/memstats.csv", atomically: true, encoding: .utf8)
        }
        return path
    }
}
