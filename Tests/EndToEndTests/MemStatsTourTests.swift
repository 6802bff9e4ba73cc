import Foundation
import Testing
import BenchKit

/// Go's MemStats tour on every installed allocator: which fields move with heap use and which with
/// stack use, from real workers.
@Suite(.serialized) struct MemStatsTourTests {
    /// The fields a heap allocation can move.
    static let heapFields = ["Alloc", "TotalAlloc", "Mallocs", "Frees", "HeapAlloc", "HeapSys", "HeapIdle", "HeapInuse",
                             "HeapReleased", "HeapObjects"]

    @Test func stackUseChangesNoHeapFieldAndHeapUseChangesMallocsAndHeapAlloc() throws {
        let (rows, folder) = try BenchCommand.runOnEveryAllocator("tour", ["--filter", "^MemStatsTour/"])
        let allocators = BenchCommand.installedAllocators
        #expect(rows.count == 5 * allocators.count)
        func row(_ scenario: String, _ allocator: String) throws -> RunRow {
            try #require(rows.first { $0.workload == scenario && $0.allocator == allocator })
        }
        for allocator in allocators {
            for scenario in ["usesTempStack", "growsTheStack"] {
                let stackOnly = try row(scenario, allocator)
                #expect(stackOnly.status == .ok, "\(scenario) on \(allocator): \(stackOnly.error)")
                for field in Self.heapFields {
                    #expect(stackOnly.metrics["Δ" + field] == nil, "\(scenario) changed \(field) on \(allocator)")
                }
            }
            let heap = try row("usesHeap", allocator)
            #expect(heap.status == .ok, "usesHeap on \(allocator): \(heap.error)")
            #expect(heap.metrics["ΔMallocs"] == 1, "usesHeap on \(allocator)")
            #expect(heap.metrics["ΔHeapObjects"] == 1, "usesHeap on \(allocator)")
            #expect((heap.metrics["ΔTotalAlloc"] ?? 0) >= 1000, "usesHeap on \(allocator)")
            if allocator != "mimalloc" { // mimalloc's release build keeps no HeapAlloc to read
                let heapAlloc = heap.metrics["ΔHeapAlloc"] ?? 0
                #expect(heapAlloc >= 1000 && heapAlloc <= 1100, "usesHeap on \(allocator): ΔHeapAlloc \(heapAlloc)")
            }

            // The stack high-water mark: about 1 MiB for 1000 frames with 1 KiB locals, and at
            // least the 1000-byte local but far less than a frame of the recursion for usesTempStack.
            let deep = try #require(try row("growsTheStack", allocator).metrics["stack-bytes"])
            #expect(deep >= 1000 * 1024 && deep < 3 * 1024 * 1024, "growsTheStack on \(allocator): \(deep)")
            let shallow = try #require(try row("usesTempStack", allocator).metrics["stack-bytes"])
            #expect(shallow >= 1000 && shallow < 16 * 1024, "usesTempStack on \(allocator): \(shallow)")

            // A new thread's TLS vector comes from the allocator (glibc callocs it): a heap change, measured.
            for scenario in ["createsThreadAndWaits", "createsThread"] {
                let threaded = try row(scenario, allocator)
                #expect(threaded.status == .ok, "\(scenario) on \(allocator): \(threaded.error)")
            }
        }

        // Two samples per measured cell, and the changes in words beside them.
        let samples = try BenchCommand.memStats(in: folder)
        #expect(samples.count == 2 * rows.filter { $0.status == .ok }.count)
        let changes = try String(contentsOfFile: folder + "/" + MemStatsChanges.fileName, encoding: .utf8)
        #expect(changes.contains("## MemStatsTour/usesHeap\n\n- **system**: "))
        #expect(changes.contains("HeapAlloc differs by "))
        #expect(changes.contains("Mallocs differs by 1"))
    }
}
