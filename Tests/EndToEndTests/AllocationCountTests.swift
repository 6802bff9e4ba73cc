import Foundation
import Testing
import BenchKit

/// Exact allocation counts, on every allocator installed here, measured by real workers.
@Suite(.serialized) struct AllocationCountTests {
    @Test func countsAreExactOnEveryInstalledAllocator() throws {
        let out = BenchCommand.scratch("counts")
        let allocators = BenchCommand.installedAllocators
        #expect(allocators.contains("jemalloc"), "make test installs jemalloc")
        let result = try BenchCommand.bench([
            "run", "--plugin", BenchCommand.fixtures, "--filter", "^BigStruct/|^Fixtures/(Noisy|SetupExcluded)$",
            "--allocators", allocators.joined(separator: ","), "--count", "1", "--benchtime", "2000x", "--out", out,
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = try BenchCommand.rows(in: out)
        #expect(rows.count == 4 * allocators.count)

        // allocs/op and B/op while the timer ran; setup with the timer stopped is not counted.
        let expected: [String: (allocs: Double, bytes: Double)] = [
            "CopyIt": (0, 0), "PointerIt": (1, 91), "Noisy": (1, 48), "SetupExcluded": (1, 100),
        ]
        for row in rows {
            #expect(row.status == .ok, "\(row.fullName) on \(row.allocator): \(row.error)")
            let want = try #require(expected[row.workload])
            #expect(row.allocsPerOp == want.allocs, "\(row.fullName) on \(row.allocator)")
            #expect(row.bytesPerOp == want.bytes, "\(row.fullName) on \(row.allocator)")
            #expect(row.n == 2000)
            #expect((row.nsPerOp ?? 0) > 0)
            #expect(!row.allocatorVersion.isEmpty)
            #expect((row.process?.peakRSSBytes ?? 0) > 0)
            // Counted for every allocator, natively or by the counting pass.
            for field in [MemStatsField.mallocs, .frees, .totalAlloc, .heapObjects] {
                #expect(row.memStats[field] != nil, "\(field.rawValue) on \(row.allocator)")
            }
            if row.allocator == "system" || row.allocator == "jemalloc" {
                for field in [MemStatsField.heapAlloc, .heapInuse, .heapSys, .heapIdle] {
                    #expect(row.memStats[field] != nil, "\(field.rawValue) on \(row.allocator)")
                }
                #expect(row.memStats[.heapSys] == (row.memStats[.heapIdle] ?? 0) + (row.memStats[.heapInuse] ?? 0))
            }
        }
    }

    @Test func theCSVFilesKeepTheirSchema() throws {
        let out = BenchCommand.scratch("schema")
        let result = try BenchCommand.bench(["--filter", "CopyIt", "--allocators", "system", "--count", "2",
                                             "--benchtime", "100x", "--out", out])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let runs = CSV.parse(try String(contentsOfFile: out + "/runs.csv", encoding: .utf8))
        #expect(runs.first == RunsCSV.columns)
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { $0.count == RunsCSV.columns.count })
        let summary = CSV.parse(try String(contentsOfFile: out + "/summary.csv", encoding: .utf8))
        #expect(summary.first == Summary.csvColumns)
        #expect(summary.dropFirst().contains { $0[4] == "ns_per_op" && $0[5] == "2" })
        let benchTxt = try String(contentsOfFile: out + "/bench.txt", encoding: .utf8)
        #expect(benchTxt.contains("\nBenchmarkBigStruct/CopyIt/alloc=system-1\t100\t"))
        let parameters = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/params.json")))
        #expect((parameters as? [String: Any])?["benchtime"] as? String == "100x")
    }

    @Test func listShowsEveryWorkloadAndAllocator() throws {
        let result = try BenchCommand.bench(["list"])
        #expect(result.status == 0)
        for name in ["BigStruct/CopyIt", "BigStruct/PointerIt", "Harness/Empty"] {
            #expect(result.stdout.contains(name))
        }
        for allocator in ["system", "jemalloc", "tcmalloc", "mimalloc"] {
            #expect(result.stdout.contains("    \(allocator) "))
        }
    }
}
