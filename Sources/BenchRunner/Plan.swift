import BenchKit
import BenchResults
/// One measurement cell: a workload on an allocator with a thread count, in one repetition.
public struct Cell: Equatable, Sendable {
    public let workload: PlannedWorkload
    public let allocator: AllocatorAvailability
    public let threads: Int
    /// 1-based repetition.
    public let rep: Int
}

/// The order in which cells run.
public enum Plan {
    /// Repetitions are the outer loop, so every allocator's first repetition runs before any
    /// allocator's second: drift in the machine (thermal, other load) hits all allocators alike.
    /// Within a repetition the allocator order rotates, so no allocator always runs first.
    /// Single-threaded workloads run at threads = 1 only.
    public static func cells(workloads: [PlannedWorkload], allocators: [AllocatorAvailability],
                             threads: [Int], count: Int) -> [Cell] {
        var cells: [Cell] = []
        for rep in 1...count {
            let offset = (rep - 1) % allocators.count
            let rotated = Array(allocators[offset...] + allocators[..<offset])
            for workload in workloads {
                let threadCounts = workload.info.threading == .parallel ? threads : [1]
                for threadCount in threadCounts {
                    for allocator in rotated where workload.runs(on: allocator.name) {
                        cells.append(Cell(workload: workload, allocator: allocator, threads: threadCount, rep: rep))
                    }
                }
            }
        }
        return cells
    }
}
