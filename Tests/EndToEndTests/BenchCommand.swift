import Foundation
import BenchKit
import BenchReports
import BenchResults
import BenchRunner

/// Runs the built `bench` (and friends) as a user would, from the folder that holds the tests.
///
/// `make test` builds every product before `swift test`, so the executables sit next to the
/// test bundle.
enum BenchCommand {
    static let products = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    static let bench = products.appendingPathComponent("bench").path
    static let fixtures = products.appendingPathComponent("bench-fixtures").path
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Execution {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs an executable to completion and captures its output. `environment` adds to (or
    /// replaces variables of) this process's environment.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                    environment: [String: String] = [:]) throws -> Execution {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = Self.environment(adding: environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs, so neither can fill up and block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var stderrData = Data()
        group.enter()
        DispatchQueue.global().async {
            stderrData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Execution(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// This process's environment with `variables` added. The debug `bench` the tests run measures
    /// itself (marked as a debug run) instead of handing over to a release build.
    static func environment(adding variables: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["ALLOCBENCH_MEASURE_DEBUG": "1"]) { $1 }.merging(variables) { $1 }
    }

    static func bench(_ arguments: [String]) throws -> Execution {
        try run(bench, arguments)
    }

    /// A fresh folder for one test's results.
    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-e2e-\(name)-\(UUID())").path
    }

    static func rows(in folder: String) throws -> [RunRow] {
        try RunsCSV.parse(String(contentsOfFile: folder + "/runs.csv", encoding: .utf8))
    }

    /// The allocators installed on this machine (system always).
    static var installedAllocators: [String] {
        AllocatorCatalog.discover(products: products.path).available.map(\.name.rawValue)
    }

    /// Says which allocators the tests that run "on every installed allocator" leave out, and why.
    static func reportMissingAllocators() {
        for missing in AllocatorCatalog.discover(products: products.path).allocators where !missing.isAvailable {
            print("note: skipping allocator \(missing.name): \(missing.unavailableReason ?? "")")
        }
    }

    /// Runs `bench` on every installed allocator with the given flags, expects success, and
    /// returns the rows and the results folder.
    static func runOnEveryAllocator(_ name: String, _ arguments: [String]) throws -> (rows: [RunRow], folder: String) {
        reportMissingAllocators()
        let out = scratch(name)
        let result = try bench(["--allocators", installedAllocators.joined(separator: ","), "--count", "1", "--out", out]
            + arguments)
        guard result.status == 0 else {
            throw Failure(message: "bench exited \(result.status): \(result.stderr.suffix(2000))")
        }
        return (try rows(in: out), out)
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// `memstats.csv` of a results folder, as records by column name.
    static func memStats(in folder: String) throws -> [[String: String]] {
        let records = CSV.parse(try String(contentsOfFile: folder + "/memstats.csv", encoding: .utf8))
        guard let header = records.first, header == MemStatsCSV.columns else {
            throw Failure(message: "memstats.csv does not have the agreed columns: \(records.first ?? [])")
        }
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
