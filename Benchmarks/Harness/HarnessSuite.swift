import BenchKit

/// Workloads that measure the harness itself: what `bench` adds to every op.
public enum HarnessSuite {
    public static let workloads: [Workload] = [
        Workload(suite: "Harness", name: "Empty",
                 summary: "a loop with an empty body: the per-op cost of the harness itself (should be ~0)") { b in
            for _ in 0..<b.n {}
        },
        Workload(suite: "Harness", name: "BlackHole",
                 summary: "one b.blackHole(i) per op: what keeping a result alive costs") { b in
            for i in 0..<b.n {
                b.blackHole(i)
            }
        },
    ]
}
