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
    @Test func theCollectorKeepsEveryBlockTheStressWorkloadsStillUse() throws {
        guard BenchCommand.installedAllocators.contains("go-gc") else { return }
        let out = BenchCommand.scratch("stress-gc")
        let result = try BenchCommand.run(BenchCommand.bench, [
            "run", "--filter", "^AllocatorStress/(BinaryTrees|ProducerConsumer|Larson|ThreadChurn)$",
            "--allocators", "go-gc", "--threads", "2", "--benchtime", "20ms", "--count", "1", "--out", out,
        ], environment: ["GOGC": "10"])
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
            // "... + mark 0 (0 objects, 0 through the stacks, 512 KiB) ...": marked, not scanned.
            #expect(cycle.contains("(0 objects, 0 through the stacks,"), "\(cycle)")
            #expect(!cycle.contains(", 0 KiB) + sweep"), "the blocks are marked: \(cycle)")
        }
    }
}
