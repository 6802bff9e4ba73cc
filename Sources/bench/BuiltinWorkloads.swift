import AllocatorStress
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import BigStruct
import ExplicitAlloc
import Fragmentation
import Foundation
import Harness
import MemStatsTour
import Sawtooth

/// The suites built into `bench` (the targets under Benchmarks/).
enum BuiltinWorkloads {
    static let all: [Workload] = BigStructSuite.workloads + MemStatsTourSuite.workloads + SawtoothSuite.workloads
        + AllocatorStressSuite.workloads + ExplicitAllocSuite.workloads + HarnessSuite.workloads
        + FragmentationSuite.workloads

    /// What `bench run` (and `make bench`) measures when no `--filter` is given: the copy-vs-pointer
    /// pair (the README says how long `make bench` takes). Each further workload adds a cell per
    /// allocator and repetition, two worker processes each (scripts/all-suites.sh runs everything).
    static let defaultWorkloads: Set<String> = ["BigStruct/CopyIt", "BigStruct/PointerIt"]

    /// The built-in program suite's declarations (docs/programs.md), found from this source file's
    /// place in the checkout, as `bench why` finds the workloads' sources.
    static let programsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Benchmarks/Programs").standardizedFileURL.path

    /// Every workload: the built-in suites, the built-in programs and `--program`s, and the
    /// workloads of `--plugin` executables.
    static func catalog(plugins: [String], programs: [String]) throws -> WorkloadCatalog {
        try WorkloadCatalog.load(
            builtins: all.map(\.info), benchExecutable: benchExecutablePath(), plugins: plugins,
            programs: ProgramCatalog.load(folder: programsFolder, adHoc: programs, products: productsFolder()),
            scratchDirectory: FileManager.default.temporaryDirectory.path)
    }
}
