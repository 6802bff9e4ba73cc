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
    /// Whether the latency pass ran (`--latency`).
    public var latency: Bool?
    /// Batches of each timed pass (`--batches`; 0: none).
    public var batches: Int?
    /// `available`, or why the hardware-counter columns are empty (the first cell's reason).
    public var hardwareCounters: String?
    /// `debug` when a worker ran unoptimised code (its numbers are not release numbers), else
    /// `release`; absent in runs made before it was recorded.
    public var build: BuildKind?

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

        /// Every key, `null` for what is absent (the system allocator preloads no library).
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(library, forKey: .library)
            try container.encode(version, forKey: .version)
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

    /// The file's keys: snake_case, as in summary.json. Files of earlier versions used the
    /// properties' own (camelCase) names, which ``init(from:)`` still reads.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case schemaVersion = "schema_version", runID = "run_id", startedAt = "started_at", finishedAt = "finished_at"
        case commandLine = "command_line", machine, benchtime, count, threads, timeout, filter, plugins, workloads
        case allocators, cells, failedCells = "failed_cells", shard, instructions, latency, batches, hardwareCounters = "hardware_counters"
        case build

        /// The key's name in files of earlier versions (the property's own name).
        var legacyName: String {
            switch self {
            case .schemaVersion: "schemaVersion"
            case .runID: "runID"
            case .startedAt: "startedAt"
            case .finishedAt: "finishedAt"
            case .commandLine: "commandLine"
            case .failedCells: "failedCells"
            case .hardwareCounters: "hardwareCounters"
            default: rawValue
            }
        }
    }

    /// A key by name, for reading both spellings.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        /// The value under the key's snake_case name, or under its camelCase name in older files.
        func value<T: Decodable>(_ key: CodingKeys) throws -> T? {
            for name in [key.rawValue, key.legacyName] where container.contains(AnyKey(stringValue: name)) {
                return try container.decodeIfPresent(T.self, forKey: AnyKey(stringValue: name))
            }
            return nil
        }
        func required<T: Decodable>(_ key: CodingKeys) throws -> T {
            guard let found: T = try value(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: decoder.codingPath, debugDescription: "no \(key.rawValue)"))
            }
            return found
        }
        schemaVersion = try value(.schemaVersion) ?? RunsCSV.schemaVersion
        runID = try required(.runID)
        startedAt = try required(.startedAt)
        finishedAt = try value(.finishedAt)
        commandLine = try required(.commandLine)
        machine = try required(.machine)
        benchtime = try required(.benchtime)
        count = try required(.count)
        threads = try required(.threads)
        timeout = try required(.timeout)
        filter = try value(.filter)
        plugins = try value(.plugins) ?? []
        workloads = try required(.workloads)
        allocators = try required(.allocators)
        cells = try required(.cells)
        failedCells = try value(.failedCells)
        shard = try value(.shard)
        instructions = try value(.instructions)
        latency = try value(.latency)
        batches = try value(.batches)
        hardwareCounters = try value(.hardwareCounters)
        build = try value(.build)
    }

    /// Every key, an absent value as `null` (never left out, never `""`).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(runID, forKey: .runID)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(commandLine, forKey: .commandLine)
        try container.encode(machine, forKey: .machine)
        try container.encode(benchtime, forKey: .benchtime)
        try container.encode(count, forKey: .count)
        try container.encode(threads, forKey: .threads)
        try container.encode(timeout, forKey: .timeout)
        try container.encode(filter, forKey: .filter)
        try container.encode(plugins, forKey: .plugins)
        try container.encode(workloads, forKey: .workloads)
        try container.encode(allocators, forKey: .allocators)
        try container.encode(cells, forKey: .cells)
        try container.encode(failedCells, forKey: .failedCells)
        try container.encode(shard, forKey: .shard)
        try container.encode(instructions, forKey: .instructions)
        try container.encode(latency, forKey: .latency)
        try container.encode(batches, forKey: .batches)
        try container.encode(hardwareCounters, forKey: .hardwareCounters)
        try container.encode(build, forKey: .build)
    }

    /// The file's text: pretty-printed, keys sorted.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}
