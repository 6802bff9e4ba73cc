import BenchKit
import BenchResults
/// `--shard K/N`: the K-th of N deterministic slices of a plan, so that the job array of a cluster
/// scheduler (a Slurm `--array`, a Kubernetes Indexed Job) runs one matrix across many machines
/// and `bench report` merges their folders.
///
/// A slice is a set of whole workloads, dealt round robin in the order `bench list` shows them:
/// workload i goes to shard i mod N + 1, with all its allocators, thread counts and repetitions.
/// So every comparison a report draws (allocator against allocator, thread count against thread
/// count) is between numbers from one machine, and no cell's repetitions are split across hosts.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// Parses `K/N` with 1 <= K <= N.
    public init(parsing text: String) throws(InputError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else {
            throw InputError("use K/N with 1 <= K <= N, like 1/4 (the first of four slices)")
        }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// This shard's workloads out of all the plan's, which must number at least N (a shard with
    /// no workload would be a wasted machine, and more likely a mistake in the job's size).
    public func slice<Workload>(_ workloads: [Workload]) throws(InputError) -> [Workload] {
        guard workloads.count >= count else {
            throw InputError("--shard \(self): the plan has \(workloads.count) workload\(workloads.count == 1 ? "" : "s"), "
                + "and a shard is a set of whole workloads, so N can be at most \(workloads.count)")
        }
        return workloads.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}
