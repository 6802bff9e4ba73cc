import Foundation
import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchRunner

/// Every bad flag is refused with one line that names the flag and what is valid, before any work.
@Suite struct RunConfigurationTests {
    let catalog = WorkloadCatalog(workloads: ["CopyIt", "PointerIt"].map {
        PlannedWorkload(info: WorkloadInfo(suite: "BigStruct", name: $0, summary: "", threading: .single),
                        executable: "/bench", isPlugin: false)
    } + [PlannedWorkload(info: WorkloadInfo(suite: "Harness", name: "Empty", summary: "", threading: .single),
                         executable: "/bench", isPlugin: false)])
    let allocators = AllocatorCatalog(allocators: [
        AllocatorAvailability(name: .system, library: nil, unavailableReason: nil),
        AllocatorAvailability(name: .jemalloc, library: "/lib/libjemalloc.so.2", unavailableReason: nil),
        AllocatorAvailability(name: .tcmalloc, library: nil, unavailableReason: "libtcmalloc_minimal.so.4 not found"),
        AllocatorAvailability(name: .mimalloc, library: nil, unavailableReason: "libmimalloc.so.2 not found"),
        AllocatorAvailability(name: .go, library: "/build/libgoalloc.so", unavailableReason: nil),
    ])
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-config-\(UUID())").path

    func validate(_ configure: (inout RunOptions) -> Void) throws(InputError) -> RunConfiguration {
        var options = try! RunOptions.parse([])
        options.out = scratch + "/out"
        configure(&options)
        return try RunConfiguration.validate(options, catalog: catalog, defaultWorkloads: ["BigStruct/CopyIt", "BigStruct/PointerIt"],
                                             allocatorCatalog: allocators, countingLibrary: "/proc/self/exe")
    }

    func message(_ configure: (inout RunOptions) -> Void) -> String? {
        do {
            try validate(configure).prepare()
            return nil
        } catch {
            return error.message
        }
    }

    @Test func defaultsRunTheDefaultSuiteOnEveryAvailableAllocatorWithWarnings() throws {
        let configuration = try validate { _ in }
        #expect(configuration.workloads.map(\.info.fullName) == ["BigStruct/CopyIt", "BigStruct/PointerIt"])
        #expect(configuration.allocators.map(\.name) == [.system, .jemalloc, .go])
        #expect(configuration.warnings.count == 2)
        #expect(configuration.warnings[0].contains("tcmalloc") && configuration.warnings[0].contains("not found"))
        #expect(configuration.benchTime == .duration(nanoseconds: 1_000_000_000))
        #expect(configuration.count == 6)
        #expect(configuration.threads == [1])
    }

    @Test func theDefaultOutputFolderIsAUTCTimestampUnderResults() {
        let name = RunConfiguration.defaultRunName(Date(timeIntervalSince1970: 1_795_000_000))
        #expect(name == "2026-11-18T11-06-40Z")
    }

    @Test func filterIsARegularExpressionOnSuiteSlashName() throws {
        #expect(try validate { $0.filter = "Pointer" }.workloads.map(\.info.name) == ["PointerIt"])
        #expect(try validate { $0.filter = "^Harness/" }.workloads.map(\.info.name) == ["Empty"])
    }

    @Test func badFilters() {
        #expect(message { $0.filter = "Nope" }?.contains("matches no workload; the workloads are: BigStruct/CopyIt") == true)
        #expect(message { $0.filter = "(" }?.hasPrefix("--filter '(' is not a valid regular expression") == true)
    }

    /// The message ArgumentParser gives for `arguments`, nil when they parse.
    func flagMessage(_ arguments: [String]) -> String? {
        do {
            _ = try RunOptions.parse(arguments)
            return nil
        } catch {
            return RunOptions.message(for: error)
        }
    }

