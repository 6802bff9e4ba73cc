import BenchKit
import BigStruct
import ExplicitAlloc
import Harness

/// The suites built into `bench` (the targets under Benchmarks/).
enum BuiltinWorkloads {
    static let all: [Workload] = BigStructSuite.workloads + ExplicitAllocSuite.workloads + HarnessSuite.workloads

    /// What `bench run` (and `make bench`) measures when no `--filter` is given: the copy-vs-pointer
    /// pair, which takes about 3 minutes on every installed allocator on a 2-core machine.
    static let defaultWorkloads: Set<String> = ["BigStruct/CopyIt", "BigStruct/PointerIt"]
}
