import BenchKit
import BenchResults
import Foundation

/// A run whose every input was checked before any work starts, and its plan.
public struct RunConfiguration: Sendable {
    public var workloads: [PlannedWorkload]
    public var allocators: [AllocatorAvailability]
    public var threads: [Int]
    public var count: Int
    public var benchTime: BenchTime
    public var timeout: Timeout
    /// The slice of the plan this run measures; nil for the whole plan.
    public var shard: Shard?
    /// `--filter` as given; nil ran the default workloads.
    public var filter: String?
    public var plugins: [String]
    public var outputDirectory: String
    /// libBenchCount.so, preloaded in front of the allocator for counting passes.
    public var countingLibrary: String
    /// Things the user should know that do not stop the run (a skipped allocator).
    public var warnings: [String]
    /// Every cell in the order it runs (see ``Plan``).
    public var cells: [Cell]
    /// The instruction-count pass, with `--instructions`.
    public var instructionPass: InstructionPass?
    /// Allocation sites from the counting pass, with `--memprofile`: the toolchain's symbolizer names them.
    public var allocationSites: AllocationSiteProfiler?
    /// The runtime's trace from the timed pass of go and go-gc cells, with `--trace`.
    public var tracesRuntime = false
    /// The latency pass of every cell and repetition, with `--latency`.
    public var latency = false
    /// Batches the timed pass times after its measured run (`--batches`).
    public var batches = 0
    /// The build products folder (`{products}` in a program's command).
    public var products = ""
    /// `bench-launch`, which starts each run of a program cell; nil when the plan has no program.
    public var programLauncher: String?

    /// Checks `options` against what this machine has, and plans the run; changes nothing on
    /// disk (``prepare()`` does, once the run is to start).
    ///
    /// - Parameters:
    ///   - catalog: every workload, built-in and from plugins.
    ///   - defaultWorkloads: the full names (`Suite/Name`) of the workloads run when no `--filter` is
    ///     given (plugin workloads always run).
    ///   - allocatorCatalog: the allocators and whether each is installed.
    ///   - countingLibrary: where libBenchCount.so should be.
    ///   - products: the build products folder, where `bench-launch` is built for program cells.
    ///   - now: the run's start, for the default output folder.
    public static func validate(
        _ options: RunOptions, catalog: WorkloadCatalog, defaultWorkloads: Set<String>,
        allocatorCatalog: AllocatorCatalog, countingLibrary: String, products: String = "", now: Date = Date()
    ) throws(InputError) -> RunConfiguration {
        var warnings: [String] = []
        let selected = try selectWorkloads(options.filter, from: catalog, defaultWorkloads: defaultWorkloads, warnings: &warnings)
        let workloads = try options.shard?.slice(selected) ?? selected
        var allocators = try selectAllocators(options.allocators, from: allocatorCatalog, warnings: &warnings)
        // Named from outside the process where no worker can ask the allocator: a user's library
        // always, and every allocator of a plan with program cells.
        let hasPrograms = workloads.contains { $0.program != nil }
        for index in allocators.indices where hasPrograms || !allocators[index].name.isBuiltIn {
            allocators[index].version = LibraryVersion.of(allocators[index])
        }
        _ = try plannedCells(workloads: workloads, allocators: allocators,
                             threads: options.threads.counts.count, count: options.count)
        guard (0...maximumBatches).contains(options.batches) else {
            throw InputError("--batches \(options.batches): give 0 (no batches) to \(maximumBatches)")
        }
        let instructionPass = options.instructions ? InstructionPass() : nil
        if options.instructions, instructionPass == nil {
            throw InputError("--instructions needs valgrind, which is not installed: apt-get install valgrind (make setup installs it)")
        }
        let allocationSites = options.memprofile ? AllocationSiteProfiler() : nil
        if options.memprofile, allocationSites == nil {
            throw InputError("--memprofile needs llvm-symbolizer, which comes with the Swift toolchain: put the toolchain's bin folder (where swift is) on PATH")
        }
        guard FileManager.default.isReadableFile(atPath: countingLibrary) else {
            throw InputError("the allocation counter \(countingLibrary) is not built; run `make build` (or `swift build -c release`) first")
        }
        let launcher = hasPrograms ? CProgram.path(named: "bench-launch", products: products) : nil
        let output = options.out ?? "results/\(defaultRunName(now))"
        try checkOutputDirectory(output)
        if options.memprofile || options.trace, hasPrograms {
            warnings.append("--memprofile and --trace record what a worker's passes do; program cells have no worker, so they get neither")
        }
        if options.trace, !allocators.contains(where: { $0.name == .go || $0.name == .goGC }) {
            warnings.append("--trace traces GoAlloc's runtime, and neither go nor go-gc is among the allocators: no cell will have a timeline")
        }
        return RunConfiguration(
            workloads: workloads, allocators: allocators, threads: options.threads.counts, count: options.count,
            benchTime: options.benchtime, timeout: options.timeout, shard: options.shard, filter: options.filter,
            plugins: options.plugins, outputDirectory: output, countingLibrary: countingLibrary, warnings: warnings,
            cells: Plan.cells(workloads: workloads, allocators: allocators, threads: options.threads.counts, count: options.count),
            instructionPass: instructionPass, allocationSites: allocationSites, tracesRuntime: options.trace,
            latency: options.latency, batches: options.batches, products: products, programLauncher: launcher)
    }

    /// The most batches a timed pass takes: each is a call of the workload's body, and a body may
    /// set up for milliseconds before its timer starts.
    static let maximumBatches = 10_000

