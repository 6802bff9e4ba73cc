import AllocatorStress
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import BigStruct
import ExplicitAlloc
import Harness
import MemStatsTour
import Sawtooth

/// The suites built into `bench` (the targets under Benchmarks/).
enum BuiltinWorkloads {
    static let all: [Workload] = BigStructSuite.workloads + MemStatsTourSuite.workloads + SawtoothSuite.workloads
        + AllocatorStressSuite.workloads + ExplicitAllocSuite.workloads + HarnessSuite.workloads

    /// What `bench run` (and `make bench`) measures when no `--filter` is given: the copy-vs-pointer
    /// pair (the README says how long `make bench` takes). Each further workload adds a cell per
    /// allocator and repetition, two worker processes each (scripts/all-suites.sh runs everything).
    static let defaultWorkloads: Set<String> = ["BigStruct/CopyIt", "BigStruct/PointerIt"]
}
