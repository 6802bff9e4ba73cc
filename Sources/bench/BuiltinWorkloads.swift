import BenchKit
import BigStruct
import ExplicitAlloc
import Harness

/// The suites built into `bench` (the targets under Benchmarks/).
enum BuiltinWorkloads {
    static let all: [Workload] = BigStructSuite.workloads + ExplicitAllocSuite.workloads + HarnessSuite.workloads

    /// What `bench run` measures when no `--filter` is given.
    static let defaultSuites: Set<String> = ["BigStruct"]
}
