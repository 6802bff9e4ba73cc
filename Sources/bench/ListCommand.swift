import ArgumentParser
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the workloads and the allocators, and whether each allocator is installed.")

    @Option(name: .customLong("plugin"), help: "A plugin executable whose workloads to list too (repeatable).")
    var plugins: [String] = []

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        WorkerGroups.forwardTermination()
        let catalog = try BuiltinWorkloads.catalog(plugins: plugins, programs: [])
        print("Workloads (* = in the default suite):")
        let width = catalog.workloads.map(\.info.fullName.count).max() ?? 0
        for workload in catalog.workloads {
            let info = workload.info
            let mark = BuiltinWorkloads.defaultWorkloads.contains(info.fullName) || workload.isPlugin ? "*" : " "
            let name = info.fullName.padding(toLength: width, withPad: " ", startingAt: 0)
            let threading = info.threading == .parallel ? "[threads] " : ""
            let fixed = info.fixedIterations.map { "[b.N=\($0), any --benchtime] " } ?? ""
            let missing = workload.unavailableReason.map { "[unavailable: \($0)] " } ?? ""
            print("  \(mark) \(name)  \(threading)\(fixed)\(missing)\(info.summary)")
        }
        print("\nAllocators:")
        for allocator in AllocatorCatalog.discover(products: productsFolder()).allocators {
            let name = allocator.name.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            if let reason = allocator.unavailableReason {
                print("    \(name)  unavailable: \(reason)")
            } else {
                print("    \(name)  available (\(allocator.library ?? "glibc malloc, nothing preloaded"))")
            }
        }
        let counter = CountingLibrary.expectedPath
        let counterState = FileManager.default.isReadableFile(atPath: counter) ? "built" : "not built yet: make build, or bench run builds it"
        print("\nAllocation counter: \(counter) (\(counterState))")
    }
}
