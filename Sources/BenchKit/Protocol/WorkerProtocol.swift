/// The messages between the runner and a worker process.
///
/// One request and one reply per worker process, each a JSON object on one line, sent over a
/// socket that the runner passes as file descriptor 3 (`worker --protocol-fd 3`). Standard output
/// and error stay free for the workload's own prints, so nothing a workload writes can corrupt
/// the protocol. Both sides check ``version``: a plugin built against another BenchKit is told
/// to rebuild rather than misread.
public enum WorkerProtocol {
    /// Bump when a message changes shape or meaning. Version 2 added the MemStats series of a
    /// result and the fixed b.N of a workload; version 3 the instruction pass and the hardware
    /// counters of a result; version 4 allocation sites and the runtime trace; version 5 the
    /// resident bytes beside each MemStats sample; version 6 the latency pass, the timed pass's batches
    /// and the live bytes beside each sample.
    public static let version = 6
    /// The file descriptor the runner hands the protocol socket to the worker on.
    public static let conventionalFD: Int32 = 3

    /// The arguments (after the executable's path) that make `bench` or a plugin a worker:
    /// `worker --protocol-fd 3`. ``protocolFD(in:)`` is their one reader.
    package static let workerArguments = [workerCommand, protocolFDOption, String(conventionalFD)]
    static let workerCommand = "worker"
    static let protocolFDOption = "--protocol-fd"

    /// The protocol's file descriptor when `arguments` (after the executable's path) are a
    /// worker's command line, else nil.
    public static func protocolFD<Arguments: Collection<String>>(in arguments: Arguments) -> Int32? {
        let arguments = Array(arguments)
        guard arguments.count == 3, arguments[0] == workerCommand, arguments[1] == protocolFDOption else { return nil }
        return Int32(arguments[2])
    }
}

/// A message with the protocol version it was written in.
struct Envelope<Body: Codable>: Codable {
    var protocolVersion: Int
    var body: Body
}

/// What the runner asks a worker to do.
public enum WorkerRequest: Codable, Equatable, Sendable {
    /// Describe the workloads this executable provides.
    case listWorkloads
    /// Run one cell.
    case run(CellRequest)
}

/// One measurement: a workload on the process's allocator with a thread count.
public struct CellRequest: Codable, Equatable, Sendable {
    /// How this process measures the cell.
    public enum Pass: Codable, Equatable, Sendable {
        /// Grow b.N like Go until one run takes the bench time; nothing extra is loaded.
        case timed(BenchTime)
        /// Replay these iteration counts with the counting interposer preloaded.
        case counting(iterations: [Int])
        /// Run b.N = `iterations` under Valgrind's callgrind, instrumented only while the timer runs
        /// (after one uninstrumented run of b.N = 1, unless the workload fixes b.N).
        case instructions(iterations: Int)
        /// Replay these iteration counts with the counting interposer preloaded, timing each
        /// malloc-family call of the last run while the timer runs (`--latency`).
        case latency(iterations: [Int])

        /// The pass's name in log file names and error messages: `timed`, `counting`.
        public var name: String {
            switch self {
            case .timed: "timed"
            case .counting: "counting"
            case .instructions: "instructions"
            case .latency: "latency"
            }
        }
    }

    public var workload: String
    public var allocator: AllocatorName
    public var threads: Int
    public var pass: Pass
    /// Record the call stack of every allocation in the last run (counting pass, `--memprofile`).
    public var recordsAllocationSites: Bool
    /// Record what the allocator's runtime did in the last run (timed and counting passes on go
    /// and go-gc, `--trace`).
    public var tracesRuntime: Bool
    /// Timed pass: after the measured run, time this many runs of 1/(2 x batches) of its b.N each
    /// (`--batches`), for ns/op percentiles within the process. Not for fixed-b.N workloads.
    public var batches: Int

    public init(workload: String, allocator: AllocatorName, threads: Int, pass: Pass,
                recordsAllocationSites: Bool = false, tracesRuntime: Bool = false, batches: Int = 0) {
        self.workload = workload
        self.allocator = allocator
        self.threads = threads
        self.pass = pass
        self.recordsAllocationSites = recordsAllocationSites
        self.tracesRuntime = tracesRuntime
        self.batches = batches
    }
}

/// What a worker answers.
public enum WorkerReply: Codable, Equatable, Sendable {
    case workloads([WorkloadInfo])
    case result(CellResult)
    /// The request could not be served (for example an unknown workload).
    case failure(String)
}

/// The measurement of one pass of a cell.
public struct CellResult: Codable, Equatable, Sendable {
    /// b.N of every run in order; the last run is the measurement.
    public var iterations: [Int]
    /// Timed nanoseconds of the last run.
    public var elapsedNs: UInt64
    /// Allocations while the timer ran in the last run (counting pass only).
    public var counts: AllocationCounts?
    /// Metrics the workload reported in the last run.
    public var metrics: [String: Double]
    /// MemStats after the last run: native statistics in the timed pass, counted ones in the counting pass.
    public var memStats: MemStatsSnapshot
    /// The worker's own figures over the last run.
    public var process: ProcessFigures
    /// The allocator as it names itself (`jemalloc 5.3.0-...`, `glibc 2.36`).
    public var allocatorVersion: String
    /// The MemStats samples the workload took in the last run (``B/recordMemStatsSample()``), in
    /// the same kind as `memStats`; nil when it took none.
    public var series: [MemStatsSnapshot]?
    /// The process's resident bytes at each of those samples (`memstats.csv`'s `rss_bytes`).
    public var residentSeries: [UInt64]?
    /// The bytes the workload said it held at each of those samples (`live_bytes`); nil when it never said.
    public var liveSeries: [UInt64?]?
    /// The CPU's own counts over the timed part of the last run (timed pass only), or why there
    /// are none.
    public var hardwareCounters: HardwareCounters.Reading?
    /// Whether the worker runs unoptimised code (a debug build of `bench` or of the plugin): its
    /// numbers then measure the compiler's debug output, not the allocator. Nil from old workers.
    public var debugBuild: Bool?
    /// The call stacks of the last run's allocations, when the request asked for them.
    public var allocationSites: AllocationSites?
    /// What the runtime did in the last run, when the request asked and the allocator has a runtime.
    public var runtimeTrace: RuntimeTrace?
    /// How long each malloc-family call of the last run took while the timer ran (latency pass only).
    public var latency: AllocationLatency?
    /// ns/op of each batch the timed pass ran after its measurement (``CellRequest/batches``).
    public var batchNsPerOp: [Double]?

    /// b.N of the reported run.
    public var n: Int { iterations.last ?? 0 }
    public var nsPerOp: Double { n > 0 ? Double(elapsedNs) / Double(n) : 0 }
}
