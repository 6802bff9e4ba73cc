import Foundation
import Testing
import BenchKit

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
}