    /// The largest plan a run accepts: a million cells (two processes each) is weeks of work.
    static let maximumCells = 1_000_000

    /// The plan's size, computed before the plan is: a --count of 9223372036854775807 is refused
    /// here, not after the runner has filled memory with cells.
    static func plannedCells(workloads: [PlannedWorkload], allocators: [AllocatorAvailability], threads: Int, count: Int) throws(InputError) -> Int {
        let perRepetition = workloads.reduce(0) { total, workload in
            total + (workload.info.threading == .parallel ? threads : 1) * allocators.filter { workload.runs(on: $0.name) }.count
        }
        let (cells, overflow) = perRepetition.multipliedReportingOverflow(by: count)
        guard !overflow, cells <= maximumCells else {
            throw InputError("--count \(count): the plan would have \(overflow ? "more than \(Int.max)" : String(cells)) cells "
                + "(\(perRepetition) per repetition); at most \(maximumCells) can run")
        }
        return cells
    }

    /// The workloads `filter` matches (without one: the plugins' and `--program`s', and the default
    /// suite unless a `--program` was given), less the programs that cannot run here, each with a warning.
    static func selectWorkloads(_ filter: String?, from catalog: WorkloadCatalog, defaultWorkloads: Set<String>,
                                warnings: inout [String]) throws(InputError) -> [PlannedWorkload] {
        let matched = try matchWorkloads(filter, from: catalog, defaultWorkloads: defaultWorkloads)
        for skipped in matched where skipped.unavailableReason != nil {
            warnings.append("skipping program \(skipped.info.fullName): \(skipped.unavailableReason!)")
        }
        let runnable = matched.filter { $0.unavailableReason == nil }
        guard !runnable.isEmpty else {
            throw InputError("none of the workloads --filter '\(filter ?? "")' matches can run here; see the warnings above, or bench list")
        }
        return runnable
    }

    static func matchWorkloads(_ filter: String?, from catalog: WorkloadCatalog,
                               defaultWorkloads: Set<String>) throws(InputError) -> [PlannedWorkload] {
        let all = catalog.workloads
        guard let filter else {
            let adHocPrograms = all.filter { $0.isPlugin && $0.program != nil }
            if !adHocPrograms.isEmpty { return all.filter(\.isPlugin) }
            return all.filter { $0.isPlugin || defaultWorkloads.contains($0.info.fullName) }
        }
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(filter)
        } catch {
            throw InputError("--filter '\(filter)' is not a valid regular expression: \(error)")
        }
        let selected = all.filter { $0.info.fullName.contains(regex) }
        guard !selected.isEmpty else {
            let names = all.map(\.info.fullName).joined(separator: ", ")
            throw InputError("--filter '\(filter)' matches no workload; the workloads are: \(names)")
        }
        return selected
    }

    static func selectAllocators(_ selection: AllocatorSelection?, from catalog: AllocatorCatalog,
                                 warnings: inout [String]) throws(InputError) -> [AllocatorAvailability] {
        let requested = selection.map { selection in
            selection.names.map { name in selection.libraries[name].map { AllocatorCatalog.library(name, at: $0) } ?? catalog[name] }
        } ?? catalog.allocators
        // A library given by its path was asked for by name: not there is a typo, not a choice.
        if let missing = requested.first(where: { !$0.name.isBuiltIn && !$0.isAvailable }) {
            throw InputError("--allocators \(missing.name)=...: \(missing.unavailableReason!); give the path of a malloc library")
        }
        for skipped in requested where !skipped.isAvailable {
            warnings.append("skipping allocator \(skipped.name): \(skipped.unavailableReason!)")
        }
        let available = requested.filter(\.isAvailable)
        guard !available.isEmpty else {
            throw InputError("none of the requested allocators is available here (\(requested.map(\.name.rawValue).joined(separator: ", "))); see bench list")
        }
        return available
    }

    /// Refuses a folder that already holds a run: any file a run appends to or replaces (a stray
    /// memstats.csv would be appended to). Reads only.
    static func checkOutputDirectory(_ path: String) throws(InputError) {
        let taken = [RunFiles.runs, RunFiles.memStats, RunFiles.benchFormat, RunFiles.parameters, RunFiles.profiles]
            .filter { FileManager.default.fileExists(atPath: RunFiles.path(path, $0)) }
        if !taken.isEmpty {
            throw InputError("--out \(path) already holds a run (\(taken.joined(separator: ", "))); "
                + "choose a new folder so nothing is overwritten")
        }
    }

    /// Readies the machine for the run, before any cell: creates the output folder and proves it
    /// writable, and compiles the program launcher and the C programs of the plan's program cells. Refused like
    /// bad input (exit 2, nothing measured) when it cannot.
    public func prepare() throws(InputError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            let probe = "\(outputDirectory)/.write-test-\(getpid())"
            try Data().write(to: URL(fileURLWithPath: probe))
            try manager.removeItem(atPath: probe)
        } catch {
            throw InputError("--out \(outputDirectory) cannot be written (\(Self.describe(error))); choose a folder you can write to")
        }
        if let programLauncher {
            _ = try CProgram.build(CProgram.launcherSource, named: URL(fileURLWithPath: programLauncher).lastPathComponent,
                                   products: products)
        }
        for program in workloads.compactMap(\.program) {
            if let source = program.source {
                _ = try CProgram.build(source, named: URL(fileURLWithPath: program.command[0]).lastPathComponent, products: products)
            }
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
