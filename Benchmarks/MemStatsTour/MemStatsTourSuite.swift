import BenchKit

/// Go's MemStats tour, on every allocator: each scenario runs once between two MemStats samples;
/// the fields that changed become `Δ<Field>` metrics (and lines like "HeapInuse differs by 8192"
/// in the run's memstats-changes.md), beside the scenario's stack high-water mark (`stack-bytes`).
public enum MemStatsTourSuite {
    public static let workloads: [Workload] = Scenario.allCases.map { scenario in
        Workload(suite: "MemStatsTour", name: scenario.rawValue, summary: scenario.summary, fixedIterations: 1) { b in
            // Mapping the stack and creating the thread are not part of the scenario.
            b.stopTimer()
            let thread = ScenarioThread(scenario, b)
            let highWaterMark = thread.run()
            b.reportMetric(MetricName.stackBytes, Double(highWaterMark))
        }
    }
}
