import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

/// Exact allocation counts, on every allocator installed here, measured by real workers.
@Suite(.serialized) struct AllocationCountTests {
    @Test func countsAreExactOnEveryInstalledAllocator() throws {
        let out = BenchCommand.scratch("counts")
        let allocators = BenchCommand.installedAllocators
        #expect(allocators.contains("jemalloc"), "make test installs jemalloc")
        #expect(allocators.contains("go"), "make test builds libgoalloc.so")
        BenchCommand.reportMissingAllocators()
        let result = try BenchCommand.bench([
            "run", "--plugin", BenchCommand.fixtures,
            "--filter", "^BigStruct/(CopyIt|PointerIt|PointerItManual|StackIt|StackIt2|StackIt3)$"
                + "|^ExplicitAlloc/(Pair80|Batch1000)$|^Fixtures/(Noisy|SetupExcluded)$",
            "--allocators", allocators.joined(separator: ","), "--count", "1", "--benchtime", "2000x", "--out", out,
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = try BenchCommand.rows(in: out)
        #expect(rows.count == 10 * allocators.count)

        // allocs/op and B/op while the timer ran; setup with the timer stopped is not counted.
        // BigStruct: 0, 1, 1, 0, 1, 0 allocations, as in Go's copy-vs-pointer and stackIt examples.
        let expected: [String: (allocs: Double, bytes: Double)] = [
            "CopyIt": (0, 0), "PointerIt": (1, 91), "PointerItManual": (1, 80),
            "StackIt": (0, 0), "StackIt2": (1, 24), "StackIt3": (0, 0),
            "Noisy": (1, 48), "SetupExcluded": (1, 100), "Pair80": (1, 80), "Batch1000": (1, 80),
        ]
        for row in rows {
            // The same on every allocator: go is the process's malloc like the others, so Swift's
            // class instances (PointerIt, StackIt2) are GoAlloc's too.
            #expect(row.status == .ok, "\(row.fullName) on \(row.allocator): \(row.error)")
            let want = try #require(expected[row.workload])
            #expect(row.allocsPerOp == want.allocs, "\(row.fullName) on \(row.allocator)")
            #expect(row.bytesPerOp == want.bytes, "\(row.fullName) on \(row.allocator)")
            #expect(row.n == 2000)
            #expect((row.nsPerOp ?? 0) > 0)
            #expect(!row.allocatorVersion.isEmpty)
            #expect((row.process?.peakRSSBytes ?? 0) > 0)
            // The collector's share of the time is a metric of the collected heaps alone (go-gc, boehm).
            #expect((row.metrics["gc-%"] != nil) == AllocatorName(rawValue: row.allocator)?.isGarbageCollected,
                    "\(row.fullName) on \(row.allocator)")
            // Counted for every allocator, natively or by the counting pass.
            for field in [MemStatsField.mallocs, .frees, .totalAlloc, .heapObjects] {
                #expect(row.memStats[field] != nil, "\(field.rawValue) on \(row.allocator)")
            }
            if ["system", "jemalloc", "go"].contains(row.allocator) {
                for field in [MemStatsField.heapAlloc, .heapInuse, .heapSys, .heapIdle] {
                    #expect(row.memStats[field] != nil, "\(field.rawValue) on \(row.allocator)")
                }
                #expect(row.memStats[.heapSys] == (row.memStats[.heapIdle] ?? 0) + (row.memStats[.heapInuse] ?? 0))
            }
        }
    }

    @Test func theCSVFilesKeepTheirSchema() throws {
        let out = BenchCommand.scratch("schema")
        let result = try BenchCommand.bench(["--filter", "^BigStruct/CopyIt$", "--allocators", "system", "--count", "2",
                                             "--benchtime", "100x", "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let runs = CSV.parse(try String(contentsOfFile: out + "/runs.csv", encoding: .utf8))
        #expect(runs.first == RunsCSV.columns)
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { $0.count == RunsCSV.columns.count })
        let summary = CSV.parse(try String(contentsOfFile: out + "/summary.csv", encoding: .utf8))
        #expect(summary.first == SummaryFile.columns)
        #expect(summary.dropFirst().contains { $0[4] == "ns_per_op" && $0[5] == "2" })
        let benchTxt = try String(contentsOfFile: out + "/bench.txt", encoding: .utf8)
        #expect(benchTxt.contains("\nBenchmarkBigStruct/CopyIt/alloc=system-1\t100\t"))
        // The report, written by the run from these files.
        for name in ["summary.json", "report.md", "index.html", "charts/bigstruct-ns-per-op.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
        let parameters = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/params.json")))
        #expect((parameters as? [String: Any])?["benchtime"] as? String == "100x")
    }

    @Test func listShowsEveryWorkloadAndAllocator() throws {
        let result = try BenchCommand.bench(["list"])
        #expect(result.status == 0)
        let names = ["BigStruct/CopyIt", "BigStruct/PointerIt", "BigStruct/PointerItManual", "BigStruct/StackIt ",
                     "BigStruct/StackIt2", "BigStruct/StackIt3", "BigStruct/CopyItTrace", "BigStruct/PointerItTrace",
                     "MemStatsTour/growsTheStack", "MemStatsTour/createsThreadAndWaits", "MemStatsTour/usesHeap",
                     "MemStatsTour/usesTempStack", "MemStatsTour/createsThread ", "Sawtooth/QuarterMiBPerTick",
                     "AllocatorStress/Larson", "AllocatorStress/ProducerConsumer", "AllocatorStress/CacheScratch",
                     "AllocatorStress/ParetoMix", "AllocatorStress/GlibcSimple", "AllocatorStress/LargeBlocks",
                     "AllocatorStress/ThreadChurn", "AllocatorStress/BinaryTrees", "Harness/Empty"]
        for name in names {
            #expect(result.stdout.contains(name))
        }
        // Each with its summary on the same line, and the default pair marked.
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("AllocatorStress/Larson") && $0.contains("[threads]") && $0.contains("Larson's server simulation") })
        #expect(lines.contains { $0.contains("* BigStruct/PointerIt ") })
        #expect(lines.contains { $0.contains("  BigStruct/PointerItManual") && !$0.contains("*") })
        for allocator in ["system", "jemalloc", "tcmalloc", "mimalloc", "go"] {
            #expect(result.stdout.contains("    \(allocator) "))
        }
    }
}

/// GoAlloc in the harness: Go's MemStats, with Go's invariants, from real workers.
@Suite(.serialized) struct GoAllocatorTests {
    @Test func goReportsEveryMemStatsField() throws {
        let out = BenchCommand.scratch("go")
        let result = try BenchCommand.bench(["--filter", "^ExplicitAlloc/Churn$", "--allocators", "go", "--count", "1",
                                             "--benchtime", "20000x", "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let row = try #require(try BenchCommand.rows(in: out).first)
        // Mixed sizes up to 256 KiB: refills, flushes and large spans.
        #expect(row.status == .ok, "\(row.error)")
        #expect(row.allocatorVersion.hasPrefix("GoAlloc"))
        let stats = row.memStats
        for field in MemStatsField.allCases {
            #expect(stats[field] != nil, "\(field.rawValue) is reported")
        }
        func value(_ field: MemStatsField) -> Double { stats[field] ?? -1 }
        #expect(value(.sys) == value(.heapSys) + value(.stackSys) + value(.mSpanSys) + value(.mCacheSys)
            + value(.buckHashSys) + value(.gcSys) + value(.otherSys))
        #expect(value(.heapSys) == value(.heapIdle) + value(.heapInuse))
        #expect(value(.heapObjects) == value(.mallocs) - value(.frees))
        #expect(value(.heapAlloc) <= value(.heapInuse))
        #expect(value(.heapReleased) <= value(.heapIdle))
        #expect(value(.numGC) == 0)
    }
}
