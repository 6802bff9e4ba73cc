import Foundation
import Testing

/// libgoalloc.so as the process's malloc: each exported function's edge cases, a multi-threaded
/// stress with cross-thread frees, fork and thread exit (Tests/Fixtures/MallocConformance, in C),
/// and programs nobody here wrote (scripts/preload-check.sh).
@Suite struct PreloadedGoAllocTests {
    static let library = BenchCommand.products.appendingPathComponent("libgoalloc.so").path
    static let conformance = BenchCommand.products.appendingPathComponent("malloc-conformance").path
    static let groups = ["zero", "huge", "alignment", "realloc", "usable", "threads", "fork", "thread-exit", "pthread-exit", "misuse"]

    /// The checks are glibc's documented behaviour: on glibc itself they must pass, or they are wrong.
    @Test(arguments: groups) func theChecksHoldOnGlibc(group: String) throws {
        let result = try BenchCommand.run(Self.conformance, [group])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "ok \(group)\n")
    }

    /// The same checks with GoAlloc as malloc, plus proof that it is (its MemStats count the calls).
    @Test(arguments: groups + ["goalloc"]) func goallocBehavesLikeGlibc(group: String) throws {
        let result = try BenchCommand.run(Self.conformance, [group], environment: ["LD_PRELOAD": Self.library])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "ok \(group)\n")
    }

    @Test func programsNobodyHereWroteGiveTheSameOutput() throws {
        let script = BenchCommand.packageRoot.appendingPathComponent("scripts/preload-check.sh").path
        let result = try BenchCommand.run(script, ["--quick", Self.library])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("FAIL"))
    }
}
