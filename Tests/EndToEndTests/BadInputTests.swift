import Foundation
import Testing

/// Bad input: one clear line on stderr, exit status 2, and nothing written.
@Suite(.serialized) struct BadInputTests {
    @Test(arguments: [
        (["--filter", "NoSuchWorkload"], "--filter 'NoSuchWorkload' matches no workload; the workloads are: BigStruct/CopyIt"),
        (["--filter", "("], "--filter '(' is not a valid regular expression"),
        (["--allocators", "system,glibc"], "The value 'system,glibc' is invalid for '--allocators <allocators>': unknown allocator 'glibc'; valid names are system, jemalloc, tcmalloc, mimalloc, go, go-gc, boehm"),
        (["--benchtime", "1parsec"], "The value '1parsec' is invalid for '--benchtime <benchtime>': use a Go duration or a count, like 1s, 250ms, 1m30s or 1000x"),
        (["--count", "0"], "--count must be at least 1 (got 0)"),
        (["--count", "many"], "The value 'many' is invalid for '--count <count>'"),
        (["--threads", "two"], "The value 'two' is invalid for '--threads <threads>': use a comma-separated list of thread counts"),
        (["--timeout", "forever"], "The value 'forever' is invalid for '--timeout <timeout>': use a positive Go duration"),
        (["--plugin", "/nonexistent/plugin"], "--plugin /nonexistent/plugin: no executable file there"),
        (["--plugin", "/bin/true"], "--plugin /bin/true: is not a working AllocBench plugin"),
        (["--frobnicate"], "Unknown option '--frobnicate'"),
        (["--count", "-1"], "--count must be at least 1 (got -1)"),
        (["--count", "9223372036854775807"], "--count 9223372036854775807: the plan would have more than"),
        (["--filter", ".", "--count", "500000"], "the plan would have"),
        (["--shard", "3/2"], "The value '3/2' is invalid for '--shard <shard>': use K/N with 1 <= K <= N, like 1/4"),
        (["--shard", "1/3"], "--shard 1/3: the plan has 2 workloads, and a shard is a set of whole workloads, so N can be at most 2"),
    ])
    func isRefusedBeforeAnyWork(arguments: [String], message: String) throws {
        let out = BenchCommand.scratch("bad")
        let result = try BenchCommand.bench(["run"] + arguments + ["--out", out])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
        #expect(lines.first?.hasPrefix("error: ") == true)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "bad input left a folder behind")
    }

    @Test func memprofileWithoutTheToolchainsSymbolizerIsRefused() throws {
        let out = BenchCommand.scratch("bad-memprofile")
        let result = try BenchCommand.run(BenchCommand.bench, ["run", "--filter", "CopyIt", "--memprofile", "--out", out],
                                          environment: ["PATH": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: --memprofile needs llvm-symbolizer, which comes with the Swift toolchain"),
                "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "bad input left a folder behind")
    }

    @Test func anOutputFolderThatCannotBeWrittenIsRefused() throws {
        let result = try BenchCommand.bench(["--filter", "CopyIt", "--out", "/proc/allocbench"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: --out /proc/allocbench cannot be written"))
    }

    @Test func aFolderThatHoldsARunIsNotOverwritten() throws {
        let out = BenchCommand.scratch("taken")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("earlier run\n".utf8).write(to: URL(fileURLWithPath: out + "/runs.csv"))
        let result = try BenchCommand.bench(["--filter", "CopyIt", "--out", out])
        #expect(result.status == 2)
        #expect(try String(contentsOfFile: out + "/runs.csv", encoding: .utf8) == "earlier run\n")
    }
}
