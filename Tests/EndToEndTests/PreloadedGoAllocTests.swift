import Foundation
import Testing

/// libgoalloc.so as the process's malloc: each exported function's edge cases, a multi-threaded
/// stress with cross-thread frees, fork and thread exit (Tests/Fixtures/MallocConformance, in C),
/// and programs nobody here wrote (scripts/preload-check.sh).
@Suite struct PreloadedGoAllocTests {
    static let library = BenchCommand.products.appendingPathComponent("libgoalloc.so").path
    /// The same library built without the Swift runtime (scripts/build-goalloc-embedded.sh, which
    /// `make test` runs), the one bench preloads when it is there.
    static let embeddedLibrary = BenchCommand.products.appendingPathComponent("embedded/libgoalloc.so").path
    static let libraries = [library, embeddedLibrary]
    static let conformance = BenchCommand.products.appendingPathComponent("malloc-conformance").path
    static let groups = ["zero", "huge", "alignment", "realloc", "usable", "threads", "fork", "thread-exit", "pthread-exit", "misuse"]

    /// The checks are glibc's documented behaviour: on glibc itself they must pass, or they are wrong.
    @Test(arguments: groups) func theChecksHoldOnGlibc(group: String) throws {
        let result = try BenchCommand.run(Self.conformance, [group])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "ok \(group)\n")
    }

    /// The same checks with GoAlloc as malloc, plus proof that it is (its MemStats count the calls).
    @Test(arguments: groups + ["goalloc"], libraries) func goallocBehavesLikeGlibc(group: String, library: String) throws {
        try #require(FileManager.default.fileExists(atPath: library), "\(library) is not built: make test builds it")
        let result = try BenchCommand.run(Self.conformance, [group], environment: ["LD_PRELOAD": library])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "ok \(group)\n")
    }

    /// Every call from the exported functions stays in the library or is a C library call the
    /// allocator is made of (scripts/check-malloc-paths.sh). The build without the Swift runtime
    /// passes it in debug too (whole-module -O); SwiftPM's debug build does not, by design.
    @Test func theEmbeddedBuildsMallocPathsCallNoRuntime() throws {
        try #require(FileManager.default.fileExists(atPath: Self.embeddedLibrary), "\(Self.embeddedLibrary) is not built: make test builds it")
        let script = BenchCommand.packageRoot.appendingPathComponent("scripts/check-malloc-paths.sh").path
        let result = try BenchCommand.run(script, [Self.embeddedLibrary])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("functions reachable from the 19 entry points") && !result.stdout.contains("FAIL"))
    }

    @Test(arguments: libraries) func programsNobodyHereWroteGiveTheSameOutput(library: String) throws {
        try #require(FileManager.default.fileExists(atPath: library), "\(library) is not built: make test builds it")
        let script = BenchCommand.packageRoot.appendingPathComponent("scripts/preload-check.sh").path
        let result = try BenchCommand.run(script, ["--quick", library])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("FAIL"))
    }
}
