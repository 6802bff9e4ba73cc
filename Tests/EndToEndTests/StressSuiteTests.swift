import Foundation
import Testing
import BenchKit

/// The allocator stress suite runs on every installed allocator, checking its data as it goes (the
/// checks themselves are tested against a broken allocator in AllocatorStressTests).
@Suite(.serialized) struct StressSuiteTests {
    @Test func everyStressWorkloadRunsOnEveryAllocatorAndReportsThroughput() throws {
        // LargeBlocks maps 300 MiB per thread before it starts: one thread and one run keep this short.
        // Not go-gc: these workloads keep their blocks in Swift arrays, which the collector does
        // not scan, so it rightly frees blocks they still use (see README, GoAlloc).
        let excluded = ["go-gc"]
        let allocators = BenchCommand.installedAllocators.filter { !excluded.contains($0) }
        let (threaded, _) = try BenchCommand.runOnEveryAllocator(
            "stress", ["--filter", "^AllocatorStress/(?!LargeBlocks)", "--threads", "2", "--benchtime", "4x"], excluding: excluded)
        let (large, _) = try BenchCommand.runOnEveryAllocator(
            "stress-large", ["--filter", "^AllocatorStress/LargeBlocks$", "--benchtime", "1x"], excluding: excluded)
        #expect(threaded.count == 7 * allocators.count)
        #expect(large.count == allocators.count)
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
}
