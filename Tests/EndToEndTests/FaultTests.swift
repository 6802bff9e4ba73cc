import Foundation
import Testing
import BenchResults

/// What a hostile afternoon found (bad files, signals, hanging plugins, temp-file tricks), each
/// reproduced: the run folder and the process table must come out clean.
@Suite(.serialized) struct FaultTests {
    /// `bench` under coreutils' timeout, so that a hang fails the test instead of the suite.
    func bench(_ arguments: [String], environment: [String: String] = [:]) throws -> BenchCommand.Execution {
        try BenchCommand.run("/usr/bin/timeout", ["60", BenchCommand.bench] + arguments, environment: environment)
    }

    /// A run on `system` of CopyIt with one of its runs.csv values replaced.
    func runWith(_ column: String, _ value: String) throws -> String {
        let out = BenchCommand.scratch("fault-\(column)")
        #expect(try bench(["--filter", "^BigStruct/CopyIt$", "--allocators", "system", "--count", "1",
                           "--benchtime", "10x", "--out", out]).status == 0)
        var records = CSV.parse(try String(contentsOfFile: out + "/runs.csv", encoding: .utf8))
        let index = try #require(records[0].firstIndex(of: column))
        records[1][index] = value
        try records.map(CSV.line).joined().write(toFile: out + "/runs.csv", atomically: true, encoding: .utf8)
        return out
    }

    @Test(arguments: [("ns_per_op", "inf"), ("ns_per_op", "nan"), ("ns_per_op", "1e400"), ("allocs_per_op", "many"),
                      ("threads", "0"), ("threads", "-2"), ("allocator", "glibc cc")])
    func aBadValueInRunsCSVIsNamedNotDrawn(column: String, value: String) throws {
        let out = try runWith(column, value)
        let report = try bench(["report", out])
        #expect(report.status == 2, "\(report.status) \(report.stderr)")
        #expect(report.stderr.contains("runs.csv line 2 has a bad \(column): '\(value)'"), "\(report.stderr)")
    }

    @Test func mergingAFolderWithACopyOfItselfIsRefused() throws {
        let out = try runWith("error", "")
        let copy = BenchCommand.scratch("fault-copy")
        try FileManager.default.copyItem(atPath: out, toPath: copy)
        let merged = try bench(["report", out, copy, "--out", BenchCommand.scratch("fault-merged")])
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("twice"), "\(merged.stderr)")
    }

    @Test func aStrayMemstatsFileIsNotAppendedTo() throws {
        let out = BenchCommand.scratch("fault-stray")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "stray\n".write(toFile: out + "/memstats.csv", atomically: true, encoding: .utf8)
        let run = try bench(["--filter", "^Sawtooth/", "--allocators", "system", "--count", "1", "--out", out])
        #expect(run.status == 2)
        #expect(run.stderr.contains("already holds a run (memstats.csv)"), "\(run.stderr)")
        #expect(try String(contentsOfFile: out + "/memstats.csv", encoding: .utf8) == "stray\n")
    }

    /// The plugin listing writes no fixed name in the temp folder: a symlink planted there (to a
    /// file only root should write) is not followed, and the file stays as it was.
    @Test func listingAPluginFollowsNoPlantedSymlink() throws {
        let temp = BenchCommand.scratch("fault-tmp")
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let victim = temp + "/victim"
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: temp + "/plugin-list.log", withDestinationPath: victim)
        let list = try bench(["list", "--plugin", BenchCommand.fixtures], environment: ["TMPDIR": temp])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp).sorted() == ["plugin-list.log", "victim"])
    }

    /// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
    func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }

    /// The pids the SpawnsAndHangs fixture wrote (the worker's and its child's), once it has.
    func spawnedPids(_ file: String) throws -> (worker: Int32, child: Int32) {
        for _ in 0..<300 {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                let pids = text.split(separator: " ").compactMap { Int32($0) }
                if pids.count == 2 { return (pids[0], pids[1]) }
            }
            usleep(20_000)
        }
        throw BenchCommand.Failure(message: "the fixture never wrote its pids to \(file)")
    }

    @Test func aTimeoutEndsTheWorkersChildrenToo() throws {
        let pidFile = BenchCommand.scratch("fault-pids")
        let out = BenchCommand.scratch("fault-timeout")
        let run = try bench(["--plugin", BenchCommand.fixtures, "--filter", "^Fixtures/SpawnsAndHangs$", "--allocators", "system",
                             "--count", "1", "--timeout", "2s", "--out", out], environment: ["ALLOCBENCH_FIXTURE_PIDFILE": pidFile])
        #expect(run.status == 1)
        let pids = try spawnedPids(pidFile)
        #expect(!alive(pids.worker) && !alive(pids.child), "a process of the worker's group outlived the timeout")
        #expect(try BenchCommand.rows(in: out).first?.error.contains("(--timeout); killed with its process group") == true)
    }

    /// `bench` running the SpawnsAndHangs fixture, in the background.
    func startHangingRun(pidFile: String) throws -> Process {
        let runner = Process()
        runner.executableURL = URL(fileURLWithPath: BenchCommand.bench)
        runner.arguments = ["--plugin", BenchCommand.fixtures, "--filter", "^Fixtures/SpawnsAndHangs$", "--allocators", "system",
                            "--count", "1", "--out", BenchCommand.scratch("fault-hanging")]
        runner.environment = BenchCommand.environment(adding: ["ALLOCBENCH_FIXTURE_PIDFILE": pidFile])
        runner.standardOutput = FileHandle.nullDevice
        runner.standardError = FileHandle.nullDevice
        try runner.run()
        return runner
    }

    /// A cancelled CI job: SIGTERM to the runner ends the worker and what it started, and the
    /// runner dies of SIGTERM, with nothing of it left in the process table a second later.
    @Test func sigtermToTheRunnerLeavesNoProcessBehind() throws {
        let pidFile = BenchCommand.scratch("fault-sigterm-pids")
        let runner = try startHangingRun(pidFile: pidFile)
        let pids = try spawnedPids(pidFile)
        kill(runner.processIdentifier, SIGTERM)
        usleep(1_000_000)
        #expect(!runner.isRunning, "the runner is still running a second after SIGTERM")
        #expect(!alive(pids.worker), "the worker outlived its runner")
        #expect(!alive(pids.child), "the worker's child outlived the runner")
        runner.waitUntilExit()
        #expect(runner.terminationReason == .uncaughtSignal && runner.terminationStatus == SIGTERM)
    }

    /// A runner killed with SIGKILL cannot forward anything: the worker dies with it all the same.
    @Test func aWorkerDiesWithARunnerKilledOutright() throws {
        let pidFile = BenchCommand.scratch("fault-sigkill-pids")
        let runner = try startHangingRun(pidFile: pidFile)
        let pids = try spawnedPids(pidFile)
        kill(runner.processIdentifier, SIGKILL)
        usleep(500_000)
        #expect(!alive(pids.worker), "the worker outlived a runner killed with SIGKILL")
        kill(pids.child, SIGKILL) // the worker's own child is beyond reach here: documented
        runner.waitUntilExit()
    }
}
