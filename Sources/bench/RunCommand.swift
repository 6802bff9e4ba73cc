import ArgumentParser
import BenchKit
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run workloads on allocators and write a results folder (the default command).")

    @Option(help: "Regular expression on Suite/Workload names (default: the default suites).")
    var filter: String?

    @Option(help: "Comma-separated allocators: system, jemalloc, tcmalloc, mimalloc (default: all installed).")
    var allocators: String?

    @Option(help: "Time per measurement in Go's syntax (1s, 250ms, 1m30s) or a fixed count (1000x).")
    var benchtime = "1s"

    @Option(help: "Repetitions of every cell, each in fresh processes.")
    var count = 5

    @Option(help: "Comma-separated thread counts for parallel workloads, like 1,2,4.")
    var threads = "1"

    @Option(help: "Longest a worker process may run before it is killed and its cell recorded as failed.")
    var timeout = "2m"

    @Option(help: "Results folder (default: results/<UTC timestamp>).")
    var out: String?

    @Option(name: .customLong("plugin"), help: "A plugin executable built against BenchKit (repeatable).")
    var plugins: [String] = []

    @Option(help: "K/N: run only the K-th of N slices of the plan (whole workloads, dealt round robin), for job arrays; merge the folders with bench report.")
    var shard: String?

    func run() throws {
        signal(SIGPIPE, SIG_IGN) // a worker that dies must be an error on its socket, not the runner's death
        var options = RunOptions()
        options.filter = filter
        options.allocators = allocators
        options.benchtime = benchtime
        options.count = count
        options.threads = threads
        options.timeout = timeout
        options.out = out
        options.plugins = plugins
        options.shard = shard

        let catalog = try WorkloadCatalog.load(
            builtins: BuiltinWorkloads.all.map(\.info), benchExecutable: benchExecutablePath(), plugins: plugins,
            scratchDirectory: FileManager.default.temporaryDirectory.path)
        let configuration = try RunConfiguration.validate(
            options, catalog: catalog, defaultWorkloads: BuiltinWorkloads.defaultWorkloads,
            allocatorCatalog: AllocatorCatalog.discover(products: productsFolder()), countingLibrary: CountingLibrary.locate())
        for warning in configuration.warnings { printToStandardError("warning: \(warning)") }

        let cells = Plan.cells(workloads: configuration.workloads, allocators: configuration.allocators,
                               threads: configuration.threads, count: configuration.count)
        printToStandardError("bench: \(cells.count) cells: \(configuration.workloads.count) workloads x "
            + "\(configuration.allocators.count) allocators (\(configuration.allocators.map(\.name.rawValue).joined(separator: ", "))) x "
            + "\(configuration.count) repetitions, benchtime \(configuration.benchTime)"
            + (configuration.shard.map { ", shard \($0)" } ?? "") + "; writing \(configuration.outputDirectory)")

        let runner = Runner(configuration: configuration, machine: MachineInfo.current()) { line in
            printToStandardError(line)
        }
        let outcome = try runner.run(commandLine: CommandLine.arguments)

        print()
        print(SummaryTable.table(outcome.summary, runs: outcome.rows).text(), terminator: "")
        print("\nresults: \(configuration.outputDirectory) (index.html, report.md, charts/, runs.csv, summary.csv, summary.json, bench.txt, params.json)")
        if let changes = outcome.memStatsChanges {
            print("MemStats samples: memstats.csv; the fields each workload changed, in words: \(changes)")
        }
        if outcome.failedCells > 0 {
            print("\(outcome.failedCells) of \(outcome.rows.count) cells failed; their rows in runs.csv say why (status, error)")
            throw ExitCode(1)
        }
    }
}
