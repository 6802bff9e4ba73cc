import ArgumentParser
import BenchKit
import BenchResults

/// The flags of `bench run`, declared once: their names, types, defaults and help, used by the
/// CLI through `@OptionGroup` and by tests through `RunOptions.parse([...])`. Each value is parsed
/// into its type here, with one line that says what is valid when it cannot be; what needs the
/// machine (the workloads a filter matches, the allocators installed, the output folder) is
/// checked by ``RunConfiguration/validate(_:catalog:defaultWorkloads:allocatorCatalog:countingLibrary:now:)``.
public struct RunOptions: ParsableArguments {
    @Option(help: "Regular expression on Suite/Workload names (default: the workloads bench list marks with *).")
    public var filter: String?

    @Option(help: ArgumentHelp("Comma-separated allocators: \(AllocatorSelection.validNames), or name=/path/to/lib.so for any malloc library (default: all installed built-in ones)."),
            transform: AllocatorSelection.init(parsing:))
    public var allocators: AllocatorSelection?

    @Option(help: "Time per measurement in Go's syntax (1s, 250ms, 1m30s) or a fixed count (1000x).",
            transform: BenchTime.init(argument:))
    public var benchtime: BenchTime = .duration(nanoseconds: 1_000_000_000)

    // .unconditional: `--batches -1` is a count to refuse, not a missing value and an unknown flag.
    @Option(parsing: .unconditional, help: "Batches the timed pass times after its measured run, each of 1/(2 x batches) of its b.N, for ns/op percentiles within a process (op_p50_ns, op_p90_ns, op_p99_ns); 0 for none.")
    public var batches = 100

    // .unconditional: `--count -1` is a count to refuse, not a missing value and an unknown flag.
    @Option(parsing: .unconditional, help: "Repetitions of every cell, each in fresh processes.")
    public var count = 6

    @Option(parsing: .unconditional, help: "Comma-separated thread counts for parallel workloads, like 1,2,4.",
            transform: ThreadCounts.init(parsing:))
    public var threads = ThreadCounts([1])

    @Option(help: "Longest a worker process may run before it is killed and its cell recorded as failed.",
            transform: Timeout.init(parsing:))
    public var timeout = Timeout(nanoseconds: 120_000_000_000)

    @Flag(help: "Also count instructions and cache misses per op under Valgrind's callgrind (a third pass per cell, first repetition; needs valgrind).")
    public var instructions = false

    @Flag(help: "Also time every malloc-family call while the timer runs, in a pass of its own per cell and repetition (the counting interposer with a cycle-counter clock): p50, p99, p99.9 and the longest call, HdrHistogram files and a latency chart.")
    public var latency = false

    @Flag(help: "Also record where each cell allocates: the call stack of every allocation while the timer runs in the counting pass (first repetition), as folded stacks, a flame graph and a top-sites table (Go's -memprofile).")
    public var memprofile = false

    @Flag(help: "Also trace what GoAlloc's runtime did in the timed pass of go and go-gc cells (first repetition): collections and their pauses, scavenger steps, heap growth, as Chrome trace-event JSON and an SVG timeline (Go's -trace).")
    public var trace = false

    @Option(help: "Results folder (default: results/<UTC timestamp>).")
    public var out: String?

    @Option(name: .customLong("plugin"), help: "A plugin executable built against BenchKit (repeatable).")
    public var plugins: [String] = []

    @Option(name: .customLong("program"), help: ArgumentHelp(
        "A program to run as a cell, as 'name=command line' (repeatable): Programs/<name>, its output compared across allocators (docs/programs.md).",
        valueName: "name=command"))
    public var programs: [String] = []

    @Option(help: "K/N: run only the K-th of N slices of the plan (whole workloads, dealt round robin), for job arrays; merge the folders with bench report.",
            transform: Shard.init(parsing:))
    public var shard: Shard?

    /// For ArgumentParser, which fills the properties in; make values with `RunOptions.parse(_:)`.
    public init() {}

    public func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1 (got \(count))") }
    }
}

/// `--allocators system,go,tbb=/usr/lib/libtbbmalloc_proxy.so.2`: built-in allocator names, and
/// libraries of the user's given as `name=path`, each once, in the order given.
public struct AllocatorSelection: Equatable, Sendable, CustomStringConvertible {
    /// The allocators in order; `libraries` holds the path of each one given as `name=path`.
    public var names: [AllocatorName]
    public var libraries: [AllocatorName: String]

    public init(_ names: [AllocatorName], libraries: [AllocatorName: String] = [:]) {
        self.names = names
        self.libraries = libraries
    }

    /// Every allocator's name, for help texts and errors.
    public static var validNames: String { AllocatorName.allCases.map(\.rawValue).joined(separator: ", ") }

    public init(parsing text: String) throws(InputError) {
        var names: [AllocatorName] = []
        var libraries: [AllocatorName: String] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            if parts.count == 2 {
                let path = parts[1].trimmingCharacters(in: .whitespaces)
                guard let allocator = AllocatorName(rawValue: name), !allocator.isBuiltIn, !path.isEmpty else {
                    throw InputError("'\(item)': name a library as name=/path/to/lib.so, with a name of letters, digits, "
                        + "'.', '_' and '-' that is not one of the built-in names (\(Self.validNames))")
                }
                if libraries[allocator] != nil, libraries[allocator] != path {
                    throw InputError("allocator '\(name)' is given two libraries (\(libraries[allocator]!) and \(path)); name each once")
                }
                libraries[allocator] = path
                if !names.contains(allocator) { names.append(allocator) }
                continue
            }
            guard let allocator = AllocatorName(rawValue: name), allocator.isBuiltIn else {
                throw InputError("unknown allocator '\(name)'; valid names are \(Self.validNames), or name=/path/to/lib.so for a library of your own")
            }
            if !names.contains(allocator) { names.append(allocator) }
        }
        self.names = names
        self.libraries = libraries
    }

    public var description: String {
        names.map { name in libraries[name].map { "\(name)=\($0)" } ?? name.rawValue }.joined(separator: ",")
    }
}

/// `--threads 1,2,4`: thread counts from 1 to 1024, each once, in the order given.
public struct ThreadCounts: Equatable, Sendable, CustomStringConvertible {
    public var counts: [Int]

    public init(_ counts: [Int]) {
        self.counts = counts
    }

    public init(parsing text: String) throws(InputError) {
        var counts: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let count = Int(item.trimmingCharacters(in: .whitespaces)), (1...1024).contains(count) else {
                throw InputError("use a comma-separated list of thread counts from 1 to 1024, like 1,2,4")
            }
            if !counts.contains(count) { counts.append(count) }
        }
        self.counts = counts
    }

    public var description: String { counts.map(String.init).joined(separator: ",") }
}

/// `--timeout 2m`: a positive duration in Go's syntax.
public struct Timeout: Equatable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public init(parsing text: String) throws(InputError) {
        guard let nanoseconds = GoDuration.nanoseconds(text), nanoseconds > 0 else {
            throw InputError("use a positive Go duration, like 60s, 2m or 1m30s")
        }
        self.nanoseconds = nanoseconds
    }

    public var description: String { GoDuration.format(nanoseconds: nanoseconds) }
}

extension BenchTime {
    /// `--benchtime`'s parser: ``init(parsing:)`` with the error that says what is valid.
    init(argument text: String) throws(InputError) {
        guard let value = BenchTime(parsing: text) else {
            throw InputError("use a Go duration or a count, like 1s, 250ms, 1m30s or 1000x")
        }
        self = value
    }
}
