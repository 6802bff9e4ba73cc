import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchRunner

@Suite struct PlanTests {
    let system = AllocatorAvailability(name: .system, library: nil, unavailableReason: nil)
    let jemalloc = AllocatorAvailability(name: .jemalloc, library: "/lib/libjemalloc.so.2", unavailableReason: nil)
    let tcmalloc = AllocatorAvailability(name: .tcmalloc, library: "/lib/libtcmalloc_minimal.so.4", unavailableReason: nil)

    func workload(_ name: String, _ threading: Workload.Threading = .single) -> PlannedWorkload {
        PlannedWorkload(info: WorkloadInfo(suite: "S", name: name, summary: "", threading: threading),
                        executable: "/bench", isPlugin: false)
    }

    @Test func repetitionsAreTheOuterLoopAndAllocatorOrderRotates() {
        let cells = Plan.cells(workloads: [workload("A")], allocators: [system, jemalloc, tcmalloc], threads: [1], count: 3)
        #expect(cells.map(\.rep) == [1, 1, 1, 2, 2, 2, 3, 3, 3])
        #expect(cells.map(\.allocator.name) == [.system, .jemalloc, .tcmalloc, .jemalloc, .tcmalloc, .system,
                                                .tcmalloc, .system, .jemalloc])
    }

    @Test func everyCellOnce() {
        let cells = Plan.cells(workloads: [workload("A"), workload("B", .parallel)], allocators: [system, jemalloc],
                               threads: [1, 4], count: 2)
        // A: 1 thread count; B: 2 thread counts; x 2 allocators x 2 repetitions.
        #expect(cells.count == (1 + 2) * 2 * 2)
        let keys = cells.map { "\($0.workload.info.name)-\($0.allocator.name)-\($0.threads)-\($0.rep)" }
        #expect(Set(keys).count == keys.count)
    }

    @Test func singleThreadedWorkloadsRunAtOneThreadOnly() {
        let cells = Plan.cells(workloads: [workload("A")], allocators: [system], threads: [2, 8], count: 1)
        #expect(cells.map(\.threads) == [1])
    }
}
