/// What identifies a cell's repetitions: a workload on an allocator with a thread count, measured
/// on one host. Runs merged from several machines keep their hosts apart, so no statistic ever
/// mixes two machines' numbers.
public struct CellKey: Hashable, Sendable {
    public var suite: String
    public var workload: String
    public var allocator: String
    public var threads: Int
    public var host: String

    public init(suite: String, workload: String, allocator: String, threads: Int, host: String) {
        self.suite = suite
        self.workload = workload
        self.allocator = allocator
        self.threads = threads
        self.host = host
    }

    public init(_ row: RunRow) {
        self.init(suite: row.suite, workload: row.workload, allocator: row.allocator, threads: row.threads, host: row.host)
    }

    public var fullName: String { "\(suite)/\(workload)" }
}
