import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

/// The README's plugin example, built as a user would build it and run by `bench --plugin`.
@Suite(.serialized) struct PluginTests {
    @Test func theExamplePluginBuildsListsAndRuns() throws {
        let example = BenchCommand.packageRoot.appendingPathComponent("Examples/MyPlugin")
        let scratch = BenchCommand.packageRoot.appendingPathComponent(".build/example-plugin").path
        // Without manifest caching: SwiftPM does not notice files added to or moved within a path
        // dependency (BenchKit) and would build from a stale file list ("missing inputs").
        let build = try BenchCommand.run("/usr/bin/env", ["swift", "build", "--package-path", example.path,
                                                          "--scratch-path", scratch, "--disable-build-manifest-caching"])
        #expect(build.status == 0, "swift build failed: \(build.stderr)\(build.stdout)")
        let plugin = scratch + "/debug/my-plugin"
        try expectOnlyThePluginAPI(in: plugin)

        let list = try BenchCommand.bench(["list", "--plugin", plugin])
        #expect(list.stdout.contains("Example/Tree4"))
        #expect(list.stdout.contains("Example/Manual256"))

        let out = BenchCommand.scratch("plugin")
        let run = try BenchCommand.bench(["--plugin", plugin, "--filter", "^Example/", "--allocators", "system,jemalloc",
                                          "--count", "1", "--benchtime", "200x", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let rows = try BenchCommand.rows(in: out)
        #expect(rows.count == 4)
        for row in rows {
            #expect(row.status == .ok)
            #expect(row.allocsPerOp == (row.workload == "Tree4" ? 31 : 1))
        }

        // bench why reads the plugin's own sources and builds its package with remarks.
        let why = try BenchCommand.bench(["why", "--plugin", plugin, "--results", out, "Example/Tree4"])
        #expect(why.status == 0, "stderr: \(why.stderr)")
        let treeLine = try WhyCommandTests.line(of: "depth == 0 ? Node(nil, nil)", in: "Examples/MyPlugin/Sources/my-plugin/main.swift")
        #expect(why.stdout.contains("Sources/my-plugin/main.swift:\(treeLine) [func makeTree]"), "\(why.stdout)")
        #expect(why.stdout.contains("heap allocated ref of type 'Node'"))
        #expect(why.stdout.contains("measured: 31.00 allocs/op"))
        #expect(why.stdout.contains("agrees: the compiler allocates on the heap"))

        // Run by hand, a plugin explains itself instead of waiting for a runner.
        let byHand = try BenchCommand.run(plugin, [])
        #expect(byHand.status == 2)
        #expect(byHand.stderr.contains("is an AllocBench plugin with 2 workloads"))
    }

    /// What a plugin links: BenchKit and its C shims, nothing of the runner, the run folder's
    /// formats, the reports or GoAlloc. A defined symbol of a harness-only Swift module (mangled
    /// names carry the module as `<length><name>`) or any GoAlloc state means the module boundary
    /// eroded (`nm` reads the binary the user would ship).
    func expectOnlyThePluginAPI(in binary: String) throws {
        let nm = try BenchCommand.run("/usr/bin/env", ["nm", "--defined-only", binary])
        #expect(nm.status == 0, "nm failed: \(nm.stderr)")
        let symbols = nm.stdout.split(separator: "\n")
        #expect(symbols.contains { $0.contains("$s8BenchKit") }, "the plugin does not link BenchKit at all?")
        // Harness-only modules, and the types that must stay in them whatever module they move to.
        let swiftNames = ["BenchRunner", "BenchReports", "BenchResults", "GoAlloc", "ArgumentParser", "Runner",
                          "RunConfiguration", "WorkerProcess", "Report", "LineChart", "BarChart", "MannWhitneyU",
                          "Comparison", "RunsCSV"].map { "\($0.count)\($0)" }
        let cSymbols = ["goalloc_root", "goalloc_tls_cache", "goalloc_arena_index", "stop_handler"]
        for word in swiftNames + cSymbols {
            let found = symbols.filter { $0.contains(word) }
            #expect(found.isEmpty, "the plugin binary links \(word): \(found.prefix(3).joined(separator: "; "))")
        }
    }
}
