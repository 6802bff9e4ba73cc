import ArgumentParser
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run workloads on allocators and write a results folder (the default command).")

    @OptionGroup var options: RunOptions

    func run() throws {
        signal(SIGPIPE, SIG_IGN) // a worker that dies must be an error on its socket, not the runner's death
        WorkerGroups.forwardTermination()
        let catalog = try BuiltinWorkloads.catalog(plugins: options.plugins, programs: options.programs)
        let configuration = try RunConfiguration.validate(
            options, catalog: catalog, defaultWorkloads: BuiltinWorkloads.defaultWorkloads,
            allocatorCatalog: AllocatorCatalog.discover(products: productsFolder()), countingLibrary: CountingLibrary.locate(),
            products: productsFolder())
        for warning in configuration.warnings { printToStandardError("warning: \(warning)") }
        try configuration.prepare()

        let folder = configuration.outputDirectory
        printToStandardError("bench: \(configuration.cells.count) cells: \(configuration.workloads.count) workloads x "
            + "\(configuration.allocators.count) allocators (\(configuration.allocators.map(\.name.rawValue).joined(separator: ", "))) x "
            + "\(configuration.count) repetitions, benchtime \(configuration.benchTime)"
            + (configuration.shard.map { ", shard \($0)" } ?? "") + "; writing \(folder)")

        let runner = Runner(configuration: configuration, machine: MachineInfo.current()) { line in
            printToStandardError(line)
        }
        let outcome = try runner.run(commandLine: CommandLine.arguments)

        // The report reads the files back, as `bench report` would: what it shows is what is on disk.
        let report = try Report(data: RunData.load([folder]))
        try report.write(to: folder)
        let changes = MemStatsChanges.markdown(outcome.sampledRows)
        if let changes {
            try Data(changes.utf8).write(to: URL(fileURLWithPath: RunFiles.path(folder, RunFiles.memStatsChanges)), options: .atomic)
        }

        print()
        print(SummaryTable.table(report.summary, runs: outcome.rows).text(), terminator: "")
        let files = [RunFiles.page, RunFiles.reportMarkdown, RunFiles.charts + "/", RunFiles.runs, RunFiles.summaryCSV,
                     RunFiles.summaryJSON, RunFiles.benchFormat, RunFiles.parameters]
        print("\nresults: \(folder) (\(files.joined(separator: ", ")))")
        print(ReportCommand.benchstatHint(folder))
        if changes != nil {
            print("MemStats samples: \(RunFiles.memStats); the fields each workload changed, in words: "
                + RunFiles.path(folder, RunFiles.memStatsChanges))
        }
        if outcome.failedCells > 0 {
            print("\(outcome.failedCells) of \(outcome.rows.count) cells failed; their rows in \(RunFiles.runs) say why (status, error)")
            throw ExitCode(1)
        }
    }
}
