import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchRunner

@Suite struct ShardTests {
    @Test func parsesKOfNAndRefusesTheRest() throws {
        #expect(try Shard(parsing: "2/3") == Shard(parsing: "2/3"))
        #expect(try Shard(parsing: "2/3").description == "2/3")
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "1/2/3", "-1/2", ""] {
            #expect(throws: InputError.self, "\(bad)") { try Shard(parsing: bad) }
        }
    }

    /// Every workload in exactly one shard, dealt round robin; and the shards' plans together are
    /// the whole plan's cells.
    @Test func shardsPartitionThePlan() throws {
        let plan = PlanTests()
        let workloads = ["A", "B", "C", "D", "E"].map { plan.workload($0, .parallel) }
        func cells(_ workloads: [PlannedWorkload]) -> [String] {
            Plan.cells(workloads: workloads, allocators: [plan.system, plan.jemalloc], threads: [1, 2], count: 3)
                .map { "\($0.workload.info.name)-\($0.allocator.name)-\($0.threads)-\($0.rep)" }
        }
        var union: [String] = []
        for index in 1...3 {
            let slice = try Shard(parsing: "\(index)/3").slice(workloads)
            #expect(slice.map(\.info.name) == [["A", "D"], ["B", "E"], ["C"]][index - 1])
            union += cells(slice)
        }
        #expect(union.sorted() == cells(workloads).sorted())
        #expect(throws: InputError.self) { try Shard(parsing: "1/6").slice(workloads) }
    }
}
