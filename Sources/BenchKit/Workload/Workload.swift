/// A benchmark that `bench` can run: its suite, its name, what it stresses, and its body.
///
/// The body receives a ``B`` and runs the operation `b.n` times, exactly like a Go benchmark
/// function runs `b.N` iterations. The harness picks `b.n` and times the call.
///
///     let append = Workload(suite: "Arrays", name: "Append100",
///                           summary: "Appends 100 Ints to a fresh array") { b in
///         for _ in 0..<b.n {
///             var array: [Int] = []
///             for i in 0..<100 { array.append(i) }
///             b.blackHole(array)
///         }
///     }
///
/// Built-in suites live in `Benchmarks/<Suite>/`; a plugin executable hands its workloads to
/// ``BenchPlugin/main(workloads:)``.
public struct Workload: Sendable {
    /// Whether the body uses `b.threads` threads or runs on one.
    public enum Threading: String, Codable, Sendable {
        /// Runs on the calling thread only; `bench` runs it once per repetition with threads = 1.
        case single
        /// Spreads its work over `b.threads` threads; `bench` runs it for every `--threads` value.
        case parallel
    }

    /// The suite (a folder under `Benchmarks/`, or a plugin's name for its workloads).
    public let suite: String
    /// The workload's name within its suite.
    public let name: String
    /// One line that says what the workload stresses.
    public let summary: String
    /// Whether the workload uses several threads.
    public let threading: Threading
    /// A b.N that the workload always runs with, whatever `--benchtime` says (as if it were
    /// `--benchtime <N>x`: one run with b.N = 1, then one with N); nil to grow b.N like Go.
    /// For scenarios that must run a set number of times, like a 60-tick time series.
    public let fixedIterations: Int?
    /// Where the workload is defined: `bench why` reads its body from there.
    public let source: SourceLocation
    /// Runs the measured operation `b.n` times.
    public let body: @Sendable (B) -> Void

    /// `file` and `line` default to the call's own: the place `bench why` starts reading the
    /// body. A workload that wraps another one's body passes that one's ``source``.
    public init(
        suite: String, name: String, summary: String, threading: Threading = .single, fixedIterations: Int? = nil,
        file: String = #filePath, line: Int = #line, body: @escaping @Sendable (B) -> Void
    ) {
        precondition(fixedIterations.map { $0 > 0 } ?? true, "a fixed b.N must be positive")
        self.suite = suite
        self.name = name
        self.summary = summary
        self.threading = threading
        self.fixedIterations = fixedIterations
        self.source = SourceLocation(file: file, line: line)
        self.body = body
    }

    /// `Suite/Name`, the name `--filter` matches and reports show.
    public var fullName: String { WorkloadInfo.fullName(suite: suite, name: name) }

    /// What the runner needs to know about the workload, without its body.
    public var info: WorkloadInfo {
        WorkloadInfo(suite: suite, name: name, summary: summary, threading: threading, fixedIterations: fixedIterations,
                     source: source)
    }
}

/// A workload's description as it crosses the runner-worker protocol.
public struct WorkloadInfo: Codable, Equatable, Sendable {
    public let suite: String
    public let name: String
    public let summary: String
    public let threading: Workload.Threading
    /// See ``Workload/fixedIterations``.
    public var fixedIterations: Int? = nil
    /// See ``Workload/source``; nil from a plugin built before workloads carried it.
    public var source: SourceLocation? = nil

    public init(suite: String, name: String, summary: String, threading: Workload.Threading,
                fixedIterations: Int? = nil, source: SourceLocation? = nil) {
        self.suite = suite
        self.name = name
        self.summary = summary
        self.threading = threading
        self.fixedIterations = fixedIterations
        self.source = source
    }

    /// `Suite/Name`, the name `--filter` matches and reports show.
    public var fullName: String { Self.fullName(suite: suite, name: name) }

    /// The one spelling of a workload's full name.
    public static func fullName(suite: String, name: String) -> String { "\(suite)/\(name)" }
}

/// A line of a source file, as the compiler saw its path when it built the workload.
public struct SourceLocation: Codable, Equatable, Sendable {
    public let file: String
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
}
