import Foundation

/// The flags of `bench run` as typed, before validation.
public struct RunOptions: Sendable {
    public var filter: String?
    public var allocators: String?
    public var benchtime = "1s"
    public var count = 5
    public var threads = "1"
    public var timeout = "2m"
    public var out: String?
    public var plugins: [String] = []
    /// `K/N`: run only the K-th of N slices of the plan (see ``Shard``).
    public var shard: String?

    public init() {}
}

/// A run whose every input was checked before any work starts.
public struct RunConfiguration: Sendable {
    public var workloads: [PlannedWorkload]
    public var allocators: [AllocatorAvailability]
    public var threads: [Int]
    public var count: Int
    public var benchTime: BenchTime
    public var timeoutNs: Int64
    /// The slice of the plan this run measures; nil for the whole plan.
    public var shard: Shard?
    public var outputDirectory: String
    /// libBenchCount.so, preloaded in front of the allocator for counting passes.
    public var countingLibrary: String
    /// Things the user should know that do not stop the run (a skipped allocator).
    public var warnings: [String]
    public var options: RunOptions

    /// Checks `options` and resolves them against what this machine has.
    ///
    /// - Parameters:
    ///   - catalog: every workload, built-in and from plugins.
    ///   - defaultWorkloads: the full names (`Suite/Name`) of the workloads run when no `--filter` is
    ///     given (plugin workloads always run).
    ///   - allocatorCatalog: the allocators and whether each is installed.
    ///   - countingLibrary: where libBenchCount.so should be.
    ///   - now: the run's start, for the default output folder.
    public static func validate(
        _ options: RunOptions, catalog: WorkloadCatalog, defaultWorkloads: Set<String>,
        allocatorCatalog: AllocatorCatalog, countingLibrary: String, now: Date = Date()
    ) throws(UsageError) -> RunConfiguration {
        var warnings: [String] = []
        let shard = try options.shard.map(Shard.init(parsing:))
        let selected = try selectWorkloads(options.filter, from: catalog, defaultWorkloads: defaultWorkloads)
        let workloads = try shard?.slice(selected) ?? selected
        let allocators = try selectAllocators(options.allocators, from: allocatorCatalog, warnings: &warnings)
        guard let benchTime = BenchTime(parsing: options.benchtime) else {
            throw UsageError("--benchtime '\(options.benchtime)' is not a Go duration or count; use for example 1s, 250ms, 1m30s or 1000x")
        }
        guard options.count >= 1 else {
            throw UsageError("--count must be at least 1 (got \(options.count))")
        }
        let threads = try parseThreads(options.threads)
        guard let timeout = GoDuration.nanoseconds(options.timeout), timeout > 0 else {
            throw UsageError("--timeout '\(options.timeout)' is not a positive Go duration; use for example 60s, 2m or 1m30s")
        }
        guard FileManager.default.isReadableFile(atPath: countingLibrary) else {
            throw UsageError("the allocation counter \(countingLibrary) is not built; run `make build` (or `swift build -c release`) first")
        }
        let output = options.out ?? "results/\(defaultRunName(now))"
        try prepareOutputDirectory(output)
        return RunConfiguration(workloads: workloads, allocators: allocators, threads: threads, count: options.count,
                                benchTime: benchTime, timeoutNs: timeout, shard: shard, outputDirectory: output,
                                countingLibrary: countingLibrary, warnings: warnings, options: options)
    }

    static func selectWorkloads(_ filter: String?, from catalog: WorkloadCatalog,
                                defaultWorkloads: Set<String>) throws(UsageError) -> [PlannedWorkload] {
        let all = catalog.workloads
        guard let filter else {
            return all.filter { $0.isPlugin || defaultWorkloads.contains($0.info.fullName) }
        }
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(filter)
        } catch {
            throw UsageError("--filter '\(filter)' is not a valid regular expression: \(error)")
        }
        let selected = all.filter { $0.info.fullName.contains(regex) }
        guard !selected.isEmpty else {
            let names = all.map(\.info.fullName).joined(separator: ", ")
            throw UsageError("--filter '\(filter)' matches no workload; the workloads are: \(names)")
        }
        return selected
    }

    static func selectAllocators(_ list: String?, from catalog: AllocatorCatalog,
                                 warnings: inout [String]) throws(UsageError) -> [AllocatorAvailability] {
        let valid = AllocatorName.allCases.map(\.rawValue).joined(separator: ", ")
        var requested: [AllocatorAvailability] = []
        if let list {
            for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                let name = item.trimmingCharacters(in: .whitespaces)
                guard let allocator = AllocatorName(rawValue: name) else {
                    throw UsageError("--allocators: unknown allocator '\(name)'; valid names are \(valid)")
                }
                if !requested.contains(where: { $0.name == allocator }) { requested.append(catalog[allocator]) }
            }
        } else {
            requested = catalog.allocators
        }
        for skipped in requested where !skipped.isAvailable {
            warnings.append("skipping allocator \(skipped.name): \(skipped.unavailableReason!)")
        }
        let available = requested.filter(\.isAvailable)
        guard !available.isEmpty else {
            throw UsageError("none of the requested allocators is available here (\(requested.map(\.name.rawValue).joined(separator: ", "))); see bench list")
        }
        return available
    }

    static func parseThreads(_ text: String) throws(UsageError) -> [Int] {
        var threads: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let count = Int(item.trimmingCharacters(in: .whitespaces)), count >= 1, count <= 1024 else {
                throw UsageError("--threads '\(text)' must be a comma-separated list of thread counts from 1 to 1024, like 1,2,4")
            }
            if !threads.contains(count) { threads.append(count) }
        }
        return threads
    }

    /// Creates the folder and proves it writable; refuses a folder that already holds a run.
    static func prepareOutputDirectory(_ path: String) throws(UsageError) {
        let manager = FileManager.default
        if manager.fileExists(atPath: "\(path)/runs.csv") {
            throw UsageError("--out \(path) already holds a run (runs.csv); choose a new folder so nothing is overwritten")
        }
        do {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            let probe = "\(path)/.write-test-\(getpid())"
            try Data().write(to: URL(fileURLWithPath: probe))
            try manager.removeItem(atPath: probe)
        } catch {
            throw UsageError("--out \(path) cannot be written (\(describe(error))); choose a folder you can write to")
        }
    }

    static func describe(_ error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)), underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(code.rawValue))
        }
        return (error as NSError).localizedDescription
    }

    /// `2026-11-22T23-10-05Z`: the UTC start time, sortable, with no characters that shells or
    /// Windows file systems mind.
    public static func defaultRunName(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'"
        return formatter.string(from: date)
    }
}
