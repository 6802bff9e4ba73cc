import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

/// The allocator stress suite runs on every installed allocator, checking its data as it goes (the
/// checks themselves are tested against a broken allocator in AllocatorStressTests).
@Suite(.serialized) struct StressSuiteTests {
    @Test func everyStressWorkloadRunsOnEveryAllocatorAndReportsThroughput() throws {
        // LargeBlocks maps 300 MiB per thread before it starts: one thread and one run keep this short.
        let (threaded, _) = try BenchCommand.runOnEveryAllocator(
            "stress", ["--filter", "^AllocatorStress/(?!LargeBlocks)", "--threads", "2", "--benchtime", "4x"])
        let (large, _) = try BenchCommand.runOnEveryAllocator(
            "stress-large", ["--filter", "^AllocatorStress/LargeBlocks$", "--benchtime", "1x"])
        #expect(threaded.count == 7 * BenchCommand.installedAllocators.count)
        #expect(large.count == BenchCommand.installedAllocators.count)
        for row in threaded + large {
            #expect(row.status == .ok, "\(row.fullName) on \(row.allocator): \(row.error)")
            #expect(row.threads == (row.workload == "LargeBlocks" ? 1 : 2))
            #expect((row.metrics["ops/s"] ?? 0) > 0, "\(row.fullName) on \(row.allocator)")
            #expect((row.allocsPerOp ?? 0) >= 1, "\(row.fullName) on \(row.allocator)")
            // The workloads' allocations do not depend on the allocator: the same count on every one,
            // go (the preloaded libgoalloc.so) included.
            let onGlibc = (threaded + large).first { $0.workload == row.workload && $0.allocator == "system" }
            #expect(row.allocsPerOp == onGlibc?.allocsPerOp, "\(row.fullName) on \(row.allocator)")
        }
    }

    /// Under go-gc the blocks are freed by the collector, which sees them through the roots the
    /// workloads register (their slot arrays live in malloc memory it does not scan). With GOGC=10
    /// it collects many times per cell, and the workloads' stamps and tree checks would fail the
    /// cell if it freed one block still in use (it does, when the roots are not registered).
    /// The same in the generational mode (GOALLOC_GENERATIONAL=4), where three cycles in four
    /// are minor: every cell's cycles include minor ones.
    @Test(arguments: [false, true])
    func theCollectorKeepsEveryBlockTheStressWorkloadsStillUse(generational: Bool) throws {
        guard BenchCommand.installedAllocators.contains("go-gc") else { return }
        let out = BenchCommand.scratch("stress-gc\(generational ? "-generational" : "")")
        let result = try BenchCommand.run(BenchCommand.bench, [
            "run", "--filter", "^AllocatorStress/(BinaryTrees|ProducerConsumer|Larson|ThreadChurn)$",
            "--allocators", "go-gc", "--threads", "2", "--benchtime", "20ms", "--count", "1", "--out", out,
        ], environment: ["GOGC": "10"].merging(generational ? ["GOALLOC_GENERATIONAL": "4", "GOALLOC_GCTRACE": "1"] : [:]) { $1 })
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let rows = try BenchCommand.rows(in: out)
        #expect(rows.count == 4)
        for row in rows {
            #expect(row.status == .ok, "\(row.fullName): \(row.error)")
            #expect((row.memStats[.numGC] ?? 0) >= 2, "\(row.fullName) collected too rarely to show anything")
            // Collections took time while the timer ran, never more than all of it.
            let gcShare = try #require(row.metrics["gc-%"], "\(row.fullName) has no gc-% metric")
            #expect(gcShare > 0 && gcShare <= 100, "\(row.fullName): gc-% \(gcShare)")
        }
        guard generational else { return }
        let logs = try FileManager.default.contentsOfDirectory(atPath: out + "/logs").filter { $0.hasSuffix("-timed.log") }
        #expect(logs.count == 4)
        for name in logs {
            let log = try String(contentsOfFile: out + "/logs/" + name, encoding: .utf8)
            #expect(log.contains("; minor (old "), "\(name) ran no minor cycle")
        }
    }

