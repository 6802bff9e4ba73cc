import BenchKit

/// What identifies a cell's repetitions: a workload on an allocator with a thread count, measured
/// on one host. Runs merged from several machines keep their hosts apart, so no statistic ever
/// mixes two machines' numbers. Every row type of the run folder embeds one (``CellRow``).
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

    /// `Suite/Workload`, as `--filter` matches it (``WorkloadInfo/fullName``).
    public var fullName: String { WorkloadInfo.fullName(suite: suite, name: workload) }

    /// `Suite-Workload-allocator-tN`, with anything but letters, digits and dashes made `_`: the
    /// name of the cell's files (its profile, allocation sites, trace and their charts).
    public var fileName: String {
        RunFiles.safeName("\(suite)-\(workload)-\(allocator)-t\(threads)")
    }
}

/// A row that belongs to one cell (``RunRow``, ``MemStatsRow``, a summary row): the cell's
/// fields read and write through it, so `row.allocator` means `row.cell.allocator`.
@dynamicMemberLookup
public protocol CellRow {
    var cell: CellKey { get set }
}

extension CellRow {
    public subscript<Value>(dynamicMember field: WritableKeyPath<CellKey, Value>) -> Value {
        get { cell[keyPath: field] }
        set { cell[keyPath: field] = newValue }
    }

    public subscript<Value>(dynamicMember field: KeyPath<CellKey, Value>) -> Value {
        cell[keyPath: field]
    }
}

/// A row of one repetition of a cell (``RunRow``, ``MemStatsRow``): the cell, the run and the
/// repetition, which the first columns of their files name.
public protocol RepetitionRow: CellRow {
    var runID: String { get set }
    var rep: Int { get set }
}

extension CSVColumn where Row: RepetitionRow {
    /// The columns that say which repetition of which cell a row is, in the run folder's order:
    /// run_id, host, suite, workload, allocator, then `inserted`, then threads and rep.
    static func repetition(inserting inserted: [CSVColumn] = []) -> [CSVColumn] {
        [
            .text("run_id", { $0.runID }, { $0.runID = $1 }),
            .text("host", { $0.host }, { $0.host = $1 }),
            .text("suite", { $0.suite }, { $0.suite = $1 }),
            .text("workload", { $0.workload }, { $0.workload = $1 }),
            // An allocator bench does not know is a bad value: a typo, or a file of another tool.
            .text("allocator", { $0.allocator }, { $0.allocator = $1 }, valid: { AllocatorName(rawValue: $0) != nil }),
        ] + inserted + [
            .positive("threads", { $0.threads }, { $0.threads = $1 }),
            .positive("rep", { $0.rep }, { $0.rep = $1 }),
        ]
    }
}
