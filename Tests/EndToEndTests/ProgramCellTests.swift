import Foundation
import Testing
import BenchKit
import BenchResults
@testable import BenchRunner

/// Program cells end to end: a tiny C program (Tests/Fixtures/ProgramFixture) that allocates an
/// exact number of blocks, or misbehaves on request, run by the real `bench` under real allocators.
@Suite(.serialized) struct ProgramCellTests {
    /// The fixture, compiled as bench compiles the suite's C programs (libc only, no Swift runtime).
    static let fixture: String = {
        let source = BenchCommand.packageRoot.appendingPathComponent("Tests/Fixtures/ProgramFixture/main.c").path
        return try! CProgram.build(source, named: "program-fixture", products: BenchCommand.products.path)
    }()

    /// `bench run` of `programs` (each `name=arguments of the fixture`) under `allocators`, within 60 s.
    func run(_ programs: [String], allocators: String, extra: [String] = []) throws -> (BenchCommand.Execution, String) {
        let out = BenchCommand.scratch("programs")
        let arguments = programs.flatMap { ["--program", $0] }
        let execution = try BenchCommand.run("/usr/bin/timeout", ["60", BenchCommand.bench, "run", "--allocators", allocators,
                                                                  "--count", "1", "--out", out] + arguments + extra)
        return (execution, out)
    }

    /// The installed allocators a program runs on: not the collected heaps of the explicit
    /// interface (go-gc's program is go's, boehm's is glibc's).
    var installed: [String] {
        BenchCommand.installedAllocators.filter { AllocatorName(rawValue: $0)?.isExplicitInterfaceMode == false }
    }

