import Foundation
import Testing
import BenchKit
import BenchResults

/// Allocator boehm: the Boehm collector's heap behind the explicit Allocator interface, through
/// the real libgc.so.1 (setup installs libgc-dev; the test says so and stops where it is missing).
@Suite(.serialized) struct BoehmTests {
    static var installed: Bool {
        let here = BenchCommand.installedAllocators.contains("boehm")
        if !here { BenchCommand.reportMissingAllocators() }
        return here
    }

    /// BinaryTrees (threads allocating, trees checked node by node) and PointerItManual run on the
    /// collected heap, in Boehm's default mode and with one marker thread: every allocation counted,
    /// none freed by hand, collections and their pauses read back as MemStats and `gc-%`.
    @Test func theCollectorWorkloadsRunOnBoehmsHeap() throws {
        guard Self.installed else { return }
        for environment in [[:], ["GC_MARKERS": "1"]] {
            let out = BenchCommand.scratch("boehm")
            let run = try BenchCommand.run(BenchCommand.bench, [
                "run", "--filter", "^(AllocatorStress/BinaryTrees|BigStruct/PointerItManual)$", "--allocators", "boehm",
                "--threads", "1,2", "--count", "1", "--benchtime", "300x", "--batches", "0", "--out", out,
            ], environment: environment)
            #expect(run.status == 0, "\(environment): \(run.stderr)")
            let rows = try BenchCommand.rows(in: out)
            #expect(rows.count == 3, "BinaryTrees at 1 and 2 threads, PointerItManual at 1")
            for row in rows {
                #expect(row.status == .ok, "\(row.fullName) t\(row.threads) \(environment): \(row.error)")
                #expect(row.allocatorVersion.hasPrefix("Boehm GC 8."), "\(row.allocatorVersion)")
                #expect(row.allocsPerOp == (row.workload == "BinaryTrees" ? 2047 : 1), "\(row.fullName)")
                #expect(row.metrics["gc-%"] != nil)
                #expect((row.memStats[.heapSys] ?? 0) > 0 && row.memStats[.heapInuse] != nil)
                if row.workload == "BinaryTrees" {
                    // 300 trees of 2047 nodes (about 49 KiB each) on a heap of a few MiB: collections ran.
                    #expect((row.memStats[.numGC] ?? 0) > 0 && (row.memStats[.pauseTotalNs] ?? 0) > 0,
                            "t\(row.threads): NumGC \(row.memStats[.numGC] ?? 0)")
                }
            }
        }
    }

    /// A program's malloc under boehm would be glibc's: program cells skip boehm, as they skip go-gc.
    @Test func programsDoNotRunOnBoehm() throws {
        guard Self.installed else { return }
        let out = BenchCommand.scratch("boehm-programs")
        let run = try BenchCommand.bench(["run", "--program", "t=/bin/true", "--allocators", "system,boehm", "--count", "1", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try BenchCommand.rows(in: out).map(\.allocator) == ["system"])
    }
}
