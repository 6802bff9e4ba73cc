import Foundation

/// `params.json`: what was asked for and what it ran on. `bench run` writes it at the start and
/// the end; `bench report` reads it back for the configuration section of `index.html`.
public struct RunParameters: Codable, Sendable {
    public var schemaVersion = RunsCSV.schemaVersion
    public var runID: String
    public var startedAt: String
    public var finishedAt: String?
    public var commandLine: [String]
    public var machine: MachineInfo
    public var benchtime: String
    public var count: Int
    public var threads: [Int]
    public var timeout: String
    public var filter: String?
    public var plugins: [String]
    public var workloads: [String]
    public var allocators: [Allocator]
    public var cells: Int
    public var failedCells: Int?
    /// `K/N` when the run was one slice of a sharded plan (`--shard`); absent otherwise.
    public var shard: String?
    /// Whether the instruction pass ran (`--instructions`).
    public var instructions: Bool?
    /// `available`, or why the hardware-counter columns are empty (the first cell's reason).
    public var hardwareCounters: String?
    /// `debug` when a worker ran unoptimised code (its numbers are not release numbers), else
    /// `release`; absent in runs made before it was recorded.
    public var build: String?

    /// An allocator of the run: the library preloaded for it, and the version its workers reported.
    public struct Allocator: Codable, Sendable {
        public var name: String
        public var library: String?
        public var version: String?

        public init(name: String, library: String?, version: String?) {
            self.name = name
            self.library = library
            self.version = version
        }
    }

    public init(runID: String, startedAt: String, commandLine: [String], machine: MachineInfo, benchtime: String,
                count: Int, threads: [Int], timeout: String, filter: String?, plugins: [String], workloads: [String],
                allocators: [Allocator], cells: Int, shard: String?) {
        self.runID = runID
        self.startedAt = startedAt
        self.commandLine = commandLine
        self.machine = machine
        self.benchtime = benchtime
        self.count = count
        self.threads = threads
        self.timeout = timeout
        self.filter = filter
        self.plugins = plugins
        self.workloads = workloads
        self.allocators = allocators
        self.cells = cells
        self.shard = shard
    }

    /// The file's text: pretty-printed, keys sorted.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}
