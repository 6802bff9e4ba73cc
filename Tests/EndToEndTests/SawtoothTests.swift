import Foundation
import Testing
import BenchKit

/// The sawtooth's MemStats curves, in memstats.csv, on every installed allocator.
@Suite(.serialized) struct SawtoothTests {
    @Test func sixtyTicksPerAllocatorWithTotalAllocGrowingAQuarterMiBATick() throws {
        // --benchtime does not apply: the workload always runs 60 ticks.
        let (rows, folder) = try BenchCommand.runOnEveryAllocator("sawtooth", ["--filter", "^Sawtooth/", "--benchtime", "5x"])
        let allocators = BenchCommand.installedAllocators
        #expect(rows.count == allocators.count)
        #expect(rows.allSatisfy { $0.status == .ok && $0.n == 60 })
        let samples = try BenchCommand.memStats(in: folder)
        for allocator in allocators {
            let ticks = samples.filter { $0["allocator"] == allocator }
            #expect(ticks.map { $0["tick"] } == (0..<60).map { String($0) }, "\(allocator)")
            let totals = ticks.compactMap { $0["TotalAlloc"].flatMap(Double.init) }
            #expect(totals.count == 60, "TotalAlloc on \(allocator)")
            // A quarter MiB per tick; glibc's usable size adds a few bytes of its own.
            for (before, after) in zip(totals, totals.dropFirst()) {
                #expect(after - before >= 262_144 && after - before <= 262_144 + 4096, "\(allocator): \(after - before)")
            }
        }
        #expect(rows.allSatisfy { $0.metrics["ΔTotalAlloc"].map { $0 >= 59 * 262_144 } ?? false })
    }
}