    @Test func badAllocators() throws {
        #expect(flagMessage(["--allocators", "system,glibc"])
            == "The value 'system,glibc' is invalid for '--allocators <allocators>': unknown allocator 'glibc'; valid names are system, jemalloc, tcmalloc, mimalloc, go, go-gc, boehm, or name=/path/to/lib.so for a library of your own")
        let tcmalloc = try AllocatorSelection(parsing: "tcmalloc")
        #expect(message { $0.allocators = tcmalloc }?.hasPrefix("none of the requested allocators is available") == true)
    }

    @Test func theAllocatorsHelpListsEveryAllocator() {
        let help = RunOptions.helpMessage()
        for name in AllocatorName.allCases { #expect(help.contains(name.rawValue)) }
    }

    @Test func flagsParseIntoTheirTypesWithTheirDefaults() throws {
        let defaults = try RunOptions.parse([])
        #expect(defaults.benchtime == .duration(nanoseconds: 1_000_000_000))
        #expect(defaults.count == 6 && defaults.threads.counts == [1] && defaults.timeout.description == "2m0s")
        let options = try RunOptions.parse(["--allocators", "go,system,go", "--benchtime", "1000x", "--threads", "4,1,4",
                                            "--timeout", "1m30s", "--shard", "2/3", "--plugin", "a", "--plugin", "b"])
        #expect(options.allocators?.names == [.go, .system])
        #expect(options.benchtime == .iterations(1000))
        #expect(options.threads.counts == [4, 1])
        #expect(options.timeout.nanoseconds == 90_000_000_000)
        #expect(options.shard == (try Shard(parsing: "2/3")))
        #expect(options.plugins == ["a", "b"])
    }

    @Test func anUnavailableAllocatorIsSkippedWithAWarning() throws {
        let selection = try AllocatorSelection(parsing: "jemalloc,mimalloc")
        let configuration = try validate { $0.allocators = selection }
        #expect(configuration.allocators.map(\.name) == [.jemalloc])
        #expect(configuration.warnings == ["skipping allocator mimalloc: libmimalloc.so.2 not found"])
    }

    @Test func badBenchtimeCountThreadsTimeout() {
        #expect(flagMessage(["--benchtime", "1parsec"])
            == "The value '1parsec' is invalid for '--benchtime <benchtime>': use a Go duration or a count, like 1s, 250ms, 1m30s or 1000x")
        #expect(flagMessage(["--count", "0"]) == "--count must be at least 1 (got 0)")
        #expect(flagMessage(["--threads", "1,x"])?.hasSuffix("use a comma-separated list of thread counts from 1 to 1024, like 1,2,4") == true)
        #expect(flagMessage(["--threads", "0"]) != nil)
        #expect(flagMessage(["--timeout", "soon"])?.hasSuffix("use a positive Go duration, like 60s, 2m or 1m30s") == true)
    }

    @Test func anUnwritableOutputFolderIsRefused() {
        let text = message { $0.out = "/proc/allocbench/out" }
        #expect(text?.hasPrefix("--out /proc/allocbench/out cannot be written") == true)
    }

    @Test func aFolderThatHoldsARunIsNeverOverwritten() throws {
        let folder = scratch + "/taken"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: folder + "/runs.csv"))
        #expect(message { $0.out = folder }?.contains("already holds a run") == true)
        #expect(try String(contentsOfFile: folder + "/runs.csv", encoding: .utf8) == "keep me")
    }

    @Test func batchesAreACountFromZeroToTenThousand() throws {
        #expect(try validate { _ in }.batches == 100, "on by default")
        #expect(try validate { $0.batches = 0 }.batches == 0)
        #expect(message { $0.batches = -1 } == "--batches -1: give 0 (no batches) to 10000")
        #expect(message { $0.batches = 10_001 } == "--batches 10001: give 0 (no batches) to 10000")
        #expect(try RunOptions.parse(["--batches", "-1"]).batches == -1, "parsed, then refused by validate")
    }

    @Test func aMissingCountingLibraryIsExplained() {
        var options = try! RunOptions.parse([])
        options.out = scratch + "/nocounter"
        #expect(throws: InputError.self) {
            try RunConfiguration.validate(options, catalog: catalog, defaultWorkloads: ["BigStruct/CopyIt", "BigStruct/PointerIt"],
                                          allocatorCatalog: allocators, countingLibrary: "/nonexistent/libBenchCount.so")
        }
    }
}
