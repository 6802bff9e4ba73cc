import Foundation
import Testing
@testable import BenchKit

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

    func validate(_ configure: (inout RunOptions) -> Void) throws(UsageError) -> RunConfiguration {
        var options = RunOptions()
        options.out = scratch + "/out"
        configure(&options)
        return try RunConfiguration.validate(options, catalog: catalog, defaultWorkloads: ["BigStruct/CopyIt", "BigStruct/PointerIt"],
                                             allocatorCatalog: allocators, countingLibrary: "/proc/self/exe")
    }

    func message(_ configure: (inout RunOptions) -> Void) -> String? {
        do {
            _ = try validate(configure)
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
        #expect(configuration.count == 5)
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

    @Test func badAllocators() {
        #expect(message { $0.allocators = "system,glibc" }
            == "--allocators: unknown allocator 'glibc'; valid names are system, jemalloc, tcmalloc, mimalloc, go, go-gc")
        #expect(message { $0.allocators = "tcmalloc" }?.hasPrefix("none of the requested allocators is available") == true)
    }

    @Test func anUnavailableAllocatorIsSkippedWithAWarning() throws {
        let configuration = try validate { $0.allocators = "jemalloc,mimalloc" }
        #expect(configuration.allocators.map(\.name) == [.jemalloc])
        #expect(configuration.warnings == ["skipping allocator mimalloc: libmimalloc.so.2 not found"])
    }

    @Test func badBenchtimeCountThreadsTimeout() {
        #expect(message { $0.benchtime = "1parsec" }
            == "--benchtime '1parsec' is not a Go duration or count; use for example 1s, 250ms, 1m30s or 1000x")
        #expect(message { $0.count = 0 } == "--count must be at least 1 (got 0)")
        #expect(message { $0.threads = "1,x" }?.hasPrefix("--threads '1,x' must be a comma-separated list") == true)
        #expect(message { $0.threads = "0" } != nil)
        #expect(message { $0.timeout = "soon" }?.hasPrefix("--timeout 'soon' is not a positive Go duration") == true)
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

    @Test func aMissingCountingLibraryIsExplained() {
        var options = RunOptions()
        options.out = scratch + "/nocounter"
        #expect(throws: UsageError.self) {
            try RunConfiguration.validate(options, catalog: catalog, defaultWorkloads: ["BigStruct/CopyIt", "BigStruct/PointerIt"],
                                          allocatorCatalog: allocators, countingLibrary: "/nonexistent/libBenchCount.so")
        }
    }
}