    /// Larson's blocks are allocated pointer-free (`holdsPointers: false`): its collections mark
    /// them through the registered slot table and scan none of them. The cycle lines of
    /// GOALLOC_GCTRACE=1 say how many objects each mark scanned.
    @Test func pointerFreeBlocksAreMarkedButNotScanned() throws {
        guard BenchCommand.installedAllocators.contains("go-gc") else { return }
        let out = BenchCommand.scratch("stress-noscan")
        let result = try BenchCommand.run(BenchCommand.bench, [
            "run", "--filter", "^AllocatorStress/Larson$", "--allocators", "go-gc", "--benchtime", "20000x",
            "--count", "1", "--out", out,
        ], environment: ["GOALLOC_GCTRACE": "1"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let logs = try FileManager.default.contentsOfDirectory(atPath: out + "/logs").filter { $0.hasSuffix("-timed.log") }
        let log = try String(contentsOfFile: out + "/logs/" + #require(logs.first), encoding: .utf8)
        let cycles = log.split(separator: "\n").filter { $0.hasPrefix("goalloc gc ") }
        #expect(cycles.count >= 2, "20,000 blocks of 504 B on average pass the 4 MiB goal: \(cycles.count) cycles")
        for cycle in cycles {
            // "... + mark 0 (0 objects, 0 through the stacks, 512 KiB, 0 by helpers) ...": marked, not scanned.
            #expect(cycle.contains("(0 objects, 0 through the stacks,"), "\(cycle)")
            #expect(!cycle.contains("through the stacks, 0 KiB,"), "the blocks are marked: \(cycle)")
        }
    }

    /// Parallel marking: BinaryTrees at two threads on go-gc, with one mark helper (a thread
    /// stopped for the cycle) and with none. Each run's data checks pass (a node the mark missed
    /// would be freed and overwritten, and the tree's check fails the cell); with a helper, the
    /// helpers scan part of the objects (GOALLOC_GCTRACE=1's "by helpers"), never more than the
    /// cycle's objects; without, none.
    @Test(arguments: [1, 0])
    func markHelpersShareTheMark(helpers: Int) throws {
        guard BenchCommand.installedAllocators.contains("go-gc") else { return }
        let out = BenchCommand.scratch("stress-helpers-\(helpers)")
        let result = try BenchCommand.run(BenchCommand.bench, [
            "run", "--filter", "^AllocatorStress/BinaryTrees$", "--allocators", "go-gc", "--threads", "2",
            "--benchtime", "400x", "--count", "1", "--out", out,
        ], environment: ["GOALLOC_GCTRACE": "1", "GOALLOC_MARKHELPERS": "\(helpers)"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(try BenchCommand.rows(in: out).allSatisfy { $0.status == .ok })
        let logs = try FileManager.default.contentsOfDirectory(atPath: out + "/logs").filter { $0.hasSuffix("-timed.log") }
        let log = try String(contentsOfFile: out + "/logs/" + #require(logs.first), encoding: .utf8)
        // "... + mark 431 (74236 objects, 8702 through the stacks, 2319 KiB, 36878 by helpers) + ..."
        let cycles = try log.split(separator: "\n").filter { $0.hasPrefix("goalloc gc ") }.map { line in
            let mark = try #require(line.split(separator: "(").first { $0.contains(" by helpers)") }, "\(line)")
            let words = mark.split(separator: " ")
            return try (objects: #require(Int(words[0]), "\(line)"), helped: #require(Int(words[8]), "\(line)"))
        }
        #expect(cycles.count >= 5, "400 ops of 49 KB pass the goal of a 2 MB live heap often: \(cycles.count) cycles")
        #expect(cycles.allSatisfy { $0.helped <= $0.objects })
        let helped = cycles.map(\.helped).reduce(0, +)
        if helpers == 0 { #expect(helped == 0) } else { #expect(helped > 0, "no helper joined in \(cycles.count) cycles") }
    }
}
