import AllocatorStress
import BenchKit
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
    /// pair, which takes about 3 minutes on every installed allocator on a 2-core machine. The other
    /// workloads would take that much again each (see the README for a run of everything).
    static let defaultWorkloads: Set<String> = ["BigStruct/CopyIt", "BigStruct/PointerIt"]
}