    /// A program that mallocs exactly N blocks is counted N allocations and their bytes on every
    /// allocator; its RSS is sampled, and under go its MemStats come from libgoalloc.so at exit.
    @Test func aProgramsAllocationsAreCountedExactly() throws {
        let (execution, out) = try run(["exact=\(Self.fixture) mallocs 3000"], allocators: installed.joined(separator: ","))
        #expect(execution.status == 0, "\(execution.stderr)")
        let rows = try BenchCommand.rows(in: out)
        #expect(rows.count == installed.count)
        // Sizes 16 + i % 200 for i in 0..<3000: 3000 x 16 + 15 x (0 + ... + 199).
        let bytes = 3000 * 16 + 15 * (199 * 200 / 2)
        for row in rows {
            #expect(row.status == .ok, "\(row.allocator): \(row.error)")
            #expect(row.suite == "Programs" && row.workload == "exact" && row.n == 1)
            #expect(row.allocsPerOp == 3000, "\(row.allocator)")
            #expect(row.bytesPerOp == Double(bytes), "\(row.allocator)")
            #expect((row.process?.peakRSSBytes ?? 0) > 0, "\(row.allocator)")
            #expect(!row.allocatorVersion.isEmpty, "\(row.allocator)")
            if row.allocator == "go" { #expect((row.memStats[.mallocs] ?? 0) >= 3000, "GoAlloc's own count at exit") }
        }
        #expect(!rows.contains { $0.allocator == "go-gc" }, "a program's malloc is the same under go and go-gc")
        // The same output everywhere: only the reference run's is kept.
        let kept = try FileManager.default.contentsOfDirectory(atPath: out + "/logs").filter { $0.hasSuffix(".stdout") }
        #expect(kept == ["1-Programs-exact-system-t1-r1-timed.stdout"], "\(kept)")
    }

    /// The resident memory of a program's process tree is sampled every 100 ms, on every allocator.
    @Test func aProgramsResidentMemoryIsSampledOverTime() throws {
        let (execution, out) = try run(["nap=\(Self.fixture) sleep 1"], allocators: installed.joined(separator: ","))
        #expect(execution.status == 0, "\(execution.stderr)")
        let samples = try BenchCommand.memStats(in: out)
        for allocator in installed {
            let series = samples.filter { $0["allocator"] == allocator }
            #expect(series.count >= 5, "\(allocator): \(series.count) samples in a second")
            #expect(series.allSatisfy { (UInt64($0["rss_bytes"] ?? "") ?? 0) > 100_000 }, "\(allocator)")
            #expect(series.first?["elapsed_s"] == "0.1", "\(allocator)")
        }
    }

    @Test func aNonZeroExitFailsTheCellWithItsStatus() throws {
        let (execution, out) = try run(["bad=\(Self.fixture) exit 3"], allocators: "system")
        #expect(execution.status == 1)
        let row = try #require(try BenchCommand.rows(in: out).first)
        #expect(row.status == .failed)
        #expect(row.error.contains("exited with status 3"), "\(row.error)")
    }

    @Test func aCrashFailsTheCellWithItsSignal() throws {
        let (execution, out) = try run(["crash=\(Self.fixture) signal"], allocators: "system,jemalloc")
        #expect(execution.status == 1)
        for row in try BenchCommand.rows(in: out) {
            #expect(row.status == .crashed, "\(row.allocator)")
            #expect(row.error.contains("SIGSEGV"), "\(row.error)")
        }
    }

    @Test func aProgramPastItsTimeoutIsKilled() throws {
        let started = Date()
        let (execution, out) = try run(["slow=\(Self.fixture) sleep 30"], allocators: "system", extra: ["--timeout", "1s"])
        #expect(execution.status == 1)
        #expect(Date().timeIntervalSince(started) < 20)
        let row = try #require(try BenchCommand.rows(in: out).first)
        #expect(row.status == .timeout)
        #expect(row.error.contains("still running after 1s"), "\(row.error)")
    }

    /// The fixture prints another result when the LD_PRELOAD it runs with names jemalloc: that
    /// allocator's cell fails, and says how the output differs; glibc's cell stands.
    @Test func anAllocatorThatChangesTheOutputFailsItsCell() throws {
        let (execution, out) = try run(["answer=/usr/bin/env FIXTURE_MISBEHAVE_UNDER=jemalloc \(Self.fixture) misbehave"],
                                       allocators: "system,jemalloc")
        #expect(execution.status == 1)
        let rows = try BenchCommand.rows(in: out)
        #expect(rows.first { $0.allocator == "system" }?.status == .ok)
        let jemalloc = try #require(rows.first { $0.allocator == "jemalloc" })
        #expect(jemalloc.status == .failed)
        #expect(jemalloc.error.contains("output differs from system's at line 1: 'result 41' instead of 'result 42'"), "\(jemalloc.error)")
        // Both outputs are kept: the reference and the one that differs.
        let kept = try FileManager.default.contentsOfDirectory(atPath: out + "/logs").filter { $0.hasSuffix(".stdout") }
        #expect(kept.count == 2, "\(kept)")
    }

    @Test func aLibraryThatIsNotThereIsOneLineAndExitTwo() throws {
        let (execution, out) = try run(["exact=\(Self.fixture) mallocs 10"], allocators: "system,mine=/no/such/libmalloc.so")
        #expect(execution.status == 2)
        #expect(execution.stderr == "error: --allocators mine=...: /no/such/libmalloc.so does not exist or cannot be read; "
            + "give the path of a malloc library\n", "\(execution.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aMissingProgramIsOneLineAndExitTwoBeforeAnyWork() throws {
        let (execution, out) = try run(["ghost=/nonexistent/program --flag"], allocators: "system")
        #expect(execution.status == 2)
        #expect(execution.stderr.contains("--program ghost: /nonexistent/program not found"), "\(execution.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// `name=path` runs any malloc library as an allocator, named in the rows and in params.json
    /// with the package that installed it.
    @Test func anyLibraryCanBeAnAllocator() throws {
        let jemalloc = try #require(AllocatorCatalog.discover(products: nil)[.jemalloc].library, "jemalloc is required")
        let (execution, out) = try run(["exact=\(Self.fixture) mallocs 100"], allocators: "system,je-copy=\(jemalloc)")
        #expect(execution.status == 0, "\(execution.stderr)")
        let row = try #require(try BenchCommand.rows(in: out).first { $0.allocator == "je-copy" })
        #expect(row.status == .ok && row.allocsPerOp == 100)
        #expect(row.allocatorVersion.contains("jemalloc"), "\(row.allocatorVersion)")
        let parameters = try String(contentsOfFile: out + "/params.json", encoding: .utf8)
        #expect(parameters.contains("\"je-copy\"") && parameters.contains(jemalloc), "\(parameters)")
    }

    /// `--latency` on a program: every process times its calls from load to exit and writes its
    /// histograms as it exits; the program's N mallocs and N frees are N timed calls of each kind.
    @Test func aProgramsCallsAreTimedOneByOne() throws {
        let (execution, out) = try run(["exact=\(Self.fixture) mallocs 500"], allocators: "system,go", extra: ["--latency"])
        #expect(execution.status == 0, "\(execution.stderr)")
        for row in try BenchCommand.rows(in: out) {
            #expect(row.status == .ok && row.error.isEmpty, "\(row.allocator): \(row.error)")
            let alloc = try #require(row.allocLatency, "\(row.allocator)")
            #expect(alloc.p50 > 0 && alloc.p50 <= alloc.p99 && alloc.p99 <= alloc.max)
            #expect(row.freeLatency != nil && row.latencyNsPerOp != nil)
            let latency = try LatencyFile.parse(String(contentsOfFile: "\(out)/\(RunFiles.latency)/\(LatencyFile.jsonName(row.cell, rep: 1))",
                                                       encoding: .utf8))
            #expect(latency.alloc.count == 500 && latency.free.count == 500, "\(row.allocator): \(latency.alloc.count), \(latency.free.count)")
            #expect(latency.emptyRegionNs > 0)
        }
    }

    /// What only a worker can do is said, not silently skipped: a program's allocation sites and
    /// trace, and `bench why` on a program.
    @Test func whatProgramCellsCannotDoIsSaid() throws {
        let (execution, _) = try run(["exact=\(Self.fixture) mallocs 10"], allocators: "system", extra: ["--memprofile"])
        #expect(execution.status == 0, "\(execution.stderr)")
        #expect(execution.stderr.contains("warning: --memprofile and --trace record what a worker's passes do; program cells have no worker"),
                "\(execution.stderr)")
        let why = try BenchCommand.bench(["why", "Programs/Lua"])
        #expect(why.status == 2)
        #expect(why.stderr.contains("Programs/Lua is a program, whose code bench did not compile"), "\(why.stderr)")
    }
}
