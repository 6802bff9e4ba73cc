import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

/// Go's MemStats tour on every installed allocator: which fields move with heap use and which with
/// stack use, from real workers; under GoAlloc, with the scenarios' threads on heap stacks.
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
            // Under GoAlloc growsTheStack takes its stack from the heap (checked below).
            let onHeapStacks = try #require(AllocatorName(rawValue: allocator)).isGoAlloc
            for scenario in onHeapStacks ? ["usesTempStack"] : ["usesTempStack", "growsTheStack"] {
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
            // mimalloc's release build keeps no HeapAlloc to read; Boehm's heap counts whole blocks in
            // use, and a 1000-byte object lands in a block already in use.
            if allocator != "mimalloc" && allocator != "boehm" {
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

        for allocator in allocators where AllocatorName(rawValue: allocator)?.isGoAlloc == true {
            try expectHeapStacks(allocator, row)
        }

        // Two samples per measured cell, and the changes in words beside them.
        let samples = try BenchCommand.memStats(in: folder)
        #expect(samples.count == 2 * rows.filter { $0.status == .ok }.count)
        let changes = try String(contentsOfFile: folder + "/" + RunFiles.memStatsChanges, encoding: .utf8)
        #expect(changes.contains("## MemStatsTour/usesHeap\n\n- **system**: "))
        #expect(changes.contains("HeapAlloc differs by "))
        #expect(changes.contains("Mallocs differs by 1"))
    }

    /// Under GoAlloc the threads of the stack scenarios run on stacks from the heap: their spans
    /// move StackInuse and StackSys up and HeapSys and HeapIdle down by the same bytes (a 2 MiB
    /// stack for the recursion; a 512 KiB pool span for a thread's 64 KiB stack), and stay cached
    /// after the threads end. The temporary stack moves nothing; the heap block no stack field.
    func expectHeapStacks(_ allocator: String, _ row: (String, String) throws -> RunRow) throws {
        for (scenario, bytes) in [("growsTheStack", 2 << 20), ("createsThreadAndWaits", 512 << 10), ("createsThread", 512 << 10)] {
            let metrics = try row(scenario, allocator).metrics
            let stack = Double(bytes)
            #expect(metrics["ΔStackInuse"] == stack, "\(scenario) on \(allocator): \(metrics)")
            #expect(metrics["ΔStackSys"] == stack, "\(scenario) on \(allocator)")
            #expect(metrics["ΔHeapSys"] == -stack, "\(scenario) on \(allocator)")
            #expect((metrics["ΔHeapIdle"] ?? 0) <= -stack, "\(scenario) on \(allocator)")
            #expect(metrics["ΔSys"] == nil, "\(scenario) on \(allocator): the pages moved, none were added")
        }
        let temporary = try row("usesTempStack", allocator).metrics
        #expect(temporary.keys.filter { $0.hasPrefix("Δ") }.isEmpty, "usesTempStack on \(allocator): \(temporary)")
        let heap = try row("usesHeap", allocator).metrics
        for field in ["Alloc", "TotalAlloc", "Mallocs", "HeapObjects"] {
            #expect((heap["Δ" + field] ?? 0) > 0, "usesHeap on \(allocator) moved \(field)")
        }
        #expect(heap["ΔStackInuse"] == nil && heap["ΔStackSys"] == nil, "usesHeap on \(allocator)")
    }
}
