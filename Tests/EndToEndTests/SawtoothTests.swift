import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

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
            // The process's resident memory beside every sample, whatever the allocator reports itself.
            let resident = ticks.compactMap { $0["rss_bytes"].flatMap(UInt64.init) }
            #expect(resident.count == 60 && resident.allSatisfy { $0 > 1_000_000 }, "RSS on \(allocator): \(resident.prefix(3))")
            #expect(ticks.allSatisfy { $0["elapsed_s"] == "" }, "a workload's samples are ticks, not times")
        }
        #expect(rows.allSatisfy { $0.metrics["ΔTotalAlloc"].map { $0 >= 59 * 262_144 } ?? false })
        if allocators.contains("go-gc") { try expectGosSawtooth(samples.filter { $0["allocator"] == "go-gc" }) }
    }

    /// Under go-gc the buffers are collected, not freed: HeapAlloc climbs a quarter MiB a tick to
    /// about the 4 MiB goal, a cycle drops it back, NumGC steps, NextGC starts at 4 MiB, TotalAlloc
    /// climbs by 262144 a tick (exactly, on all but the ticks where the harness's own heap grows)
    /// and HeapInuse stays close to HeapAlloc.
    func expectGosSawtooth(_ ticks: [[String: String]]) throws {
        func column(_ name: String) -> [Double] { ticks.compactMap { $0[name].flatMap(Double.init) } }
        let heapAlloc = column("HeapAlloc"), numGC = column("NumGC"), nextGC = column("NextGC")
        let totalAlloc = column("TotalAlloc"), heapInuse = column("HeapInuse")
        try #require(heapAlloc.count == 60 && numGC.count == 60 && nextGC.count == 60 && heapInuse.count == 60)
        #expect(nextGC.first == 4_194_304)
        // Exactly one buffer a tick, but for the odd tick where the harness's own (explicit) heap
        // grows, by a few hundred bytes, to hold the samples.
        let climbs = zip(totalAlloc, totalAlloc.dropFirst()).map { $1 - $0 }
        #expect(climbs.filter { $0 == 262_144 }.count >= 55, "\(climbs)")
        #expect(climbs.allSatisfy { $0 >= 262_144 && $0 <= 262_144 + 4096 })
        let cycles = zip(numGC, numGC.dropFirst()).filter { $1 > $0 }.count
        #expect(cycles >= 3, "60 quarter-MiB ticks pass a 4 MiB goal several times: \(numGC)")
        for (tick, pair) in zip(heapAlloc, heapAlloc.dropFirst()).enumerated() {
            let (before, after) = pair
            if numGC[tick + 1] == numGC[tick] {
                #expect(after - before >= 262_144 && after - before <= 262_144 + 4096, "tick \(tick + 1): HeapAlloc climbs a buffer")
            } else {
                #expect(after < before, "tick \(tick + 1): the cycle drops HeapAlloc")
            }
        }
        #expect(heapAlloc.max()! < 6 * 1_048_576)
        #expect(zip(heapInuse, heapAlloc).allSatisfy { $0 - $1 < 1_048_576 })
    }
}
